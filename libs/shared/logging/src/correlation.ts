import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Header carrying the correlation id, over HTTP and in NATS message headers. */
export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

/** Correlation id of the work in progress (HTTP request, NATS message), if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs `fn` with the given correlation id (or a new one) as the current one. */
export function withCorrelationId<T>(id: string | undefined, fn: () => T): T {
  const safe = id && /^[\w.:-]{1,128}$/.test(id) ? id : randomUUID();
  return storage.run({ correlationId: safe }, fn);
}
