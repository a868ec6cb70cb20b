import { Inject, Injectable } from '@nestjs/common';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { NatsService, TWS_LOGGER } from '@tws/service';
import { EffectiveRightsService } from './effective-rights.service';

/**
 * After a committed change of groups, members or authorizations: clears this instance's rights
 * cache at once (the next query already sees the change) and tells the other services.
 */
@Injectable()
export class RightsChanges {
  constructor(
    private readonly nats: NatsService,
    private readonly rights: EffectiveRightsService,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  announce(...changes: ConfigChanged[]): void {
    if (changes.length === 0) return;
    this.rights.invalidate(`${changes[0]!.entity} ${changes[0]!.change}`);
    for (const change of changes) {
      try {
        this.nats.current.publish(ConfigChanges, [change.entity], change);
      } catch (e) {
        // Saved, only not announced: other instances catch up within the cache's time to live.
        this.logger.warn({ err: e, change }, 'rights change saved but not announced on NATS');
      }
    }
  }
}
