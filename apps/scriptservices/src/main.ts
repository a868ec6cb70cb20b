import './instrument';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';

/**
 * scriptservices: advanced forwarding rules (Rules application) and scheduled scripts.
 * For now it boots with the platform only (config, NATS, Postgres, health, metrics, heartbeat);
 * its features arrive with their own issues.
 */
bootstrapService({
  service: 'scriptservices',
  envSchema: baseEnvSchema,
}).catch((e) => {
  process.stderr.write(`scriptservices failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
