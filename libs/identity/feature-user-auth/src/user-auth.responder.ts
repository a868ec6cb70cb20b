import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuthLogin, AuthVerify } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { NatsService, ReadinessRegistry, toErrorResponse, TWS_LOGGER, TWS_SERVICE_NAME } from '@tws/service';
import { UserAuthService } from './user-auth.service';

/**
 * Serves `tws.auth.verify` (whose is this token?) and `tws.auth.login` (the toolkit's Login) over
 * NATS, in the service's queue group: other services never read the sessions table.
 */
@Injectable()
export class UserAuthResponder implements OnApplicationBootstrap, OnModuleDestroy {
  private subscriptions: { unsubscribe(): void }[] = [];
  private attached = false;
  private stopped = false;

  constructor(
    private readonly nats: NatsService,
    private readonly auth: UserAuthService,
    readiness: ReadinessRegistry,
    @Inject(TWS_SERVICE_NAME) private readonly service: string,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    readiness.register('auth responder', async () => {
      if (!this.attached) throw new Error('not serving tws.auth.* on NATS yet');
    });
  }

  onApplicationBootstrap() {
    void this.attach().catch((e) => this.logger.error({ err: e }, 'cannot serve authentication on NATS'));
  }

  private async attach() {
    const m = await this.nats.whenReady();
    if (this.stopped) return;
    const queue = this.service;
    this.subscriptions = [
      m.serve(AuthVerify, AuthVerify.pattern, async ({ token }) => {
        const user = await this.auth.verify(token);
        if (!user) throw new RemoteError('unauthenticated', 'access token unknown, expired or revoked: refresh it or sign in again');
        return user;
      }, { queue }),
      m.serve(AuthLogin, AuthLogin.pattern, (req) => asRemote(() => this.auth.login(req)), { queue }),
    ];
    await m.ping();
    this.attached = true;
  }

  onModuleDestroy() {
    this.stopped = true;
    for (const s of this.subscriptions) s.unsubscribe();
  }
}

/** HTTP errors of the use case cross NATS with their code and message (not as `internal`). */
async function asRemote<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const { status, body } = toErrorResponse(e);
    if (status >= 500 && body.error === 'internal') throw e;
    throw new RemoteError(body.error, body.message, body.details);
  }
}
