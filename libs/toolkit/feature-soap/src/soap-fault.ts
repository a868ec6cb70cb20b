import { toErrorResponse } from '@tws/service';
import type { Logger } from '@tws/logging';

/** SOAP 1.1 envelope namespace; the replies bind it to the `soap` prefix. */
export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP 1.1 Fault, with the REST error code in `<detail><code>` and the HTTP status to send it with. */
export interface SoapFault {
  faultcode: 'soap:Client' | 'soap:Server';
  faultstring: string;
  /** The REST error code (`not_found`, `bad_request`, `device_not_monitored`...). */
  code: string;
  httpStatus: number;
}

/**
 * A Client fault raised by the SOAP face itself (the message is not one it can process).
 * WS-I Basic Profile: faults travel with HTTP 500, except transport-level refusals (413, 415).
 */
export function clientFault(message: string, httpStatus = 500): SoapFault {
  return { faultcode: 'soap:Client', faultstring: message, code: 'bad_request', httpStatus };
}

/**
 * The fault for an error thrown by a use case: the REST error shape, from the same mapping that
 * answers REST requests (so code and message cannot drift apart); 5xx errors are logged with the
 * correlation id, as for REST. 4xx → soap:Client, 5xx → soap:Server.
 */
export function faultFromError(error: unknown, logger: Logger): SoapFault {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) logger.error({ err: error }, body.message);
  return {
    faultcode: status >= 500 ? 'soap:Server' : 'soap:Client',
    faultstring: body.message,
    code: body.error,
    // SOAP 1.1 over HTTP sends every fault with 500, whatever the REST status would be.
    httpStatus: 500,
  };
}

/** The whole reply envelope carrying `fault`. */
export function faultEnvelope(fault: SoapFault): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${SOAP11_ENVELOPE_NS}"><soap:Body><soap:Fault>` +
    `<faultcode>${fault.faultcode}</faultcode>` +
    `<faultstring>${escapeXml(fault.faultstring)}</faultstring>` +
    `<detail><code>${escapeXml(fault.code)}</code></detail>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
