import './instrument';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { bootstrapService, serveOpenApi } from '@tws/service';
import { TENANCY_ENTITIES } from '@tws/tenancy-data-access';
import { TenancyAdminModule } from '@tws/tenancy-feature-admin';
import { IDENTITY_ENTITIES } from '@tws/identity-data-access';
import { AdminAuthModule } from '@tws/admin-auth';

/** web-services: the admin and user REST API; owns the configuration tables. */
bootstrapService({
  service: 'web-services',
  envSchema: baseEnvSchema.extend(secretKeyEnvSchema.shape),
  entities: [...TENANCY_ENTITIES, ...IDENTITY_ENTITIES],
  imports: () => [AdminAuthModule, TenancyAdminModule],
  configure: (app) => {
    serveOpenApi(app, {
      title: 'TWS web-services',
      description:
        'Administration (/api/admin/v1) and user (/api/v1) REST API of TWS Suite. Admin routes need ' +
        '`Authorization: Bearer <token>` from POST /api/admin/v1/auth/login (default tws/tws, to be changed at first login).',
      uiPath: 'api/docs',
      jsonPath: 'api/openapi.json',
    });
  },
}).catch((e) => {
  process.stderr.write(`web-services failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
