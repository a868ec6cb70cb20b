import { z } from 'zod';
import { defineContract, defineRequest, replyEnvelope } from './contract';
import { SERVICE_NAMES, SERVICE_STATES } from './services';

export const serviceStateSchema = z.object({
  service: z.enum(SERVICE_NAMES),
  state: z.enum(SERVICE_STATES),
  pid: z.number().int().optional(),
  restarts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  since: z.string(),
  host: z.string(),
});
export type ServiceState = z.infer<typeof serviceStateSchema>;

/** NATS KV bucket with one key per service (the key is the service name). */
export const SERVICE_STATE_BUCKET = 'tws_services';

export const SERVICE_VERBS = ['status', 'start', 'stop', 'restart'] as const;
export type ServiceVerb = (typeof SERVICE_VERBS)[number];

/** `tws.svc.ctl.<service>.<verb>`; `all` as service means every service. */
export const ServiceControl = defineRequest(
  'service control request',
  'tws.svc.ctl.*.*',
  (service: string, verb: ServiceVerb) => `tws.svc.ctl.${service}.${verb}`,
  z.object({}).strict(),
  replyEnvelope(z.array(serviceStateSchema)),
);

/** Every service announces itself every few seconds (also in containers, where nobody spawns it). */
export const serviceHeartbeatSchema = z.object({
  service: z.enum(SERVICE_NAMES),
  instance: z.string(),
  host: z.string(),
  pid: z.number().int(),
  ready: z.boolean(),
  startedAt: z.string(),
  httpPort: z.number().int(),
});
export type ServiceHeartbeat = z.infer<typeof serviceHeartbeatSchema>;

export const ServiceHeartbeats = defineContract(
  'service heartbeat',
  'tws.svc.hb.*',
  (service: string) => `tws.svc.hb.${service}`,
  serviceHeartbeatSchema,
);
export const HEARTBEAT_INTERVAL_MS = 5000;
