export * from './sip-message';
export * from './sip-framer';
