import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, parseConfig, baseEnvSchema } from '@tws/config';
import { SERVICE_NAMES, SERVICES, type ServiceName } from '@tws/contracts';
import { runMigrations } from '@tws/db';
import { createLogger, type Logger } from '@tws/logging';
import { MIGRATIONS } from '@tws/migrations';
import { bootstrapService, NatsService } from '@tws/service';
import { parseArgs, supervisorEnvSchema, type SupervisorArgs, type SupervisorEnv } from './supervisor.config';
import { ensureInfrastructure, type Infrastructure } from './infrastructure';
import { ProcessManager } from './process-manager';
import { ServiceStateStore } from './service-state.store';
import { SupervisorModule } from './supervisor.runtime';
import { startDemo, DEMO, demoToolkitExample, type DemoHandle } from './demo';

/**
 * `supervisor` (what `npm start` runs): Postgres and NATS (given or local), migrations, then
 * every service as a child process, restarted on crash; status and control over NATS;
 * everything stopped cleanly on Ctrl-C / SIGTERM. With TWS_SUPERVISOR_SPAWN=false (containers)
 * it only reports the services' states.
 */
export async function runSupervisor(argv: string[]): Promise<void> {
  let args: SupervisorArgs;
  let env: SupervisorEnv;
  try {
    args = parseArgs(argv);
    env = parseConfig('supervisor', supervisorEnvSchema, process.env, { HTTP_PORT: SERVICES.supervisor.httpPort });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(e instanceof ConfigError ? 78 : 64);
  }
  const logger = createLogger('supervisor', env.LOG_LEVEL);
  const distRoot = resolve(dirname(process.argv[1]!), '..', '..', '..');

  let infra: Infrastructure | undefined;
  if (env.TWS_SUPERVISOR_SPAWN) {
    try {
      infra = await ensureInfrastructure(env, logger);
      await runMigrations(infra.databaseUrl, MIGRATIONS, logger);
    } catch (e) {
      logger.fatal({ err: e }, (e as Error).message);
      await infra?.stop();
      process.exit(1);
    }
    process.env['DATABASE_URL'] = infra.databaseUrl;
    process.env['NATS_URL'] = infra.natsUrl;
  }

  const wanted = (env.TWS_SERVICES ?? [...SERVICE_NAMES]).filter((n) => n !== 'supervisor');
  const portOf = (n: ServiceName) => env.TWS_PORTS[n] ?? SERVICES[n].httpPort;
  let processes: ProcessManager | undefined;
  const store = new ServiceStateStore(logger, env.TWS_SUPERVISOR_SPAWN, (name) => processes?.markRunning(name));
  if (infra) {
    processes = new ProcessManager(logger, join(infra.varDir, 'log'), (s) => store.update(s), { logToConsole: env.TWS_LOG_TO_CONSOLE });
    for (const name of wanted) {
      processes.register({
        name,
        script: join(distRoot, 'apps', name, 'src', 'main.js'),
        httpPort: portOf(name),
        env: childEnv(name, portOf(name), infra, env),
      });
    }
  }

  let running: Awaited<ReturnType<typeof bootstrapService>>;
  try {
    running = await bootstrapService({
      service: 'supervisor',
      envSchema: baseEnvSchema,
      handleSignals: false,
      rpc: true,
      imports: () => [SupervisorModule.forRoot({ store, processes })],
    });
  } catch (e) {
    logger.fatal({ err: e }, 'supervisor failed to start');
    await infra?.stop();
    process.exit(1);
  }
  void running.app.get(NatsService).whenReady().then((m) => store.attach(m));

  let demo: DemoHandle | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'stopping TWS');
    await demo?.stop();
    await processes?.stopAll();
    store.detach();
    await running.app.close();
    await infra?.stop();
    logger.info('TWS stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (!processes) {
    logger.info('container mode: reporting the state the services publish; not starting them');
    return;
  }
  for (const name of wanted) processes.start(name);
  const readyPoller = pollReadiness(processes, logger);
  const allReady = await waitAll(processes, 180_000);
  if (!allReady.ok) {
    logger.error({ notReady: allReady.notReady }, `some services are not ready yet (see ${join(infra!.varDir, 'log')}/<service>.log); they keep being watched`);
  }
  if (args.demo && !stopping) {
    try {
      demo = await startDemo({
        distRoot,
        logDir: join(infra!.varDir, 'log'),
        varDir: infra!.varDir,
        webServicesUrl: `http://127.0.0.1:${portOf('web-services')}`,
        cstaPort: env.TWS_DEMO_CSTA_PORT,
        httpPort: env.TWS_DEMO_SIM_HTTP_PORT,
        logger,
      });
    } catch (e) {
      logger.error({ err: (e as Error).message }, 'demo mode could not start');
    }
  }
  if (!stopping) printUrls(env, portOf, wanted, running.port, demo);
  void readyPoller;
}

function childEnv(name: ServiceName, port: number, infra: Infrastructure, env: SupervisorEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  delete out['TWS_PORTS'];
  delete out['TWS_SERVICES'];
  return {
    ...out,
    DATABASE_URL: infra.databaseUrl,
    NATS_URL: infra.natsUrl,
    HTTP_PORT: String(port),
    LOG_LEVEL: env.LOG_LEVEL,
    // Stable across restarts: a cstaservices restarted after a crash takes its own link leases
    // back at once instead of waiting for them to expire (docs/csta.md "Several instances").
    TWS_INSTANCE_ID: `${process.env['TWS_INSTANCE_ID'] ?? hostname()}-${name}`,
    ...(SERVICES[name].needsSecretKey ? { TWS_SECRET_KEY: infra.secretKey } : {}),
  };
}

/** Marks started services running as soon as their /health/ready says so (after restarts too). */
function pollReadiness(processes: ProcessManager, logger: Logger) {
  const timer = setInterval(async () => {
    for (const s of processes.states()) {
      if (s.state !== 'starting') continue;
      const spec = processes.spec(s.service)!;
      try {
        const r = await fetch(`http://127.0.0.1:${spec.httpPort}/health/ready`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) {
          processes.markRunning(s.service);
          logger.info({ service: s.service, port: spec.httpPort }, 'service ready');
        }
      } catch {
        /* not listening yet */
      }
    }
  }, 300);
  timer.unref();
  return timer;
}

async function waitAll(processes: ProcessManager, timeoutMs: number): Promise<{ ok: boolean; notReady: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const notReady = processes.states().filter((s) => s.state !== 'running').map((s) => `${s.service} (${s.state}${s.lastError ? `: ${s.lastError}` : ''})`);
    if (notReady.length === 0) return { ok: true, notReady };
    const fatal = processes.states().some((s) => s.state === 'crashed' && s.lastError?.includes('code 78'));
    if (Date.now() > deadline || fatal) return { ok: false, notReady };
    await new Promise((r) => setTimeout(r, 250));
  }
}

function printUrls(env: SupervisorEnv, portOf: (n: ServiceName) => number, wanted: ServiceName[], supervisorPort: number, demo?: DemoHandle) {
  const host = env.TWS_PUBLIC_HOST;
  const lines = ['', 'TWS Suite is running.', ''];
  for (const name of wanted) {
    for (const u of SERVICES[name].urls) lines.push(`  ${u.label.padEnd(30)} http://${host}:${portOf(name)}${u.path}`);
  }
  if (!demo) lines.push(`  ${'Admin sign-in'.padEnd(30)} tws / tws on a new installation (you are asked to change it)`);
  lines.push(`  ${'Service health (each service)'.padEnd(30)} http://${host}:<port>/health/ready   (supervisor: ${supervisorPort})`);
  if (demo) {
    lines.push(
      '',
      `  Demo: the PBX simulator places and answers calls for ${DEMO.users.map((u) => `${u.username} (${u.device})`).join(', ')} in ${DEMO.domain}.`,
      `  Some network calls go to the phone queue ${DEMO.queue.number} ("${DEMO.queue.name}", members ${DEMO.queue.members.join(', ')}).`,
      ...demoToolkitExample(`http://${host}:${portOf('toolkit-web-services')}`),
      `  Simulator control API:  ${demo.simulatorHttp}/calls   (queue: ${demo.simulatorHttp}/queues/${DEMO.queue.number})`,
      `  Admin API sign-in:      tws / ${demo.adminPassword}   (POST /api/admin/v1/auth/login)`,
    );
  }
  lines.push('', `  Logs: ${join(resolve(env.TWS_VAR_DIR), 'log')}/<service>.log    Stop: Ctrl-C`, '');
  process.stdout.write(lines.join('\n') + '\n');
}
