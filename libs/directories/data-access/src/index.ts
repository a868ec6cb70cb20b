export * from './directories.entities';
export * from './directories.repository';
export * from './contact-store';
export * from './contact-sync.store';
export * from './contacts.repository';
export * from './sync-runs.repository';
export * from './lookup.repository';
export * from './tws-users.connector';
