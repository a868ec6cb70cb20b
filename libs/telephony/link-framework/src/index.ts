export * from './link-driver';
export * from './link-runtime';
export * from './pdu-trace';
export * from './backoff';
// Link ownership by lease in NATS KV lives with the messaging platform; re-exported for link services.
export { LinkLeases, type LinkLeasesOptions } from '@tws/messaging';
