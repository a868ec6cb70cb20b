import { type DynamicModule, Module } from '@nestjs/common';
import { ToolkitSoapController } from './toolkit-soap.controller';
import { ToolkitSoapEndpoint } from './toolkit-soap.endpoint';
import { ToolkitSoapHandler } from './toolkit-soap.handler';
import { TOOLKIT_SOAP_OPTIONS, type ToolkitSoapOptions } from './toolkit-soap.options';

/**
 * Toolkit SOAP (`/toolkit/soap`, WSDL at `?wsdl`): the second face of the toolkit use cases.
 * It owns no use case: the application hands it the ones REST uses, and the REST schemas, so
 * that both faces accept, refuse and fail alike. Reads and writes nothing itself.
 */
@Module({})
export class ToolkitSoapModule {
  static register(options: ToolkitSoapOptions): DynamicModule {
    return {
      module: ToolkitSoapModule,
      controllers: [ToolkitSoapController],
      providers: [{ provide: TOOLKIT_SOAP_OPTIONS, useValue: options }, ToolkitSoapHandler, ToolkitSoapEndpoint],
    };
  }
}
