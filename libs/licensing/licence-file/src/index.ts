export * from './licence-file';
export * from './licence-keys';
