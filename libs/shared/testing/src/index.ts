export * from './test-database';
export * from './helpers';
export * from './service-process';
export * from './slapd';
