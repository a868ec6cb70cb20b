export * from './parameters.module';
export * from './parameter-resolver.service';
