import './instrument';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService, serveOpenApi } from '@tws/service';
import { TENANCY_ENTITIES } from '@tws/tenancy-data-access';
import { CALLLOG_ENTITIES } from '@tws/calllog-data-access';
import { callLogQuerySchema, makeCallSchema, ToolkitRestModule, ToolkitService, toolkitLoginSchema } from '@tws/toolkit-feature';
import { kerberosEnvSchema, trustedProxyEnvSchema } from '@tws/identity-data-access';
import { ToolkitSoapModule } from '@tws/toolkit-soap';

/** toolkit-web-services: the integrators' API, REST and SOAP faces of the same use cases (events and callback later). */
bootstrapService({
  service: 'toolkit-web-services',
  envSchema: baseEnvSchema.extend(trustedProxyEnvSchema.shape).extend(kerberosEnvSchema.shape),
  entities: [...TENANCY_ENTITIES, ...CALLLOG_ENTITIES],
  imports: () => [
    ToolkitRestModule,
    ToolkitSoapModule.register({ useCases: ToolkitService, schemas: { login: toolkitLoginSchema, makeCall: makeCallSchema, callLogs: callLogQuerySchema } }),
  ],
  configure: (app) => {
    serveOpenApi(app, {
      title: 'TWS Toolkit',
      description: 'Integrator API of TWS Suite: call control and call logs. Sign in with POST /toolkit/v1/auth/login, then send `Authorization: Bearer <accessToken>`.',
      uiPath: 'toolkit/docs',
      jsonPath: 'toolkit/v1/openapi.json',
    });
  },
}).catch((e) => {
  process.stderr.write(`toolkit-web-services failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
