export * from './contract';
export * from './services';
export * from './telephony';
export * from './config-events';
export * from './service-control';
export * from './applications';
export * from './parameters';
export * from './rights';
