import './instrument';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';
import { CALLLOG_ENTITIES } from '@tws/calllog-data-access';
import { CallLogModule, callLogEnvSchema } from '@tws/calllog-feature';

/** eventservices: call model and call logs (presence, queues, missed-call e-mail come later). */
bootstrapService({
  service: 'eventservices',
  envSchema: baseEnvSchema.extend(callLogEnvSchema.shape),
  entities: CALLLOG_ENTITIES,
  imports: () => [CallLogModule],
}).catch((e) => {
  process.stderr.write(`eventservices failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
