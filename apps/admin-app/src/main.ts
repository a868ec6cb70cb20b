import './instrument';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { baseEnvSchema } from '@tws/config';
import { bootstrapService } from '@tws/service';
import { ServicesStatusController } from './services-status.controller';

@Module({ controllers: [ServicesStatusController] })
class AdminAppModule {}

/** admin-app: the administration web app (for now its "TWS Services" page) and its BFF. */
bootstrapService({
  service: 'admin-app',
  envSchema: baseEnvSchema,
  imports: () => [AdminAppModule],
  configure: (app) => {
    (app as NestExpressApplication).useStaticAssets(join(__dirname, 'assets'), { index: 'index.html' });
  },
}).catch((e) => {
  process.stderr.write(`admin-app failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
