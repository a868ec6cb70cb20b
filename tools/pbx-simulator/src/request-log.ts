import type { CstaMessage } from '@tws/csta';
import { redactPasswords } from './sim-log';

/** One CSTA document received from a client, as served by `GET /requests`. */
export interface RequestLogEntry {
  /** 1, 2, 3... in arrival order across all clients. */
  seq: number;
  at: string;
  clientId: number;
  invokeId: string;
  /** Decoded message type, the root name for unknown messages, or "invalid" when it did not decode. */
  type: string;
  message?: CstaMessage;
  error?: string;
  /** The XML as received, passwords blanked. */
  xml: string;
}

/** Bounded in-order log of received requests, so tests can assert what the switch saw. */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private lastSeq = 0;

  constructor(private readonly capacity = 10_000) {}

  add(entry: Omit<RequestLogEntry, 'seq' | 'at' | 'xml'> & { xml: string }): RequestLogEntry {
    const message =
      entry.message && entry.message.type === 'StartApplicationSession' && entry.message.password !== undefined
        ? { ...entry.message, password: '***' }
        : entry.message;
    const full: RequestLogEntry = {
      ...entry,
      ...(message ? { message } : {}),
      seq: ++this.lastSeq,
      at: new Date().toISOString(),
      xml: redactPasswords(entry.xml),
    };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.shift();
    return full;
  }

  /** Entries with seq > `since`, oldest first. */
  since(since: number): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > since);
  }

  get last(): number {
    return this.lastSeq;
  }
}
