export * from './csta-client';
export * from './csta-translation';
export * from './csta-link';
export * from './csta-link.manager';
export * from './csta-link.module';
export * from './call-registry';
export * from './pbx-profiles';
export * from './pdu-trace';
