import { Injectable } from '@nestjs/common';
import { EffectiveRightsQuery, ResolveParameters, type EffectiveRights, type ResolvedParameters } from '@tws/contracts';
import { RemoteError } from '@tws/messaging';
import { NatsService } from '@tws/service';

/** What a user may read: its domain and the directories its authorizations give it (7.4.2). */
export interface ReaderScope {
  userId: string;
  domainId: string;
  directoryIds: string[];
}

/**
 * The reader's side of a search or a lookup, asked of the services that own it: effective rights
 * (`tws.rights.query`, cached by the rights service) and the `MapServiceURL` parameter
 * (`tws.params.resolve`).
 */
@Injectable()
export class DirectoryReaders {
  constructor(private readonly nats: NatsService) {}

  /** Throws RemoteError not_found for an unknown user. */
  async scope(userId: string): Promise<ReaderScope> {
    const r = (await this.nats.current.request(EffectiveRightsQuery, [], { userId, objectType: 'directory' })) as EffectiveRights;
    return { userId: r.userId, domainId: r.domainId, directoryIds: r.rights.directory ?? [] };
  }

  /** The mapping website of option a for this user (TWS Caller parameter, 8.1). */
  async mapServiceUrl(userId: string): Promise<string | undefined> {
    try {
      const r = (await this.nats.current.request(ResolveParameters, [], { userId, names: ['MapServiceURL'] })) as ResolvedParameters;
      const v = r.parameters[0]?.value;
      return typeof v === 'string' && v ? v : undefined;
    } catch (e) {
      if (e instanceof RemoteError) return undefined; // the card is still worth showing without links
      throw e;
    }
  }
}
