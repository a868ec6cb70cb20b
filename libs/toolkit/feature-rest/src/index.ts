export * from './toolkit.module';
export * from './toolkit.schemas';
export * from './toolkit.service';
