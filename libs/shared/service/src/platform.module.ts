import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from '@tws/logging';
import type { ServiceName } from '@tws/contracts';
import { TWS_CONFIG, TWS_LOGGER, TWS_SERVICE_NAME } from './tokens';
import { NatsService } from './nats.service';
import { DatabaseService, TWS_ENTITIES } from './database.service';
import { ReadinessRegistry } from './readiness';
import { MetricsRegistry } from './metrics';
import { HealthController } from './health.controller';
import { HeartbeatService } from './heartbeat.service';

export interface PlatformOptions {
  service: ServiceName;
  config: object;
  logger: Logger;
  entities: Function[];
}

/** What every service has: config, logger, NATS, Postgres, health, metrics, heartbeat. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(opts: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: TWS_CONFIG, useValue: opts.config },
        { provide: TWS_LOGGER, useValue: opts.logger },
        { provide: TWS_SERVICE_NAME, useValue: opts.service },
        { provide: TWS_ENTITIES, useValue: opts.entities },
        NatsService,
        DatabaseService,
        ReadinessRegistry,
        MetricsRegistry,
        HeartbeatService,
      ],
      exports: [TWS_CONFIG, TWS_LOGGER, TWS_SERVICE_NAME, NatsService, DatabaseService, ReadinessRegistry, MetricsRegistry],
    };
  }
}
