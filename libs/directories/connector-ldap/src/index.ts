export * from './ldap-settings';
export * from './ldap-connector';
