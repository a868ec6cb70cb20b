export * from './rights.module';
export * from './rights.schemas';
export * from './effective-rights.model';
export * from './effective-rights.service';
