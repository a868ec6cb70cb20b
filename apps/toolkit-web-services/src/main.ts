import './instrument';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService, serveOpenApi } from '@tws/service';
import { TENANCY_ENTITIES } from '@tws/tenancy-data-access';
import { CALLLOG_ENTITIES } from '@tws/calllog-data-access';
import { ToolkitRestModule } from '@tws/toolkit-feature';

/** toolkit-web-services: the integrators' API (REST now; SOAP, events and callback later). */
bootstrapService({
  service: 'toolkit-web-services',
  envSchema: baseEnvSchema,
  entities: [...TENANCY_ENTITIES, ...CALLLOG_ENTITIES],
  imports: () => [ToolkitRestModule],
  configure: (app) => {
    serveOpenApi(app, {
      title: 'TWS Toolkit',
      description: 'Integrator API of TWS Suite: call control and call logs.',
      uiPath: 'toolkit/docs',
      jsonPath: 'toolkit/v1/openapi.json',
    });
  },
}).catch((e) => {
  process.stderr.write(`toolkit-web-services failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
