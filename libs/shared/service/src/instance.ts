import { hostname } from 'node:os';

export function instanceId(config: { TWS_INSTANCE_ID?: string }): string {
  return config.TWS_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
}
