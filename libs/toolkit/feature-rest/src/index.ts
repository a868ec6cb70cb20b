export * from './toolkit.module';
export * from './toolkit.schemas';
