import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ZodPipe } from '@tws/service';
import {
  TOOLKIT_SOAP_OPTIONS,
  type CallLogItem,
  type CallLogQueryInput,
  type MakeCallInput,
  type ToolkitSoapOptions,
  type ToolkitUseCases,
} from './toolkit-soap.options';

/**
 * The SOAP operations, on top of the toolkit use cases: validate the operation's element with
 * the REST schema, call the use case, shape the result as the WSDL says. Errors are thrown as
 * they come (the endpoint turns them into Faults).
 */
@Injectable()
export class ToolkitSoapHandler implements OnModuleInit {
  private useCases?: ToolkitUseCases;
  private readonly makeCallPipe: ZodPipe<ToolkitSoapOptions['schemas']['makeCall']>;
  private readonly callLogsPipe: ZodPipe<ToolkitSoapOptions['schemas']['callLogs']>;

  constructor(
    @Inject(TOOLKIT_SOAP_OPTIONS) private readonly options: ToolkitSoapOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    this.makeCallPipe = new ZodPipe(options.schemas.makeCall, 'MakeCall request');
    this.callLogsPipe = new ZodPipe(options.schemas.callLogs, 'GetCallLogs request');
  }

  /** Resolved once every provider exists: the use cases live in another module and need not be exported. */
  onModuleInit() {
    const found: unknown = this.moduleRef.get(this.options.useCases, { strict: false });
    const u = found as Partial<ToolkitUseCases> | undefined;
    if (typeof u?.makeCall !== 'function' || typeof u?.callLogs !== 'function') {
      throw new Error(`the toolkit use cases (${this.options.useCases.name}) are not registered in the application: import their module`);
    }
    this.useCases = u as ToolkitUseCases;
  }

  private get toolkit(): ToolkitUseCases {
    if (!this.useCases) throw new Error('ToolkitSoapHandler used before the module was initialised');
    return this.useCases;
  }

  /** MakeCall → MakeCallResponse (callRef omitted when the PBX gave none). */
  async makeCall(args: unknown) {
    const input: MakeCallInput = this.makeCallPipe.transform(args);
    const r = await this.toolkit.makeCall(input);
    // SOAP's MakeCallResult keeps one number: the one the PBX was asked to dial.
    return withoutNulls({ device: r.device, destination: r.dialed, callRef: r.callRef });
  }

  /** GetCallLogs → GetCallLogsResponse (one callLog element per row; absent values omitted). */
  async getCallLogs(args: unknown) {
    const query: CallLogQueryInput = this.callLogsPipe.transform(args);
    const { items } = await this.toolkit.callLogs(query);
    return { callLog: items.map(toSoapCallLog) };
  }
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
