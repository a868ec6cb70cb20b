export * from './cti-operations.module';
export * from './cti-operations.schemas';
export * from './cti-operations.service';
