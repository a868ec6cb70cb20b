import { Injectable } from '@nestjs/common';
import { CallCommands } from '@tws/contracts';
import { CallLogRepository, toCallLogView } from '@tws/calllog-data-access';
import { DialingPlans, TenancyRepository } from '@tws/tenancy-data-access';
import { InvalidPhoneNumberError } from '@tws/dialing-plan';
import { RemoteError } from '@tws/messaging';
import { ApiError, badRequest, NatsService, notFound } from '@tws/service';

import type { CallLogQuery, MakeCall } from './toolkit.schemas';

/** The toolkit's use cases; REST (and later SOAP) are two faces of these. */
@Injectable()
export class ToolkitService {
  constructor(
    private readonly tenancy: TenancyRepository,
    private readonly calls: CallLogRepository,
    private readonly nats: NatsService,
    private readonly dialingPlans: DialingPlans,
  ) {}

  private async resolveUser(domainName: string, username: string) {
    const domain = await this.tenancy.findDomainByName(domainName);
    if (!domain) throw notFound(`domain "${domainName}"`);
    const user = await this.tenancy.findUserByName(domain.id, username);
    if (!user || !user.enabled) throw notFound(`user "${username}" in domain "${domainName}"`);
    return { domain, user };
  }

  /** Places a call from one of the user's devices; resolves once the PBX accepted it. */
  async makeCall(input: MakeCall) {
    const { domain, user } = await this.resolveUser(input.domain, input.user);
    const device = input.device
      ? user.devices.find((d) => d.number === input.device)
      : user.devices.find((d) => d.protocol === 'CSTA') ?? user.devices[0];
    if (!device) {
      throw input.device
        ? badRequest(`device ${input.device} is not one of ${user.username}'s devices`)
        : badRequest(`user ${user.username} has no device to call from`);
    }
    // What the PBX dials: the domain's dialing plan (guide 5.2) applied to what the user typed.
    const plan = await this.dialingPlans.forDomain(domain.id);
    let dialed: string;
    try {
      dialed = plan ? plan.toDialable(input.destination).dialable : input.destination.replace(/[ ()./-]/g, '');
    } catch (e) {
      if (e instanceof InvalidPhoneNumberError) throw badRequest(e.message, [{ path: 'destination', message: e.message }]);
      throw e;
    }
    try {
      const result = (await this.nats.current.request(CallCommands, [domain.id, device.number], { command: 'makeCall', destination: dialed }, 10_000)) as {
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
  async callLogs(q: CallLogQuery) {
    const { domain, user } = await this.resolveUser(q.domain, q.user);
    const rows = await this.calls.listEnded(domain.id, user.devices.map((d) => d.number), {
      limit: q.limit,
      before: q.before ? new Date(q.before) : undefined,
    });
    return { items: rows.map(toCallLogView) };
  }
}
