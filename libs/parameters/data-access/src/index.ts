export * from './parameter-types';
export * from './parameter-catalogue';
export * from './parameter-resolution';
export * from './parameters.entities';
export * from './parameter.repository';
