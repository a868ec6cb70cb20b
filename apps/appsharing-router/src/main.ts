import './instrument';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';

/**
 * appsharing-router: the application-sharing relay (port 8202).
 * For now it boots with the platform only (config, NATS, Postgres, health, metrics, heartbeat);
 * its features arrive with their own issues.
 */
bootstrapService({
  service: 'appsharing-router',
  envSchema: baseEnvSchema,
}).catch((e) => {
  process.stderr.write(`appsharing-router failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
