export * from './user-import.module';
export * from './user-import.plan';
export * from './user-import.mapping';
export { userImportEnvSchema, type UserImportEnv } from './user-import.schemas';
