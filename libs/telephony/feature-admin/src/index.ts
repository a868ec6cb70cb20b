export * from './telephony-admin.module';
export * from './telephony.schemas';
