export * from './user-auth.module';
export * from './user-auth.env';
export * from './user-auth.service';
export * from './ldap-escape';
