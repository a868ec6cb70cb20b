import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { SERVICE_NAMES, ServiceControl, type ServiceName, type ServiceState } from '@tws/contracts';
import { RemoteError, ServeRequest } from '@tws/messaging';
import { SUPERVISOR_RUNTIME, type SupervisorRuntime } from './supervisor.tokens';

/** Answers `tws.svc.ctl.<service>.<verb>`: status of one or all services; start, stop, restart. */
@Controller()
export class ServiceControlController {
  constructor(@Inject(SUPERVISOR_RUNTIME) private readonly runtime: SupervisorRuntime) {}

  @ServeRequest(ServiceControl)
  async handle(@Payload() _payload: object, @Ctx() ctx: { subject: string }): Promise<ServiceState[]> {
    const [, , , service, verb] = ctx.subject.split('.');
    const { store, processes } = this.runtime;
    if (verb === 'status') {
      if (service === 'all') return store.list();
      const s = store.get(this.serviceName(service));
      if (!s) throw new RemoteError('not_found', `no state for ${service} yet`);
      return [s];
    }
    if (verb !== 'start' && verb !== 'stop' && verb !== 'restart') throw new RemoteError('bad_request', `unknown verb ${verb} (status, start, stop, restart)`);
    if (!processes) {
      throw new RemoteError('not_supported', `this supervisor does not run the services (containers): use your orchestrator to ${verb} ${service}`);
    }
    const names = service === 'all' ? processes.names().filter((n) => n !== 'supervisor') : [this.serviceName(service)];
    const out: ServiceState[] = [];
    for (const n of names) {
      if (n === 'supervisor') throw new RemoteError('bad_request', 'the supervisor cannot stop or restart itself');
      if (!processes.spec(n)) throw new RemoteError('not_found', `service ${n} is not run by this supervisor (see TWS_SERVICES)`);
      out.push(verb === 'start' ? processes.start(n) : verb === 'stop' ? await processes.stop(n) : await processes.restart(n));
    }
    return out;
  }

  private serviceName(s: string | undefined): ServiceName {
    if (!s || !(SERVICE_NAMES as readonly string[]).includes(s)) throw new RemoteError('not_found', `unknown service "${s}" (known: ${SERVICE_NAMES.join(', ')})`);
    return s as ServiceName;
  }
}
