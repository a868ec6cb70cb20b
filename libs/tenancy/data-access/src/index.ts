export * from './tenancy.entities';
export * from './tenancy.repository';
export * from './dialing-plan.entities';
export * from './dialing-plan.repository';
