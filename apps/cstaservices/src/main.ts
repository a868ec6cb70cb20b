import './instrument';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';
import { TENANCY_ENTITIES } from '@tws/tenancy-data-access';
import { CstaLinkModule, cstaServicesEnvSchema } from '@tws/csta-link';

/** cstaservices: CSTA links to PBXs; normalized telephony events out, call commands in. */
bootstrapService({
  service: 'cstaservices',
  envSchema: baseEnvSchema.extend(secretKeyEnvSchema.shape).extend(cstaServicesEnvSchema.shape),
  entities: TENANCY_ENTITIES,
  imports: () => [CstaLinkModule],
}).catch((e) => {
  process.stderr.write(`cstaservices failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
