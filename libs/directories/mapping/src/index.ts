export * from './connector';
export * from './field-options';
export * from './field-mapping';
export * from './search-text';
export * from './sync-schedule';
