import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ZodPipe } from '@tws/service';
import {
  TOOLKIT_SOAP_OPTIONS,
  type CallLogItem,
  type CallLogQueryInput,
  type LoginInput,
  type MakeCallInput,
  type SoapClient,
  type ToolkitSoapOptions,
  type ToolkitUseCases,
} from './toolkit-soap.options';

/** One SOAP call: its operation element, the SOAP Header's entries, and the HTTP client. */
export interface SoapCall {
  args: unknown;
  headers: unknown;
  client: SoapClient;
}

/**
 * The SOAP operations, on top of the toolkit use cases: validate the operation's element with
 * the REST schema, call the use case, shape the result as the WSDL says. Errors are thrown as
 * they come (the endpoint turns them into Faults). Every operation but Login acts for the owner
 * of the access token, given in the `AuthToken` SOAP header or the operation's `token` element.
 */
@Injectable()
export class ToolkitSoapHandler implements OnModuleInit {
  private useCases?: ToolkitUseCases;
  private readonly loginPipe: ZodPipe<ToolkitSoapOptions['schemas']['login']>;
  private readonly makeCallPipe: ZodPipe<ToolkitSoapOptions['schemas']['makeCall']>;
  private readonly callLogsPipe: ZodPipe<ToolkitSoapOptions['schemas']['callLogs']>;

  constructor(
    @Inject(TOOLKIT_SOAP_OPTIONS) private readonly options: ToolkitSoapOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    this.loginPipe = new ZodPipe(options.schemas.login, 'Login request');
    this.makeCallPipe = new ZodPipe(options.schemas.makeCall, 'MakeCall request');
    this.callLogsPipe = new ZodPipe(options.schemas.callLogs, 'GetCallLogs request');
  }

  /** Resolved once every provider exists: the use cases live in another module and need not be exported. */
  onModuleInit() {
    const found: unknown = this.moduleRef.get(this.options.useCases, { strict: false });
    const u = found as Partial<ToolkitUseCases> | undefined;
    if (typeof u?.makeCall !== 'function' || typeof u?.callLogs !== 'function' || typeof u?.login !== 'function' || typeof u?.authenticate !== 'function') {
      throw new Error(`the toolkit use cases (${this.options.useCases.name}) are not registered in the application: import their module`);
    }
    this.useCases = u as ToolkitUseCases;
  }

  private get toolkit(): ToolkitUseCases {
    if (!this.useCases) throw new Error('ToolkitSoapHandler used before the module was initialised');
    return this.useCases;
  }

  /** Login → LoginResponse (the tokens; the access token goes in AuthToken afterwards). */
  async login(call: SoapCall) {
    const input: LoginInput = this.loginPipe.transform(call.args);
    const r = await this.toolkit.login(input, call.client);
    return {
      accessToken: r.accessToken,
      accessExpiresAt: r.accessExpiresAt,
      refreshToken: r.refreshToken,
      refreshExpiresAt: r.refreshExpiresAt,
      method: r.method,
      userId: r.user.userId,
      username: r.user.username,
      domain: r.user.domain,
    };
  }

  /** MakeCall → MakeCallResponse (callRef omitted when the PBX gave none). */
  async makeCall(call: SoapCall) {
    const { token, rest } = splitToken(call);
    const caller = await this.toolkit.authenticate(token);
    const input: MakeCallInput = this.makeCallPipe.transform(rest);
    const r = await this.toolkit.makeCall(caller, input);
    // SOAP's MakeCallResult keeps one number: the one the PBX was asked to dial.
    return withoutNulls({ device: r.device, destination: r.dialed, callRef: r.callRef });
  }

  /** GetCallLogs → GetCallLogsResponse (one callLog element per row; absent values omitted). */
  async getCallLogs(call: SoapCall) {
    const { token, rest } = splitToken(call);
    const caller = await this.toolkit.authenticate(token);
    const query: CallLogQueryInput = this.callLogsPipe.transform(rest);
    const { items } = await this.toolkit.callLogs(caller, query);
    return { callLog: items.map(toSoapCallLog) };
  }
}

/** The access token (AuthToken header first, then the `token` element) and the other arguments. */
function splitToken(call: SoapCall): { token: string | undefined; rest: unknown } {
  const header = call.headers && typeof call.headers === 'object' ? (call.headers as Record<string, unknown>)['AuthToken'] : undefined;
  const args = call.args && typeof call.args === 'object' ? { ...(call.args as Record<string, unknown>) } : call.args;
  let element: unknown;
  if (args && typeof args === 'object' && 'token' in args) {
    element = (args as Record<string, unknown>)['token'];
    delete (args as Record<string, unknown>)['token'];
  }
  const token = [header, element].find((t): t is string => typeof t === 'string' && t.trim() !== '');
  return { token: token?.trim(), rest: args };
}

/** In the WSDL's order (xsd:sequence): `soap` writes keys in insertion order. */
function toSoapCallLog(c: CallLogItem) {
  return withoutNulls({
    id: c.id,
    device: c.device,
    callRef: c.callRef,
    direction: c.direction,
    answered: c.answered,
    missed: c.missed,
    remoteNumber: c.remoteNumber,
    remoteName: c.remoteName,
    remoteCompany: c.remoteCompany,
    startedAt: c.startedAt,
    answeredAt: c.answeredAt,
    endedAt: c.endedAt,
    durationS: c.durationS,
  });
}

/** Optional elements are minOccurs="0": absent, never empty (an empty dateTime would not parse). */
function withoutNulls<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
