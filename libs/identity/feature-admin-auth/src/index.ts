export * from './admin-auth.module';
export * from './admin-auth.service';
export * from './admin-auth.schemas';
