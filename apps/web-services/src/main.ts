import './instrument';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { bootstrapService, serveOpenApi } from '@tws/service';
import { TENANCY_ENTITIES } from '@tws/tenancy-data-access';
import { TenancyAdminModule } from '@tws/tenancy-feature-admin';

/** web-services: the admin and user REST API; owns the configuration tables. */
bootstrapService({
  service: 'web-services',
  envSchema: baseEnvSchema.extend(secretKeyEnvSchema.shape),
  entities: TENANCY_ENTITIES,
  imports: () => [TenancyAdminModule],
  configure: (app) => {
    serveOpenApi(app, {
      title: 'TWS web-services',
      description: 'Administration (/api/admin/v1) and user (/api/v1) REST API of TWS Suite.',
      uiPath: 'api/docs',
      jsonPath: 'api/openapi.json',
    });
  },
}).catch((e) => {
  process.stderr.write(`web-services failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
