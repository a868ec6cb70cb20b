export * from './telephony.entities';
export * from './telephony.repositories';
export * from './domain-numbers.repository';
