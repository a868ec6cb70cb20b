/** An error that crosses NATS as data: `{ ok: false, error: { code, message, details } }`. */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** Nobody answered in time (or nobody listens on the subject). */
export class RequestTimeoutError extends RemoteError {
  constructor(subject: string, timeoutMs: number, noResponders: boolean) {
    super(
      noResponders ? 'no_responders' : 'timeout',
      noResponders
        ? `nobody handles ${subject} (is the service that owns it running?)`
        : `no reply on ${subject} within ${timeoutMs} ms`,
    );
  }
}
