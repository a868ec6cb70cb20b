export * from './migrate.command';
export * from './supervisor.command';
export * from './supervisor.config';
export * from './process-manager';
export * from './service-state.store';
