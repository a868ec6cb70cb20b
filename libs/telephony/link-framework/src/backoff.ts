/**
 * Reconnection delays: `initialMs` doubling at each attempt up to `maxMs` (the exponent stops
 * growing after `maxExponent` attempts); `reset()` once connected again.
 */
export class Backoff {
  private attempts = 0;

  constructor(private readonly options: { initialMs: number; maxMs: number; maxExponent?: number }) {}

  /** Attempts since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The delay before the next attempt (counts it). */
  next(): number {
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.attempts, this.options.maxExponent ?? 10));
    this.attempts++;
    return delay;
  }

  reset(): void {
    this.attempts = 0;
  }
}
