import type { EventEmitter } from 'node:events';
import type { CstaRequest, CstaResponseTo } from '@tws/csta';
import type { CstaClientState, RequestOptions } from './csta-client';

/**
 * What a CstaLink needs from the connection that carries its CSTA: the TCP client of a PBX
 * (`CstaClient`), or one phone's uaCSTA dialog in desk-phone server mode (`UaCstaDialog`).
 *
 * Events: 'state' (state, lastError?), 'up' (monitors must be started again), 'down' (reason;
 * only after 'up'), 'event' (CstaEvent), 'frameError' (message), 'pdu' (CstaPdu).
 */
export interface CstaTransport extends EventEmitter {
  /** Where the CSTA comes from, for logs ("host:port", "66-4001@host:port"). */
  readonly where: string;
  readonly state: CstaClientState;
  readonly lastError?: string;
  readonly upSince?: Date;
  readonly downSince?: Date;
  start(): void;
  close(): Promise<void>;
  call<R extends CstaRequest>(message: R, options?: RequestOptions): Promise<CstaResponseTo<R['type']>>;
}
