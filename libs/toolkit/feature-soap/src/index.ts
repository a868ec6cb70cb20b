export * from './toolkit-soap.module';
export * from './toolkit-soap.options';
export * from './toolkit.wsdl';
