/**
 * Checks the container deployment against the service table of @tws/contracts:
 * docker-compose.yml (one service per app, health, start order, environment, ports, no
 * secrets in the file), deploy/Dockerfile (multi-stage, APP argument, non-root, health) and
 * .dockerignore. Static checks only: no Docker engine is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NAMES, SERVICES } from '@tws/contracts';
import { repoRoot } from '@tws/testing';

// ---- locating and reading the files ------------------------------------------------------

const root = repoRoot();
const COMPOSE_FILE = join(root, 'docker-compose.yml');
const DOCKERFILE = join(root, 'deploy', 'Dockerfile');
const DOCKERIGNORE = join(root, '.dockerignore');

const MIGRATE_COMMAND = 'node dist/apps/supervisor/src/main.js migrate';
const INFRA = ['postgres', 'nats', 'migrate'];

/** Ports published to the host: [service, host port, protocol]. */
const PUBLIC_PORTS: [string, number, 'tcp' | 'udp'][] = [
  ['web-services', 8000, 'tcp'],
  ['toolkit-web-services', 8001, 'tcp'],
  ['eventservices', 8002, 'tcp'],
  ['admin-app', 8080, 'tcp'],
  ['conferenceservices', 8201, 'udp'],
  ['conferenceservices', 8201, 'tcp'],
  ['appsharing-router', 8202, 'tcp'],
  ['cstaservices', 6010, 'tcp'],
];

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> | string[] };
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  ports?: (string | number | { target?: number; published?: number | string; protocol?: string })[];
  volumes?: unknown[];
}
interface ComposeFile {
  services?: Record<string, ComposeService>;
}

function loadCompose(): { text: string; doc: ComposeFile } {
  assert.ok(existsSync(COMPOSE_FILE), `docker-compose.yml is missing at ${COMPOSE_FILE}`);
  const text = readFileSync(COMPOSE_FILE, 'utf8');
  const doc = parse(text, { merge: true }) as ComposeFile;
  assert.ok(doc && typeof doc === 'object' && doc.services, 'docker-compose.yml has no "services" section');
  return { text, doc };
}

const { text: composeText, doc: compose } = loadCompose();
const services = compose.services ?? {};

// ---- normalizing the several spellings compose accepts ---------------------------------------

/** KEY=VALUE list or mapping → mapping of strings (null values become ''). */
function asMap(v: Record<string, unknown> | string[] | undefined): Record<string, string> {
  if (!v) return {};
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map((s) => {
        const i = s.indexOf('=');
        return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
}

function dependsOn(svc: ComposeService): Record<string, string> {
  const d = svc.depends_on;
  if (!d) return {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([n, c]) => [n, c?.condition ?? 'service_started']));
}

function commandLine(c: string | string[] | undefined): string {
  return (Array.isArray(c) ? c.join(' ') : (c ?? '')).trim().replace(/\s+/g, ' ');
}

/** Published [host port, protocol] pairs of a service. */
function publishedPorts(svc: ComposeService): { port: number; protocol: string }[] {
  const out: { port: number; protocol: string }[] = [];
  for (const p of svc.ports ?? []) {
    if (typeof p === 'object') {
      if (p.published !== undefined) out.push({ port: Number(p.published), protocol: p.protocol ?? 'tcp' });
      continue;
    }
    const [spec, protocol = 'tcp'] = String(p).split('/');
    const parts = spec.split(':'); // [ip:]host:container, or container alone (random host port)
    if (parts.length >= 2) out.push({ port: Number(parts[parts.length - 2]), protocol });
  }
  return out;
}

function checkBuild(name: string, svc: ComposeService, app: string): void {
  const b = svc.build;
  assert.ok(b && typeof b === 'object', `${name}: "build" must be a mapping with context, dockerfile and args.APP`);
  assert.equal(b.context ?? '.', '.', `${name}: build context must be the repository root (".")`);
  assert.equal(b.dockerfile, 'deploy/Dockerfile', `${name}: must build deploy/Dockerfile`);
  assert.equal(asMap(b.args).APP, app, `${name}: build arg APP must be "${app}"`);
}

/** The value with every ${...} interpolation replaced by a placeholder, to check its shape. */
function substituted(v: string | undefined): string {
  return (v ?? '').replace(/\$\{[^}]*\}/g, 'x');
}

/** A required-variable interpolation and nothing else: ${NAME:?message} (or ${NAME?message}). */
const REQUIRED_INTERPOLATION = /^\$\{[A-Z_][A-Z0-9_]*:?\?[^}]*\}$/;

// ---- docker-compose.yml ------------------------------------------------------------------------

for (const name of SERVICE_NAMES) {
  const desc = SERVICES[name];

  test(`compose: ${name} is built, started after its dependencies and health-checked`, () => {
    const svc = services[name];
    assert.ok(svc, `docker-compose.yml has no service "${name}" (every app of SERVICE_NAMES needs one)`);
    checkBuild(name, svc, name);

    const hc = svc.healthcheck;
    assert.ok(hc, `${name}: no healthcheck`);
    assert.notEqual(hc.disable, true, `${name}: healthcheck is disabled`);
    const probe = commandLine(hc.test);
    assert.ok(probe.length > 0, `${name}: healthcheck has no test command`);
    assert.match(probe, /\/health\/ready/, `${name}: healthcheck should probe /health/ready`);
    assert.doesNotMatch(probe, /\bcurl\b/, `${name}: healthcheck uses curl, which the image does not have`);

    const deps = dependsOn(svc);
    assert.equal(deps.postgres, 'service_healthy', `${name}: must depend on postgres with condition service_healthy`);
    assert.ok(deps.nats, `${name}: must depend on nats`);
    assert.equal(deps.migrate, 'service_completed_successfully', `${name}: must depend on migrate with condition service_completed_successfully`);

    assert.equal(svc.restart, 'unless-stopped', `${name}: restart should be "unless-stopped" (got ${JSON.stringify(svc.restart)})`);
  });

  test(`compose: ${name} environment matches the service table`, () => {
    const svc = services[name];
    assert.ok(svc, `docker-compose.yml has no service "${name}"`);
    const env = asMap(svc.environment);
    assert.match(substituted(env.DATABASE_URL), /^postgres(ql)?:\/\/\S+$/, `${name}: DATABASE_URL missing or not a postgres:// URL`);
    assert.match(substituted(env.NATS_URL), /^nats:\/\/\S+$/, `${name}: NATS_URL missing or not a nats:// URL`);
    assert.equal(env.HTTP_PORT, String(desc.httpPort), `${name}: HTTP_PORT must be ${desc.httpPort} (the table's port), got ${JSON.stringify(env.HTTP_PORT)}`);
    if (desc.needsSecretKey) {
      assert.ok(env.TWS_SECRET_KEY, `${name}: needs TWS_SECRET_KEY (needsSecretKey) but its environment has none`);
      assert.match(
        env.TWS_SECRET_KEY,
        /^\$\{TWS_SECRET_KEY:?\?[^}]*\}$/,
        `${name}: TWS_SECRET_KEY must come from the environment as \${TWS_SECRET_KEY:?...}, not a literal or a default`,
      );
    } else {
      assert.equal(env.TWS_SECRET_KEY, undefined, `${name}: does not need TWS_SECRET_KEY (needsSecretKey: false), do not hand it the key`);
    }
  });
}

test('compose: the supervisor does not spawn children in containers', () => {
  const env = asMap(services.supervisor?.environment);
  assert.equal(env.TWS_SUPERVISOR_SPAWN, 'false', 'supervisor: TWS_SUPERVISOR_SPAWN must be "false" in docker-compose');
});

test('compose: migrate is a one-shot running the migrations after postgres', () => {
  const m = services.migrate;
  assert.ok(m, 'docker-compose.yml has no "migrate" service');
  checkBuild('migrate', m, 'supervisor');
  assert.equal(commandLine(m.command), MIGRATE_COMMAND, `migrate: command must be "${MIGRATE_COMMAND}"`);
  assert.equal(m.restart, 'no', 'migrate: restart must be "no" (one-shot)');
  assert.equal(dependsOn(m).postgres, 'service_healthy', 'migrate: must depend on postgres with condition service_healthy');
  assert.match(asMap(m.environment).DATABASE_URL ?? '', /^postgres(ql)?:\/\//, 'migrate: DATABASE_URL missing');
});

test('compose: postgres and nats are there, health-checked, with volumes and JetStream', () => {
  const pg = services.postgres;
  assert.ok(pg, 'docker-compose.yml has no "postgres" service');
  assert.match(pg.image ?? '', /^postgres:16/, 'postgres: image should be postgres:16');
  assert.match(commandLine(pg.healthcheck?.test), /pg_isready/, 'postgres: healthcheck should run pg_isready');
  assert.ok((pg.volumes ?? []).length > 0, 'postgres: data needs a volume');

  const nats = services.nats;
  assert.ok(nats, 'docker-compose.yml has no "nats" service');
  assert.match(nats.image ?? '', /^nats:2\.10/, 'nats: image should be nats:2.10');
  const args = commandLine(nats.command).split(' ');
  assert.ok(args.includes('-js'), 'nats: JetStream must be on (-js)');
  assert.ok(args.includes('-sd'), 'nats: JetStream needs a store directory (-sd)');
  assert.ok((nats.volumes ?? []).length > 0, 'nats: the JetStream store needs a volume');
});

test('compose: no unknown services (every service is infrastructure or an app of the table)', () => {
  const known = new Set<string>([...INFRA, ...SERVICE_NAMES]);
  const unknown = Object.keys(services).filter((n) => !known.has(n));
  assert.deepEqual(unknown, [], `docker-compose.yml has services that are not in SERVICE_NAMES: ${unknown.join(', ')}`);
});

test('compose: public ports are published', () => {
  for (const [name, port, protocol] of PUBLIC_PORTS) {
    const svc = services[name];
    assert.ok(svc, `docker-compose.yml has no service "${name}"`);
    const published = publishedPorts(svc);
    assert.ok(
      published.some((p) => p.port === port && p.protocol === protocol),
      `${name}: port ${port}/${protocol} is not published (has ${published.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'})`,
    );
  }
});

test('compose: no literal secret in the file', () => {
  // Values of secret-looking variables must be required interpolations, never literals or defaults.
  for (const [name, svc] of Object.entries(services)) {
    const env = asMap(svc.environment);
    for (const [key, value] of Object.entries(env)) {
      // A public key is not a secret (TWS_LICENCE_PUBLIC_KEY may be empty or defaulted).
      if (!/KEY|PASSWORD|SECRET|TOKEN/i.test(key) || /PUBLIC/i.test(key) || value === '') continue;
      assert.match(value, REQUIRED_INTERPOLATION, `${name}: ${key} is a literal or has a default; use \${${key}:?...}`);
    }
    if (env.DATABASE_URL) {
      const password = /^postgres(?:ql)?:\/\/[^:@/]+:(.*)@[^@]+$/.exec(env.DATABASE_URL)?.[1];
      if (password !== undefined) {
        assert.match(password, REQUIRED_INTERPOLATION, `${name}: DATABASE_URL has a literal password; use \${POSTGRES_PASSWORD:?...}`);
      }
    }
  }
  // Nothing that looks like a 32-byte key (base64 is 44 characters) anywhere in the text.
  const key = /[A-Za-z0-9+/]{42,}[AEIMQUYcgkosw048]=/.exec(composeText);
  assert.equal(key, null, `docker-compose.yml contains what looks like a literal key: ${key?.[0].slice(0, 6)}...`);
});

// ---- deploy/Dockerfile -----------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Instructions of a Dockerfile (comments dropped, continuation lines joined), with their stage. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current.trim()) logical.push(current);
  let stage = -1;
  const out: Instruction[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s*(.*)$/s.exec(l.trim());
    if (!m) continue;
    const op = m[1].toUpperCase();
    if (op === 'FROM') stage++;
    out.push({ op, args: m[2].trim(), stage });
  }
  return out;
}

test('Dockerfile: multi-stage, selects the app with ARG APP, non-root, health-checked', () => {
  assert.ok(existsSync(DOCKERFILE), `deploy/Dockerfile is missing at ${DOCKERFILE}`);
  const ins = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  const froms = ins.filter((i) => i.op === 'FROM');
  assert.ok(froms.length >= 3, `Dockerfile: expected deps, build and runtime stages (several FROM), found ${froms.length}`);
  const last = froms.length - 1;
  const final = ins.filter((i) => i.stage === last);

  assert.ok(
    ins.some((i) => i.op === 'ARG' && /^APP(=|\s|$)/.test(i.args)),
    'Dockerfile: no "ARG APP"',
  );
  assert.ok(
    final.some((i) => i.op === 'ARG' && /^APP(=|\s|$)/.test(i.args)),
    'Dockerfile: the runtime (last) stage must declare ARG APP to use it',
  );
  assert.ok(ins.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args)), 'Dockerfile: dependencies must be installed with "npm ci" (lockfile)');
  assert.ok(ins.some((i) => i.op === 'RUN' && /npm prune --omit=dev/.test(i.args)), 'Dockerfile: dev dependencies must be pruned (npm prune --omit=dev)');

  const users = final.filter((i) => i.op === 'USER');
  assert.ok(users.length > 0, 'Dockerfile: the runtime stage has no USER (it would run as root)');
  const user = users[users.length - 1].args.split(':')[0];
  assert.ok(!['root', '0'].includes(user), `Dockerfile: the runtime stage runs as "${user}"; use a non-root user`);

  assert.ok(
    final.some((i) => i.op === 'ENV' && /\bNODE_ENV=production\b/.test(i.args)),
    'Dockerfile: the runtime stage must set NODE_ENV=production',
  );

  const hc = final.filter((i) => i.op === 'HEALTHCHECK');
  assert.ok(hc.length > 0, 'Dockerfile: no HEALTHCHECK in the runtime stage');
  assert.match(hc[hc.length - 1].args, /\/health\/ready/, 'Dockerfile: HEALTHCHECK should probe /health/ready');
  assert.doesNotMatch(hc[hc.length - 1].args, /\bcurl\b/, 'Dockerfile: HEALTHCHECK must not need curl');

  // CMD names the app through APP, directly or through an ENV set from it.
  const cmds = final.filter((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT');
  assert.ok(cmds.length > 0, 'Dockerfile: the runtime stage has no CMD');
  const cmd = cmds[cmds.length - 1].args;
  const vars = new Set(['APP']);
  for (const e of final.filter((i) => i.op === 'ENV')) {
    for (const m of e.args.matchAll(/(\w+)=\S*\$\{?APP\}?/g)) vars.add(m[1]);
  }
  assert.ok(
    [...vars].some((v) => cmd.includes(`\${${v}}`) || new RegExp(`\\$${v}\\b`).test(cmd)),
    `Dockerfile: CMD (${cmd}) does not refer to APP (or an ENV set from it: ${[...vars].join(', ')})`,
  );
  assert.match(cmd, /dist\/apps\/.*\/src\/main\.js/, 'Dockerfile: CMD should start dist/apps/<app>/src/main.js');
});

test('.dockerignore keeps local state and secrets out of the build context', () => {
  assert.ok(existsSync(DOCKERIGNORE), `.dockerignore is missing at ${DOCKERIGNORE}`);
  const entries = new Set(
    readFileSync(DOCKERIGNORE, 'utf8')
      .split('\n')
      .map((l) => l.trim().replace(/^\/+|\/+$/g, ''))
      .filter((l) => l && !l.startsWith('#')),
  );
  for (const e of ['node_modules', 'dist', '.git', '.env']) {
    assert.ok(entries.has(e), `.dockerignore should list ${e}`);
  }
});
