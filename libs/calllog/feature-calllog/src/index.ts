export * from './call-log.model';
export * from './call-log.consumer';
export * from './call-log.module';
export * from './caller-identity';
