import './instrument';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { bootstrapService, serveOpenApi } from '@tws/service';
import { TENANCY_ENTITIES } from '@tws/tenancy-data-access';
import { TenancyAdminModule } from '@tws/tenancy-feature-admin';
import { IDENTITY_ENTITIES, USER_AUTH_ENTITIES } from '@tws/identity-data-access';
import { AdminAuthModule } from '@tws/admin-auth';
import { UserAuthModule, userAuthEnvSchema } from '@tws/user-auth';
import { LICENSING_ENTITIES } from '@tws/licensing-data-access';
import { LicensingAdminModule, licenceEnvSchema } from '@tws/licensing-feature-admin';
import { RIGHTS_ENTITIES } from '@tws/rights-data-access';
import { RightsAdminModule } from '@tws/rights-feature-admin';
import { PARAMETERS_ENTITIES } from '@tws/parameters-data-access';
import { ParametersAdminModule } from '@tws/parameters-feature-admin';
import { TELEPHONY_ENTITIES } from '@tws/telephony-data-access';
import { TelephonyAdminModule } from '@tws/telephony-feature-admin';
import { CtiOperationsModule } from '@tws/cti-operations';
import { DIRECTORIES_ENTITIES } from '@tws/directories-data-access';
import { DirectoriesAdminModule, directoriesEnvSchema } from '@tws/directories-feature-admin';
import { DirectoriesLookupModule } from '@tws/directories-feature-lookup';
import { UserImportModule, userImportEnvSchema } from '@tws/user-import';

/** web-services: the admin and user REST API; owns the configuration tables. */
bootstrapService({
  service: 'web-services',
  envSchema: baseEnvSchema.extend(secretKeyEnvSchema.shape).extend(licenceEnvSchema.shape).extend(userAuthEnvSchema.shape).extend(directoriesEnvSchema.shape).extend(userImportEnvSchema.shape),
  entities: [...TENANCY_ENTITIES, ...IDENTITY_ENTITIES, ...USER_AUTH_ENTITIES, ...LICENSING_ENTITIES, ...RIGHTS_ENTITIES, ...PARAMETERS_ENTITIES, ...TELEPHONY_ENTITIES, ...DIRECTORIES_ENTITIES],
  imports: () => [AdminAuthModule, UserAuthModule, TenancyAdminModule, LicensingAdminModule, RightsAdminModule, ParametersAdminModule, TelephonyAdminModule, CtiOperationsModule, DirectoriesAdminModule, DirectoriesLookupModule, UserImportModule],
  configure: (app) => {
    serveOpenApi(app, {
      title: 'TWS web-services',
      description:
        'Administration (/api/admin/v1) and user (/api/v1) REST API of TWS Suite. Admin routes need ' +
        '`Authorization: Bearer <token>` from POST /api/admin/v1/auth/login (default tws/tws, to be changed at first login); ' +
        'user routes need `Authorization: Bearer <accessToken>` from POST /api/v1/auth/login.',
      uiPath: 'api/docs',
      jsonPath: 'api/openapi.json',
    });
  },
}).catch((e) => {
  process.stderr.write(`web-services failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
