import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<void>;

/** Features add what must hold before the service is ready (e.g. "consumer attached"). */
@Injectable()
export class ReadinessRegistry {
  readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }
}
