export * from './call-log.entity';
export * from './call-log.repository';
export * from './call-log.view';
