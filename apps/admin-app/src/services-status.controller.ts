import { Controller, Get } from '@nestjs/common';
import { LINK_STATE_BUCKET, SERVICE_STATE_BUCKET } from '@tws/contracts';
import { NatsService } from '@tws/service';

/**
 * Backend-for-frontend of the admin app's "TWS Services" page: the service and link states the
 * supervisor and the link services keep in NATS KV.
 */
@Controller('bff')
export class ServicesStatusController {
  constructor(private readonly nats: NatsService) {}

  @Get('services')
  async services() {
    return this.readBucket(SERVICE_STATE_BUCKET);
  }

  @Get('links')
  async links() {
    return this.readBucket(LINK_STATE_BUCKET);
  }

  private async readBucket(bucket: string) {
    const kv = await this.nats.current.kv(bucket);
    // Collect the keys first: awaiting a get inside the keys() iteration ends it early.
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    const out: unknown[] = [];
    for (const key of keys.sort()) {
      const e = await kv.get(key);
      if (e && e.operation === 'PUT') out.push(e.json());
    }
    return out;
  }
}
