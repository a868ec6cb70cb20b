import './instrument';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';

/**
 * mediaservices: SIP registration of virtual-device resources and announcements.
 * For now it boots with the platform only (config, NATS, Postgres, health, metrics, heartbeat);
 * its features arrive with their own issues.
 */
bootstrapService({
  service: 'mediaservices',
  envSchema: baseEnvSchema.extend(secretKeyEnvSchema.shape),
}).catch((e) => {
  process.stderr.write(`mediaservices failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
