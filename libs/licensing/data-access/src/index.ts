export * from './licence-usage.repository';
export * from './licensing.entities';
export * from './licence.repository';
