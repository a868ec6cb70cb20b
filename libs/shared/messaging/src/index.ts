export * from './messaging';
export * from './errors';
export * from './trace-context';
export * from './nest-transport';
export * from './local-nats-server';
export * from './link-leases';
