export * from './csta-framer';
export * from './csta-nul-framer';
export * from './csta-messages';
export * from './csta-codec';
export * from './csta-errors';
