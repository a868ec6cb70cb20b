export * from './directories-admin.module';
export * from './directories.schemas';
export * from './server-types';
export * from './sync-report';
