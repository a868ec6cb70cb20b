/**
 * Checks the Kubernetes manifests (deploy/k8s, a kustomize base) against the service table of
 * @tws/contracts, from the operator's side: one Deployment + Service per service but the
 * supervisor, images, ports, probes, secrets only by reference, per-pod instance ids, non-root
 * read-only containers, migrations before the services, cstaservices in several instances.
 * Static checks only: the files the kustomization lists are parsed; no cluster is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { SERVICE_NAMES, SERVICES, type ServiceName } from '@tws/contracts';
import { repoRoot } from '@tws/testing';

// ---- locating and reading the files ------------------------------------------------------

const K8S = join(repoRoot(), 'deploy', 'k8s');
const MIGRATE_COMMAND = 'node dist/apps/supervisor/src/main.js migrate';
const SECRET_NAME = 'tws-secrets';
const PART_OF = 'app.kubernetes.io/part-of';
/** The uid of the image's `node` user (deploy/Dockerfile: USER node). */
const NODE_UID = 1000;
/** SHUTDOWN_TIMEOUT_S default (libs/shared/config) when the ConfigMap does not set it. */
const DEFAULT_SHUTDOWN_TIMEOUT_S = 10;
/** Variables whose value is a secret: they must come from a Secret (secretKeyRef). */
const SECRET_ENV = /^(DATABASE_URL|TWS_SECRET_KEY)$|PASSWORD|SECRET|TOKEN|PRIVATE/i;

/** The services Kubernetes runs: every app of the table but the supervisor (the orchestrator's role). */
const DEPLOYED = SERVICE_NAMES.filter((n) => n !== 'supervisor');

type Labels = Record<string, string>;
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string };
    configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
    fieldRef?: { fieldPath?: string };
  };
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort?: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds?: number } } };
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  volumes?: { name: string; emptyDir?: unknown }[];
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
}
interface PodTemplate {
  metadata?: { labels?: Labels; annotations?: Record<string, string> };
  spec?: PodSpec;
}
interface Resource {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Labels };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Labels } & Labels;
    template?: PodTemplate;
    type?: string;
    ports?: { name?: string; port?: number; targetPort?: number | string; protocol?: string }[];
    minAvailable?: number | string;
    maxUnavailable?: number | string;
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: unknown;
  secretGenerator?: unknown;
}

function readYaml(file: string): Resource[] {
  const path = join(K8S, file);
  assert.ok(existsSync(path), `deploy/k8s/${file} is missing`);
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d, i) => {
    assert.equal(d.errors.length, 0, `deploy/k8s/${file} (document ${i + 1}): ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Resource;
  }).filter((r) => r !== null);
}

const KUSTOMIZATION_FILE = join(K8S, 'kustomization.yaml');
assert.ok(existsSync(KUSTOMIZATION_FILE), `deploy/k8s/kustomization.yaml is missing (${KUSTOMIZATION_FILE})`);
const kustomization = parse(readFileSync(KUSTOMIZATION_FILE, 'utf8')) as Kustomization;
const files = kustomization.resources ?? [];
/** Every resource of the base, with the file it comes from. */
const resources: { file: string; r: Resource }[] = files.flatMap((file) => readYaml(file).map((r) => ({ file, r })));

const ofKind = (kind: string) => resources.filter((x) => x.r.kind === kind);
const where = (x: { file: string; r: Resource }) => `${x.r.kind} ${x.r.metadata?.name ?? '(no name)'} (deploy/k8s/${x.file})`;
const configMaps = new Map(ofKind('ConfigMap').map((x) => [x.r.metadata?.name ?? '', x.r.data ?? {}]));

/** Labels a selector (Service: plain map; Deployment/PDB: matchLabels) requires. */
function selectorOf(r: Resource): Labels {
  const s = r.spec?.selector ?? {};
  if (r.kind === 'Service') return s as Labels;
  return s.matchLabels ?? {};
}

/** Does every label of the selector appear, with that value, in the pod's labels? */
function matches(selector: Labels, labels: Labels | undefined): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels?.[k] === selector[k]);
}

function commandLine(c: Container): string {
  return [...(c.command ?? []), ...(c.args ?? [])].join(' ').trim().replace(/\s+/g, ' ');
}

/** A probe's or Service's port, resolved to a number through the container's named ports. */
function resolvePort(c: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

function deploymentsOf(name: ServiceName) {
  return ofKind('Deployment').filter((x) => x.r.metadata?.name === name);
}

function mainContainer(name: ServiceName): { x: { file: string; r: Resource }; pod: PodSpec; c: Container } {
  const found = deploymentsOf(name);
  assert.equal(found.length, 1, `expected exactly one Deployment "${name}" in the kustomization, found ${found.length}`);
  const x = found[0];
  const pod = x.r.spec?.template?.spec ?? {};
  const c = pod.containers?.find((k) => k.name === name) ?? pod.containers?.[0];
  assert.ok(c, `${where(x)}: has no container`);
  return { x, pod, c };
}

/** Effective security settings of a container (its own over the pod's). */
function effective(pod: PodSpec, c: Container): SecurityContext {
  return { ...pod.securityContext, ...c.securityContext };
}

function checkSecurity(label: string, pod: PodSpec, c: Container): void {
  const s = effective(pod, c);
  assert.equal(s.runAsNonRoot, true, `${label}: runAsNonRoot must be true`);
  assert.ok(s.runAsUser !== 0, `${label}: must not run as uid 0`);
  if (s.runAsUser !== undefined) assert.equal(s.runAsUser, NODE_UID, `${label}: runAsUser should be ${NODE_UID} (the image's "node")`);
  assert.equal(s.allowPrivilegeEscalation, false, `${label}: allowPrivilegeEscalation must be false`);
  assert.notEqual(s.privileged, true, `${label}: must not be privileged`);
  assert.equal(s.readOnlyRootFilesystem, true, `${label}: readOnlyRootFilesystem must be true`);
  assert.ok(s.capabilities?.drop?.includes('ALL'), `${label}: capabilities must drop ALL`);
  assert.deepEqual(s.capabilities?.add ?? [], [], `${label}: must not add capabilities`);
  const mount = c.volumeMounts?.find((m) => m.mountPath === '/app/var');
  assert.ok(mount, `${label}: needs a writable volume on /app/var (the root filesystem is read-only)`);
  const volume = pod.volumes?.find((v) => v.name === mount.name);
  assert.ok(volume?.emptyDir !== undefined, `${label}: /app/var should be an emptyDir volume (volume "${mount.name}")`);
}

function checkResources(label: string, c: Container): void {
  for (const kind of ['requests', 'limits'] as const) {
    for (const r of ['cpu', 'memory']) {
      assert.ok(c.resources?.[kind]?.[r] !== undefined, `${label}: resources.${kind}.${r} is not set`);
    }
  }
}

/** Secret-looking variables must be secretKeyRef into the operator's Secret, never literals. */
function checkSecretRefs(label: string, c: Container): void {
  for (const e of c.env ?? []) {
    if (!SECRET_ENV.test(e.name)) continue;
    assert.equal(e.value, undefined, `${label}: ${e.name} has a literal value; take it from the Secret with valueFrom.secretKeyRef`);
    const ref = e.valueFrom?.secretKeyRef;
    assert.ok(ref, `${label}: ${e.name} must come from valueFrom.secretKeyRef (got ${JSON.stringify(e.valueFrom)})`);
    assert.equal(ref.name, SECRET_NAME, `${label}: ${e.name} should come from the Secret "${SECRET_NAME}"`);
    assert.equal(ref.key, e.name, `${label}: ${e.name} should be the key "${e.name}" of "${SECRET_NAME}"`);
  }
  for (const f of c.envFrom ?? []) {
    assert.equal(f.secretRef, undefined, `${label}: envFrom a Secret hands every key to the container; reference each secret with secretKeyRef`);
  }
}

const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name);

/** Is the variable set for the container, directly or by an envFrom ConfigMap of the base? */
function hasEnv(c: Container, name: string): boolean {
  if (envOf(c, name)) return true;
  return (c.envFrom ?? []).some((f) => f.configMapRef?.name !== undefined && configMaps.get(f.configMapRef.name)?.[name] !== undefined);
}

/** What the container gets for a plain variable (env value, else the ConfigMap's). */
function plainEnv(c: Container, name: string): string | undefined {
  const e = envOf(c, name);
  if (e) return e.value;
  for (const f of c.envFrom ?? []) {
    const v = f.configMapRef?.name !== undefined ? configMaps.get(f.configMapRef.name)?.[name] : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

// ---- the kustomization --------------------------------------------------------------------

test('k8s: the kustomization lists existing files, one namespace, no secret', () => {
  assert.ok(files.length > 0, 'deploy/k8s/kustomization.yaml lists no resources');
  const ns = kustomization.namespace;
  assert.ok(ns, 'deploy/k8s/kustomization.yaml sets no namespace: every resource should land in one');
  for (const x of resources) {
    assert.ok(x.r.kind && x.r.apiVersion && x.r.metadata?.name, `deploy/k8s/${x.file}: a document without kind, apiVersion or metadata.name`);
    if (x.r.kind === 'Namespace') {
      assert.equal(x.r.metadata?.name, ns, `${where(x)}: the Namespace must be the kustomization's "${ns}"`);
      continue;
    }
    const own = x.r.metadata?.namespace;
    assert.ok(own === undefined || own === ns, `${where(x)}: in namespace "${own}", not the kustomization's "${ns}"`);
    assert.equal(x.r.metadata?.labels?.[PART_OF], 'tws-suite', `${where(x)}: label ${PART_OF}: tws-suite is missing`);
  }
  assert.deepEqual(ofKind('Secret').map(where), [], 'the base must not contain a Secret: the operator creates tws-secrets');
  assert.equal(kustomization.secretGenerator, undefined, 'the base must not generate a Secret (no secretGenerator)');
  assert.ok(!files.some((f) => /example/.test(f)), `example files are not part of the base: ${files.join(', ')}`);
  const unique = new Set(resources.map((x) => `${x.r.kind}/${x.r.metadata?.name}`));
  assert.equal(unique.size, resources.length, 'two resources have the same kind and name');
});

test('k8s: no literal secret anywhere in the base', () => {
  for (const file of files) {
    const text = readFileSync(join(K8S, file), 'utf8');
    const key = /[A-Za-z0-9+/]{42,}[AEIMQUYcgkosw048]=/.exec(text);
    assert.equal(key, null, `deploy/k8s/${file} contains what looks like a literal key: ${key?.[0].slice(0, 6)}...`);
    const url = /postgres(?:ql)?:\/\/[^:@/\s]+:[^@\s]+@/.exec(text);
    assert.equal(url, null, `deploy/k8s/${file} contains a database URL with a password; it belongs in the Secret`);
  }
  for (const [name, data] of configMaps) {
    for (const key of Object.keys(data)) {
      assert.ok(!SECRET_ENV.test(key), `ConfigMap ${name}: ${key} is a secret; it belongs in the Secret ${SECRET_NAME}`);
    }
  }
});

test('k8s: the example Secret names the keys the manifests read and holds no real value', () => {
  const docs = readYaml('secret.example.yaml');
  const secret = docs.find((r) => r.kind === 'Secret');
  assert.ok(secret, 'deploy/k8s/secret.example.yaml has no Secret');
  assert.equal(secret.metadata?.name, SECRET_NAME, `secret.example.yaml: the Secret must be named ${SECRET_NAME}`);
  const values = { ...secret.stringData, ...secret.data };
  const referenced = new Set<string>();
  for (const x of resources) {
    const pod = x.r.spec?.template?.spec;
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name === SECRET_NAME) referenced.add(e.valueFrom.secretKeyRef.key ?? '');
    }
  }
  assert.deepEqual(Object.keys(values).sort(), [...referenced].sort(), 'secret.example.yaml: keys differ from those the manifests reference');
  assert.notEqual(Buffer.from(values.TWS_SECRET_KEY ?? '', 'base64').length, 32, 'secret.example.yaml: TWS_SECRET_KEY must be a placeholder, not a usable key');
  assert.match(values.DATABASE_URL ?? '', /REPLACE/i, 'secret.example.yaml: the DATABASE_URL password must be a placeholder');
});

test('k8s: the ConfigMap points at NATS and sets the drain time', () => {
  const cm = configMaps.get('tws-config');
  assert.ok(cm, 'the base has no ConfigMap "tws-config"');
  assert.match(cm.NATS_URL ?? '', /^nats:\/\/\S+$/, 'tws-config: NATS_URL missing or not a nats:// URL');
  assert.ok(cm.LOG_LEVEL, 'tws-config: LOG_LEVEL missing');
});

// ---- one Deployment and one Service per service -------------------------------------------

test('k8s: no Deployment for the supervisor, none unknown', () => {
  const names = ofKind('Deployment').map((x) => x.r.metadata?.name ?? '');
  assert.ok(!names.includes('supervisor'), 'the supervisor is the single-host runner: in Kubernetes the orchestrator plays its role, no Deployment');
  const unknown = names.filter((n) => !(DEPLOYED as string[]).includes(n));
  assert.deepEqual(unknown, [], `Deployments that are not services of SERVICE_NAMES: ${unknown.join(', ')}`);
});

for (const name of DEPLOYED) {
  const desc = SERVICES[name];

  test(`k8s: ${name} runs tws/${name} on port ${desc.httpPort}, probed on /health/*`, () => {
    const { x, c } = mainContainer(name);
    const label = where(x);
    assert.match(c.image ?? '', new RegExp(`^tws/${name}(:[\\w.-]+)?$`), `${label}: image must be tws/${name} (deploy/Dockerfile with APP=${name}), got ${c.image}`);
    const http = c.ports?.find((p) => p.containerPort === desc.httpPort);
    assert.ok(http, `${label}: containerPort ${desc.httpPort} (SERVICES.${name}.httpPort) is not declared (has ${c.ports?.map((p) => p.containerPort).join(', ') || 'none'})`);
    assert.equal(plainEnv(c, 'HTTP_PORT'), String(desc.httpPort), `${label}: HTTP_PORT must be "${desc.httpPort}"`);

    for (const [probe, path] of [['readinessProbe', '/health/ready'], ['livenessProbe', '/health/live']] as const) {
      const p = c[probe]?.httpGet;
      assert.ok(p, `${label}: no ${probe} with httpGet`);
      assert.equal(p.path, path, `${label}: ${probe} must GET ${path}`);
      assert.equal(resolvePort(c, p.port), desc.httpPort, `${label}: ${probe} port ${p.port} is not ${desc.httpPort}`);
    }

    const ann = x.r.spec?.template?.metadata?.annotations ?? {};
    assert.equal(ann['prometheus.io/scrape'], 'true', `${label}: pod annotation prometheus.io/scrape: "true" missing`);
    assert.equal(ann['prometheus.io/port'], String(desc.httpPort), `${label}: pod annotation prometheus.io/port must be "${desc.httpPort}"`);
    assert.equal(ann['prometheus.io/path'], '/metrics', `${label}: pod annotation prometheus.io/path must be /metrics`);
  });

  test(`k8s: ${name} gets its configuration and secrets by reference only`, () => {
    const { x, pod, c } = mainContainer(name);
    const label = where(x);
    for (const k of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) checkSecretRefs(`${label} container ${k.name}`, k);

    assert.ok(envOf(c, 'DATABASE_URL'), `${label}: DATABASE_URL is not set (secretKeyRef into ${SECRET_NAME})`);
    assert.ok(hasEnv(c, 'NATS_URL'), `${label}: NATS_URL is not set (env or envFrom the ConfigMap)`);
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef) assert.ok(configMaps.has(f.configMapRef.name ?? ''), `${label}: envFrom ConfigMap "${f.configMapRef.name}" is not in the base`);
    }
    if (desc.needsSecretKey) {
      assert.ok(envOf(c, 'TWS_SECRET_KEY'), `${label}: needs TWS_SECRET_KEY (needsSecretKey) but its environment has none`);
    } else {
      assert.equal(envOf(c, 'TWS_SECRET_KEY'), undefined, `${label}: does not need TWS_SECRET_KEY (needsSecretKey: false), do not hand it the key`);
    }
    const id = envOf(c, 'TWS_INSTANCE_ID');
    assert.equal(id?.valueFrom?.fieldRef?.fieldPath, 'metadata.name', `${label}: TWS_INSTANCE_ID must come from the pod name (fieldRef metadata.name), so each pod is its own instance`);
  });

  test(`k8s: ${name} runs non-root, read-only, with resources and a graceful stop`, () => {
    const { x, pod, c } = mainContainer(name);
    const label = where(x);
    for (const k of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      checkSecurity(`${label} container ${k.name}`, pod, k);
      checkResources(`${label} container ${k.name}`, k);
    }
    const shutdown = Number(plainEnv(c, 'SHUTDOWN_TIMEOUT_S') ?? DEFAULT_SHUTDOWN_TIMEOUT_S);
    const pre = c.lifecycle?.preStop;
    const pause = pre?.sleep?.seconds ?? (pre?.exec?.command?.[0] === 'sleep' ? Number(pre.exec.command[1]) : 0);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    assert.ok(
      grace > shutdown + pause,
      `${label}: terminationGracePeriodSeconds (${grace}) must exceed SHUTDOWN_TIMEOUT_S (${shutdown}) + the preStop pause (${pause}), or the drain is killed`,
    );
  });

  test(`k8s: ${name} migrates the database before it starts`, () => {
    const { x, pod } = mainContainer(name);
    const init = pod.initContainers ?? [];
    const migrate = init.find((k) => commandLine(k) === MIGRATE_COMMAND);
    assert.ok(migrate, `${where(x)}: no initContainer runs "${MIGRATE_COMMAND}" (found: ${init.map(commandLine).join(' | ') || 'none'})`);
    assert.ok(migrate.image?.startsWith('tws/'), `${where(x)}: the migrate initContainer should use a tws/ image (each holds the whole build)`);
    assert.equal(envOf(migrate, 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name, SECRET_NAME, `${where(x)}: the migrate initContainer needs DATABASE_URL from ${SECRET_NAME}`);
  });

  test(`k8s: ${name} has a ClusterIP Service selecting its pods on port ${desc.httpPort}`, () => {
    const { x, c } = mainContainer(name);
    const podLabels = x.r.spec?.template?.metadata?.labels;
    assert.ok(matches(selectorOf(x.r), podLabels), `${where(x)}: selector ${JSON.stringify(selectorOf(x.r))} does not match its pod labels ${JSON.stringify(podLabels)}`);
    const svcs = ofKind('Service').filter((s) => matches(selectorOf(s.r), podLabels));
    assert.ok(svcs.length > 0, `no Service selects the pods of ${where(x)} (labels ${JSON.stringify(podLabels)})`);
    const svc = svcs.find((s) => s.r.metadata?.name === name);
    assert.ok(svc, `the Service selecting ${name}'s pods should be named "${name}" (found ${svcs.map(where).join(', ')})`);
    assert.ok((svc.r.spec?.type ?? 'ClusterIP') === 'ClusterIP', `${where(svc)}: type should be ClusterIP (got ${svc.r.spec?.type})`);
    const port = svc.r.spec?.ports?.find((p) => p.port === desc.httpPort);
    assert.ok(port, `${where(svc)}: no port ${desc.httpPort}`);
    assert.equal(resolvePort(c, port.targetPort ?? port.port), desc.httpPort, `${where(svc)}: targetPort ${port.targetPort} does not reach containerPort ${desc.httpPort}`);
  });
}

test('k8s: every Service and PodDisruptionBudget selects the pods of a Deployment', () => {
  const podLabels = ofKind('Deployment').map((d) => d.r.spec?.template?.metadata?.labels);
  for (const x of [...ofKind('Service'), ...ofKind('PodDisruptionBudget')]) {
    assert.ok(podLabels.some((l) => matches(selectorOf(x.r), l)), `${where(x)}: selector ${JSON.stringify(selectorOf(x.r))} matches no Deployment's pods`);
  }
});

// ---- migrations and several cstaservices ---------------------------------------------------

test('k8s: the migration Job runs the migrate command once', () => {
  const jobs = ofKind('Job');
  const job = jobs.find((x) => (x.r.spec?.template?.spec?.containers ?? []).some((c) => commandLine(c) === MIGRATE_COMMAND));
  assert.ok(job, `no Job runs "${MIGRATE_COMMAND}" (Jobs: ${jobs.map(where).join(', ') || 'none'})`);
  const pod = job.r.spec?.template?.spec ?? {};
  assert.ok(['Never', 'OnFailure'].includes(pod.restartPolicy ?? ''), `${where(job)}: restartPolicy must be Never or OnFailure`);
  const c = (pod.containers ?? []).find((k) => commandLine(k) === MIGRATE_COMMAND);
  assert.ok(c);
  assert.match(c.image ?? '', /^tws\/supervisor(:[\w.-]+)?$/, `${where(job)}: image should be tws/supervisor (the migrate command is the supervisor's)`);
  assert.equal(envOf(c, 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name, SECRET_NAME, `${where(job)}: DATABASE_URL must come from ${SECRET_NAME}`);
  checkSecretRefs(where(job), c);
  checkSecurity(where(job), pod, c);
  checkResources(where(job), c);
});

test('k8s: cstaservices runs at least two instances with a PodDisruptionBudget', () => {
  const { x } = mainContainer('cstaservices');
  assert.ok((x.r.spec?.replicas ?? 1) >= 2, `${where(x)}: replicas ${x.r.spec?.replicas ?? 1}; run at least 2 (the link leases make it safe)`);
  const podLabels = x.r.spec?.template?.metadata?.labels;
  const pdbs = ofKind('PodDisruptionBudget').filter((p) => matches(selectorOf(p.r), podLabels));
  assert.equal(pdbs.length, 1, `expected one PodDisruptionBudget selecting cstaservices' pods, found ${pdbs.length}`);
  const spec = pdbs[0].r.spec ?? {};
  assert.ok(
    (typeof spec.minAvailable === 'number' && spec.minAvailable >= 1) || spec.maxUnavailable !== undefined,
    `${where(pdbs[0])}: set minAvailable >= 1 or maxUnavailable`,
  );
  if (typeof spec.minAvailable === 'number') {
    assert.ok(spec.minAvailable < (x.r.spec?.replicas ?? 1), `${where(pdbs[0])}: minAvailable ${spec.minAvailable} would block every drain`);
  }
});

test('k8s: the desk-phone Service example selects cstaservices pods', () => {
  const docs = readYaml('cstaservices-deskphones.example.yaml');
  const svc = docs.find((r) => r.kind === 'Service');
  assert.ok(svc, 'cstaservices-deskphones.example.yaml has no Service');
  const { x } = mainContainer('cstaservices');
  assert.ok(matches(selectorOf(svc), x.r.spec?.template?.metadata?.labels), 'cstaservices-deskphones.example.yaml: its selector does not match cstaservices pods');
  assert.ok((svc.spec?.ports ?? []).every((p) => (p.protocol ?? 'TCP') === 'TCP'), 'desk phones speak SIP over TCP: every port should be TCP');
  assert.equal((svc.spec as { sessionAffinity?: string } | undefined)?.sessionAffinity ?? 'None', 'None', 'sessionAffinity would pin a phone to a pod that may not own its link');
});
