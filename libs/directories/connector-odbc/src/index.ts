export * from './odbc-settings';
export * from './odbc-connector';
