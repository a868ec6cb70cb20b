export * from './admin-principal';
export * from './identity.entities';
export * from './admin.repository';
export * from './login-throttle.repository';
export * from './audit.repository';
export * from './tenant-scope.repository';
