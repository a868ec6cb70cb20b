import './instrument';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';

/**
 * conferenceservices: the audio/video conference bridge (SIP, port 8201).
 * For now it boots with the platform only (config, NATS, Postgres, health, metrics, heartbeat);
 * its features arrive with their own issues.
 */
bootstrapService({
  service: 'conferenceservices',
  envSchema: baseEnvSchema,
}).catch((e) => {
  process.stderr.write(`conferenceservices failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
