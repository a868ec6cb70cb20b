import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { NatsService } from './nats.service';
import { DatabaseService } from './database.service';
import { ReadinessRegistry } from './readiness';
import { MetricsRegistry } from './metrics';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly nats: NatsService,
    private readonly db: DatabaseService,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** The process is alive (event loop turning). */
  @Get('health/live')
  live() {
    return { status: 'live' };
  }

  /** Ready only when NATS and Postgres answer and every feature check passes. */
  @Get('health/ready')
  async ready(@Res() res: Response) {
    const checks: Record<string, string> = {};
    const all: [string, () => Promise<void>][] = [
      ['nats', () => this.nats.check()],
      ['postgres', () => this.db.check()],
      ...this.readiness.checks,
    ];
    await Promise.all(
      all.map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          checks[name] = 'up';
        } catch (e) {
          checks[name] = `down: ${(e as Error).message}`;
        }
      }),
    );
    const ok = Object.values(checks).every((v) => v === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready', checks });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus() {
    return this.metrics.registry.metrics();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
