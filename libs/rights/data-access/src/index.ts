export * from './rights.entities';
export * from './groups.repository';
export * from './authorizations.repository';
export * from './tenant-lookup.repository';
