import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSecretKey } from '@tws/crypto';
import { startEmbeddedPostgres } from '@tws/db';
import { startLocalNatsServer, canConnect } from '@tws/messaging';
import type { Logger } from '@tws/logging';
import type { SupervisorEnv } from './supervisor.config';

export interface Infrastructure {
  databaseUrl: string;
  natsUrl: string;
  secretKey: string;
  varDir: string;
  stop(): Promise<void>;
}

/**
 * Postgres and NATS for a one-host run: the ones given by DATABASE_URL / NATS_URL, else an
 * embedded Postgres and a local nats-server with their data under TWS_VAR_DIR.
 */
export async function ensureInfrastructure(env: SupervisorEnv, logger: Logger): Promise<Infrastructure> {
  const varDir = resolve(env.TWS_VAR_DIR);
  mkdirSync(join(varDir, 'log'), { recursive: true });
  chmodSync(varDir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      if (await canConnect(env.TWS_EMBEDDED_PG_PORT)) {
        throw new Error(`port ${env.TWS_EMBEDDED_PG_PORT} is taken: set TWS_EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use that server`);
      }
      logger.info({ port: env.TWS_EMBEDDED_PG_PORT, dataDir: join(varDir, 'postgres') }, 'starting embedded Postgres');
      const pg = await startEmbeddedPostgres({ dataDir: join(varDir, 'postgres'), port: env.TWS_EMBEDDED_PG_PORT });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let natsUrl = env.NATS_URL;
    if (!natsUrl) {
      if (await canConnect(env.TWS_EMBEDDED_NATS_PORT)) {
        throw new Error(`port ${env.TWS_EMBEDDED_NATS_PORT} is taken: set TWS_EMBEDDED_NATS_PORT to a free port, or NATS_URL to use that server`);
      }
      logger.info({ port: env.TWS_EMBEDDED_NATS_PORT, dataDir: join(varDir, 'nats') }, 'starting nats-server with JetStream');
      const nats = await startLocalNatsServer({ port: env.TWS_EMBEDDED_NATS_PORT, dataDir: join(varDir, 'nats') });
      stops.push(nats.stop);
      natsUrl = nats.url;
    }
    return {
      databaseUrl,
      natsUrl,
      secretKey: env.TWS_SECRET_KEY ?? loadOrCreateSecretKey(varDir, logger),
      varDir,
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch((e) => logger.error({ err: e }, 'stopping infrastructure failed'));
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw e;
  }
}

/** A development key kept in var/secret.key (mode 600); production sets TWS_SECRET_KEY. */
function loadOrCreateSecretKey(varDir: string, logger: Logger): string {
  const file = join(varDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateSecretKey();
  writeFileSync(file, key + '\n', { mode: 0o600 });
  logger.warn({ file }, 'TWS_SECRET_KEY not set: generated one for this installation (back it up: secrets stored in the database need it)');
  return key;
}
