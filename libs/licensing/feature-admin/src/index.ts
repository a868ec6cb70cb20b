export * from './licences.module';
export * from './licences.schemas';
