import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceControlController } from './service-control.controller';
import { SUPERVISOR_RUNTIME, type SupervisorRuntime } from './supervisor.tokens';

@Module({})
export class SupervisorModule {
  static forRoot(runtime: SupervisorRuntime): DynamicModule {
    return {
      module: SupervisorModule,
      controllers: [ServiceControlController],
      providers: [{ provide: SUPERVISOR_RUNTIME, useValue: runtime }],
    };
  }
}
