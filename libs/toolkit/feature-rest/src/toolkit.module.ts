import { Module } from '@nestjs/common';
import { DialingPlanRepository, DialingPlans, TenancyRepository } from '@tws/tenancy-data-access';
import { CallLogRepository } from '@tws/calllog-data-access';
import { KerberosAcceptor, TrustedProxy, type KerberosEnv, type TrustedProxyEnv } from '@tws/identity-data-access';
import { TWS_CONFIG } from '@tws/service';
import { ToolkitAuthController, ToolkitController } from './toolkit.controller';
import { ToolkitAuthGuard } from './toolkit-auth.guard';
import { ToolkitService } from './toolkit.service';

/**
 * Toolkit REST (`/toolkit/v1`). Reads tenancy and call-log tables; writes none. Callers sign in
 * through web-services (`tws.auth.login`) and every request's token is checked there
 * (`tws.auth.verify`). Needs trustedProxyEnvSchema and kerberosEnvSchema in the service's environment schema.
 */
@Module({
  controllers: [ToolkitAuthController, ToolkitController],
  providers: [
    TenancyRepository,
    DialingPlanRepository,
    DialingPlans,
    CallLogRepository,
    { provide: TrustedProxy, useFactory: (c: TrustedProxyEnv) => new TrustedProxy(c), inject: [TWS_CONFIG] },
    { provide: KerberosAcceptor, useFactory: (c: KerberosEnv) => KerberosAcceptor.create(c), inject: [TWS_CONFIG] },
    ToolkitService,
    ToolkitAuthGuard,
  ],
})
export class ToolkitRestModule {}
