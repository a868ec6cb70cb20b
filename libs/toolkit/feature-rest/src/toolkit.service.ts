import { Inject, Injectable } from '@nestjs/common';
import { AUTH_ERROR_STATUS, AuthLogin, AuthVerify, CallCommands, type AuthenticatedUser, type TokenPair } from '@tws/contracts';
import { CallLogRepository, toCallLogView } from '@tws/calllog-data-access';
import { DialingPlans, TenancyRepository } from '@tws/tenancy-data-access';
import { InvalidPhoneNumberError } from '@tws/dialing-plan';
import { KerberosAcceptor, KerberosRejected, TrustedProxy } from '@tws/identity-data-access';
import type { Logger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { ApiError, badRequest, NatsService, notFound, TWS_LOGGER } from '@tws/service';

import type { CallLogQuery, MakeCall, ToolkitLogin } from './toolkit.schemas';

/** The user a toolkit request acts for: the owner of its access token. */
export type ToolkitCaller = AuthenticatedUser;

/** Where a login comes from: the client's address and what a trusted reverse proxy says about it. */
export interface ClientContext {
  /** TCP peer address of the client. */
  address: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** The toolkit's use cases; REST and SOAP are two faces of these. */
@Injectable()
export class ToolkitService {
  constructor(
    private readonly tenancy: TenancyRepository,
    private readonly calls: CallLogRepository,
    private readonly nats: NatsService,
    private readonly dialingPlans: DialingPlans,
    @Inject(TrustedProxy) private readonly proxy: TrustedProxy,
    @Inject(KerberosAcceptor) readonly kerberos: KerberosAcceptor,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Signs a user in (web-services does it, over `tws.auth.login`): the tokens to call the toolkit
   * with. WindowsSecurity: a Kerberos ticket (`Authorization: Negotiate`, checked here with the
   * toolkit's keytab) or the header of a trusted reverse proxy.
   */
  async login(input: ToolkitLogin, client: ClientContext): Promise<TokenPair> {
    let windowsIdentity: string | undefined;
    try {
      windowsIdentity = (await this.kerberos.accept(client.headers))?.principal;
    } catch (e) {
      if (!(e instanceof KerberosRejected)) throw e;
      this.logger.warn({ reason: e.message, peer: client.address }, 'Kerberos (Negotiate) token refused');
    }
    windowsIdentity ??= this.proxy.identity(client.headers, client.address);
    return (await this.relay(() =>
      this.nats.current.request(AuthLogin, [], { ...input, address: client.address ?? 'unknown', ...(windowsIdentity ? { windowsIdentity } : {}) }, 15_000),
    )) as TokenPair;
  }

  /** The owner of an access token; 401 `unauthenticated` when there is none or it is not valid. */
  async authenticate(token: string | undefined): Promise<ToolkitCaller> {
    if (!token) throw new ApiError(401, 'unauthenticated', 'sign in first: POST /toolkit/v1/auth/login (SOAP: Login), then send the access token (Authorization: Bearer <accessToken>; SOAP: AuthToken header or token element)');
    const v = (await this.relay(() => this.nats.current.request(AuthVerify, [], { token: token.slice(0, 200) }))) as ToolkitCaller;
    return { userId: v.userId, username: v.username, domainId: v.domainId, domain: v.domain, companyId: v.companyId };
  }

  /** Authentication errors keep their status across NATS; web-services not answering is a 503. */
  private async relay<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      if (e instanceof RemoteError) {
        if (e.code === 'no_responders' || e.code === 'timeout') throw new ApiError(503, 'auth_unavailable', 'authentication is not available right now (web-services does not answer): try again shortly');
        const status = AUTH_ERROR_STATUS[e.code] ?? (e.code === 'bad_request' ? 400 : undefined);
        if (status) throw new ApiError(status, e.code, e.message, e.details);
      }
      throw e;
    }
  }

  /**
   * The token's user, with its devices. `domain` / `user` in a request are a former way of
   * naming the user: accepted only when they name the token's user.
   */
  private async resolveUser(caller: ToolkitCaller, named: { domain?: string; user?: string }) {
    const differs = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() !== b.toLowerCase();
    if (differs(named.domain, caller.domain) || differs(named.user, caller.username)) {
      throw new ApiError(403, 'identity_mismatch', `this access token is ${caller.username}'s (domain ${caller.domain}): the toolkit acts for the token's user only; leave domain and user out`);
    }
    const user = await this.tenancy.findUser(caller.domainId, caller.userId);
    if (!user || !user.enabled) throw notFound(`user "${caller.username}" in domain "${caller.domain}"`);
    return { domainId: caller.domainId, user };
  }

  /** Places a call from one of the user's devices; resolves once the PBX accepted it. */
  async makeCall(caller: ToolkitCaller, input: MakeCall) {
    const { domainId, user } = await this.resolveUser(caller, input);
    const device = input.device
      ? user.devices.find((d) => d.number === input.device)
      : user.devices.find((d) => d.protocol === 'CSTA') ?? user.devices[0];
    if (!device) {
      throw input.device
        ? badRequest(`device ${input.device} is not one of ${user.username}'s devices`)
        : badRequest(`user ${user.username} has no device to call from`);
    }
    // What the PBX dials: the domain's dialing plan (guide 5.2) applied to what the user typed.
    const plan = await this.dialingPlans.forDomain(domainId);
    let dialed: string;
    try {
      dialed = plan ? plan.toDialable(input.destination).dialable : input.destination.replace(/[ ()./-]/g, '');
    } catch (e) {
      if (e instanceof InvalidPhoneNumberError) throw badRequest(e.message, [{ path: 'destination', message: e.message }]);
      throw e;
    }
    try {
      const result = (await this.nats.current.request(CallCommands, [domainId, device.number], { command: 'makeCall', destination: dialed }, 10_000)) as {
        callRef?: string;
      };
      return { device: device.number, destination: input.destination, dialed, callRef: result.callRef ?? null };
    } catch (e) {
      if (e instanceof RemoteError && e.code === 'no_responders') {
        throw new ApiError(503, 'device_not_monitored', `device ${device.number} is not monitored by any CTI link right now (link down or not configured)`);
      }
      throw e;
    }
  }

  /** The user's completed calls, newest first. */
  async callLogs(caller: ToolkitCaller, q: CallLogQuery) {
    const { domainId, user } = await this.resolveUser(caller, q);
    const rows = await this.calls.listEnded(domainId, user.devices.map((d) => d.number), {
      limit: q.limit,
      before: q.before ? new Date(q.before) : undefined,
    });
    return { items: rows.map(toCallLogView) };
  }
}
