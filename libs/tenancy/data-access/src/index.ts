export * from './tenancy.entities';
export * from './tenancy.repository';
