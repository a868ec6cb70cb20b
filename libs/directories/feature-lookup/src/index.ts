export * from './directories-lookup.module';
export * from './directory-lookup.service';
export * from './contact-cards';
