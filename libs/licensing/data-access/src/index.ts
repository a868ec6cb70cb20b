export * from './licence-usage.repository';
