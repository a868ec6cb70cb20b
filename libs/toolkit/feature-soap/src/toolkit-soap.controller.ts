import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TextDecoder } from 'node:util';
import type { Request, Response } from 'express';
import { HTTP_LOG_LEVEL_LOCAL } from '@tws/service';
import { clientFault } from './soap-fault';
import { faultReply, ToolkitSoapEndpoint, type SoapReply } from './toolkit-soap.endpoint';
import { TOOLKIT_SOAP_PATH } from './toolkit.wsdl';

/** Largest SOAP request accepted (the toolkit's requests are a few hundred bytes). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** HTTP face of the SOAP endpoint: `GET ?wsdl` for the WSDL, `POST` for SOAP 1.1 requests. */
@ApiExcludeController()
@Controller()
export class ToolkitSoapController {
  constructor(private readonly endpoint: ToolkitSoapEndpoint) {}

  @Get(TOOLKIT_SOAP_PATH)
  wsdl(@Req() req: Request, @Res() res: Response) {
    if (!Object.keys(req.query).some((k) => k.toLowerCase() === 'wsdl')) {
      res.status(405).set('Allow', 'POST').type('text/plain').send(`POST SOAP 1.1 requests here; the WSDL is at ${TOOLKIT_SOAP_PATH}?wsdl\n`);
      return;
    }
    res.type('text/xml; charset=utf-8').send(this.endpoint.wsdl(baseUrl(req)));
  }

  @Post(TOOLKIT_SOAP_PATH)
  async call(@Req() req: Request, @Res() res: Response) {
    const reply = await this.reply(req);
    if (reply.status === 413) res.set('Connection', 'close');
    // WS-I sends every Fault with HTTP 500; a Client fault is still the caller's mistake.
    if (reply.faultcode === 'soap:Client') res.locals[HTTP_LOG_LEVEL_LOCAL] = 'warn';
    res.status(reply.status).type('text/xml; charset=utf-8').send(reply.body);
  }

  private async reply(req: Request): Promise<SoapReply> {
    const type = req.headers['content-type'];
    // Bodies of other types may already have been consumed by the JSON or form parsers.
    if (type !== undefined && !/xml/i.test(type)) {
      return faultReply(clientFault(`send SOAP 1.1 requests as text/xml (got ${type})`, 415));
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      return faultReply(clientFault(`compressed requests are not supported (Content-Encoding: ${encoding})`, 415));
    }
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(/charset="?([^";\s]+)/i.exec(type ?? '')?.[1] ?? 'utf-8');
    } catch {
      return faultReply(clientFault(`unsupported charset in Content-Type: ${type}`, 415));
    }
    let body: Buffer | 'too_large';
    try {
      body = await readBody(req, MAX_REQUEST_BYTES);
    } catch (e) {
      return faultReply(clientFault(`could not read the request: ${(e as Error).message}`));
    }
    if (body === 'too_large') return faultReply(clientFault(`request larger than ${MAX_REQUEST_BYTES} bytes`, 413));
    return this.endpoint.handle(decoder.decode(body), { address: req.socket.remoteAddress, headers: req.headers });
  }
}

/** The scheme, host and port the client used, when the Host header looks like one. */
function baseUrl(req: Request): string | undefined {
  const host = req.get('host');
  return host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? `${req.protocol}://${host}` : undefined;
}

function readBody(req: Request, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume(); // discard the rest; the reply closes the connection
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}
