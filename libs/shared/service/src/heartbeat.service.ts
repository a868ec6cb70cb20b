import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import { HEARTBEAT_INTERVAL_MS, ServiceHeartbeats, type ServiceName } from '@tws/contracts';
import type { BaseEnv } from '@tws/config';
import { TWS_CONFIG, TWS_SERVICE_NAME } from './tokens';
import { NatsService } from './nats.service';
import { DatabaseService } from './database.service';
import { ReadinessRegistry } from './readiness';
import { instanceId } from './instance';

/** Announces this instance and its readiness on NATS, so the supervisor sees it in any deployment. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();

  constructor(
    @Inject(TWS_SERVICE_NAME) private readonly service: ServiceName,
    @Inject(TWS_CONFIG) private readonly config: BaseEnv,
    private readonly nats: NatsService,
    private readonly db: DatabaseService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onApplicationBootstrap() {
    const beat = async () => {
      let ready = true;
      try {
        await Promise.all([this.nats.check(), this.db.check(), ...[...this.readiness.checks.values()].map((c) => c())]);
      } catch {
        ready = false;
      }
      try {
        this.nats.current.publish(ServiceHeartbeats, [this.service], {
          service: this.service,
          instance: instanceId(this.config),
          host: hostname(),
          pid: process.pid,
          ready,
          startedAt: this.startedAt,
          httpPort: this.config.HTTP_PORT,
        });
      } catch {
        /* not connected yet: the next beat will tell */
      }
    };
    void this.nats.whenReady().then(beat);
    this.timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }
}
