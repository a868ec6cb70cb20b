import './instrument';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';

/**
 * vtixmlservices: VTI-XML links to Aastra/Mitel A5000 PBXs (port 3199, site.cluster).
 * For now it boots with the platform only (config, NATS, Postgres, health, metrics, heartbeat);
 * its features arrive with their own issues.
 */
bootstrapService({
  service: 'vtixmlservices',
  envSchema: baseEnvSchema.extend(secretKeyEnvSchema.shape),
}).catch((e) => {
  process.stderr.write(`vtixmlservices failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
