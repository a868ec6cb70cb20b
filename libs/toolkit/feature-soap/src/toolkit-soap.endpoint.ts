import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { XMLValidator } from 'fast-xml-parser';
import { listen, type IServerOptions, type IServices, type Server } from 'soap';
import type { Logger } from '@tws/logging';
import { TWS_LOGGER } from '@tws/service';
import { clientFault, escapeXml, faultEnvelope, faultFromError, type SoapFault } from './soap-fault';
import { ToolkitSoapHandler, type SoapCall } from './toolkit-soap.handler';
import type { SoapClient } from './toolkit-soap.options';
import { TOOLKIT_SOAP_NAMESPACE, TOOLKIT_SOAP_PATH, TOOLKIT_WSDL, WSDL_PLACEHOLDER_LOCATION } from './toolkit.wsdl';

export interface SoapReply {
  status: number;
  body: string;
  /** Set on Faults: `soap:Client` ones are the caller's mistake (logged as warnings). */
  faultcode?: SoapFault['faultcode'];
}

/** One request's trace through `soap`: who sent it, did it reach an operation, and did the operation fail. */
interface Exchange {
  client: SoapClient;
  reached: boolean;
  error?: unknown;
}

/** DTD markup: SOAP 1.1 forbids it, and refusing it up front rules out entity tricks whatever the parser. */
const DTD_MARKUP = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

/**
 * The toolkit's SOAP 1.1 endpoint, transport aside. The `soap` package parses requests against
 * the WSDL, dispatches them to the operations and writes the responses; this class guards what
 * reaches it (no DTD, well-formed XML) and writes every Fault itself, so that each one, whatever
 * failed, is a SOAP 1.1 Fault with a REST error code and never a stack trace.
 */
@Injectable()
export class ToolkitSoapEndpoint implements OnModuleInit {
  private server?: Server;

  constructor(
    private readonly handler: ToolkitSoapHandler,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  /** Compiles the WSDL; a WSDL `soap` cannot read stops the service at boot. */
  async onModuleInit(): Promise<void> {
    this.server = await new Promise<Server>((resolve, reject) => {
      const options: IServerOptions & { customDeserializer: Record<string, (text: string) => unknown> } = {
        path: TOOLKIT_SOAP_PATH,
        services: this.services(),
        xml: TOOLKIT_WSDL,
        uri: '',
        suppressStack: true,
        // Keep xsd:dateTime as text: the REST schema validates it (ISO 8601 with offset).
        customDeserializer: { dateTime: (text) => text },
        callback: (err: unknown, server: Server) => (err ? reject(err) : resolve(server)),
      };
      listen(null, options);
    });
  }

  /** The WSDL, its address rewritten to `baseUrl` (how the client reached us), when given. */
  wsdl(baseUrl?: string): string {
    return baseUrl ? TOOLKIT_WSDL.replace(WSDL_PLACEHOLDER_LOCATION, escapeXml(`${baseUrl}${TOOLKIT_SOAP_PATH}`)) : TOOLKIT_WSDL;
  }

  /** Processes one SOAP request (the decoded HTTP body). Never throws: failures are Faults. */
  async handle(xml: string, client: SoapClient = { address: undefined, headers: {} }): Promise<SoapReply> {
    try {
      const refused = refuse(xml);
      if (refused) return faultReply(refused);
      if (!this.server) throw new Error('SOAP endpoint used before the module was initialised');
      const exchange: Exchange = { client, reached: false };
      // The SOAPAction header is left out on purpose: operations are found by the Body's element.
      const out = await this.server.processRequest(xml, { headers: { 'content-type': 'text/xml; charset=utf-8' }, connection: exchange });
      if (exchange.error !== undefined) return faultReply(faultFromError(exchange.error, this.logger));
      if (!exchange.reached) {
        this.logger.warn({ soapReply: out.body.slice(0, 1000) }, 'SOAP request matched no operation');
        return faultReply(
          clientFault(
            `not a TwsToolkit request: expected a SOAP 1.1 Envelope whose Body holds one Login, MakeCall or GetCallLogs element (namespace ${TOOLKIT_SOAP_NAMESPACE})`,
          ),
        );
      }
      if (out.statusCode !== 200) throw new Error(`soap answered ${out.statusCode} after the operation succeeded: ${out.body.slice(0, 500)}`);
      return { status: 200, body: out.body };
    } catch (e) {
      return faultReply(faultFromError(e, this.logger));
    }
  }

  private services(): IServices {
    const operation =
      (run: (call: SoapCall) => Promise<unknown>) =>
      (args: unknown, _callback: unknown, headers: unknown, req: { connection: Exchange }) => {
        const exchange = req.connection;
        exchange.reached = true;
        return run({ args, headers, client: exchange.client }).catch((e: unknown) => {
          exchange.error = e;
          throw e;
        });
      };
    return {
      TwsToolkit: {
        TwsToolkitPort: {
          Login: operation((call) => this.handler.login(call)),
          MakeCall: operation((call) => this.handler.makeCall(call)),
          GetCallLogs: operation((call) => this.handler.getCallLogs(call)),
        },
      },
    };
  }
}

/** The Client fault for a message that must not reach the XML parser, or undefined. */
function refuse(xml: string): SoapFault | undefined {
  if (DTD_MARKUP.test(xml)) return clientFault('DTDs and entity declarations (<!DOCTYPE ...>) are not allowed in SOAP messages');
  const check = XMLValidator.validate(xml);
  if (check !== true) return clientFault(`malformed XML: ${check.err.msg} (line ${check.err.line}, column ${check.err.col})`);
  return undefined;
}

export function faultReply(fault: SoapFault): SoapReply {
  return { status: fault.httpStatus, body: faultEnvelope(fault), faultcode: fault.faultcode };
}
