import { parseArgs } from 'node:util';
import { CSTA_EDITIONS, type CstaEdition } from '@tws/csta';
import { SESSION_STYLES, type SessionStyle } from './csta-server';
import { QUEUE_STRATEGIES, isDialable, type QueueConfig, type QueueStrategy } from './pbx-model';

export interface SimulatorConfig {
  /** Address both listeners bind to. */
  host: string;
  /** CSTA TCP port; 0 picks a free one. */
  cstaPort: number;
  /** HTTP control API port; 0 picks a free one. */
  httpPort: number;
  /** Internal device numbers; every other number is external (the network). */
  devices: string[];
  /** When both are set, sessions must log in with them. */
  username?: string;
  password?: string;
  /** CSTA edition spoken until a session negotiates one. */
  edition: CstaEdition;
  traffic: boolean;
  trafficIntervalMs: number;
  /** ECMA-354 sessions with keep-alives, or switch-driven SystemStatus heartbeats. */
  sessionStyle: SessionStyle;
  /** switch-driven: SystemStatus period. */
  heartbeatMs: number;
  /** Longest ECMA-354 session duration granted (s); a small value makes keep-alives frequent. */
  maxSessionS: number;
  /** Ring time before "no answer" applies (forward on no answer, or the caller gives up); 0 = never. */
  noAnswerMs: number;
  /** Queues (hunt groups) distributing calls to member devices. */
  queues: QueueConfig[];
  /** A scenario file (JSON) run once both listeners are up. */
  scenario?: string;
  /** Exit once the scenario ran: 0 when it passed, 1 when it failed. */
  exitAfterScenario: boolean;
}

/** More devices than this is a typo, not a switch. */
export const MAX_DEVICES = 100_000;

export const DEFAULT_CONFIG: SimulatorConfig = {
  host: '127.0.0.1',
  cstaPort: 2555,
  httpPort: 2580,
  devices: ['4001', '4002', '4003', '4004', '4005'],
  edition: 'ed4',
  traffic: false,
  trafficIntervalMs: 8000,
  sessionStyle: 'ecma354',
  heartbeatMs: 30_000,
  maxSessionS: 3600,
  noAnswerMs: 0,
  queues: [],
  exitAfterScenario: false,
};

export const USAGE = `pbx-simulator — a CSTA XML (ECMA-323/354) PBX simulator for tests and demos

Flags (environment variable in brackets; flags win):
  --host <addr>                 bind address [SIM_HOST] (default 127.0.0.1)
  --csta-port <n>               CSTA TCP port, 0 = random [SIM_CSTA_PORT] (default 2555)
  --http-port <n>               HTTP control API port, 0 = random [SIM_HTTP_PORT] (default 2580)
  --devices <a,b,...>           internal device numbers, ranges allowed: 4000-9999,12001
                                [SIM_DEVICES] (default 4001-4005)
  --username <u>                required session user name [SIM_USERNAME]
  --password <p>                required session password [SIM_PASSWORD] (prefer the variable)
  --edition <ed3|ed4|ed5|ed6>   default CSTA edition [SIM_EDITION] (default ed4)
  --traffic                     generate random calls [SIM_TRAFFIC=1]
  --traffic-interval-ms <n>     ms between generated calls [SIM_TRAFFIC_INTERVAL_MS] (default 8000)
  --session <ecma354|switch-driven>
                                ECMA-354 sessions with keep-alives, or SystemStatus heartbeats
                                sent by the switch [SIM_SESSION] (default ecma354)
  --heartbeat-ms <n>            switch-driven: SystemStatus period [SIM_HEARTBEAT_MS] (default 30000)
  --max-session-s <n>           longest session duration granted [SIM_MAX_SESSION_S] (default 3600)
  --no-answer-ms <n>            ring time before no answer applies, 0 = never [SIM_NO_ANSWER_MS] (default 0)
  --queue <spec>                a queue (hunt group), repeatable: NUMBER=MEMBERS[:option...], e.g.
                                4900=4001,4002 or 4900=4001-4003:max-wait-ms=30000:overflow=4005:strategy=circular
                                options: max-wait-ms=<n> (0 = no waiting), overflow=<number>,
                                strategy=linear|circular [SIM_QUEUES, specs separated by ";"]
  --scenario <file.json>        run this scenario once listening; its report goes to stdout [SIM_SCENARIO]
  --exit-after-scenario         exit when the scenario is over: 0 passed, 1 failed [SIM_EXIT_AFTER_SCENARIO=1]
  --help                        print this text
`;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads flags, then environment, then defaults. Throws a ConfigError naming the bad flag/variable. */
export function parseSimulatorConfig(argv: string[], env: Record<string, string | undefined>): SimulatorConfig {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        'csta-port': { type: 'string' },
        'http-port': { type: 'string' },
        devices: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        edition: { type: 'string' },
        traffic: { type: 'boolean' },
        'traffic-interval-ms': { type: 'string' },
        session: { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'max-session-s': { type: 'string' },
        'no-answer-ms': { type: 'string' },
        queue: { type: 'string', multiple: true },
        scenario: { type: 'string' },
        'exit-after-scenario': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new ConfigError(`${e instanceof Error ? e.message : String(e)} (see --help)`);
  }
  const pick = (flag: string, variable: string): { value: string | undefined; name: string } => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') return { value: fromFlag, name: `--${flag}` };
    return { value: env[variable] === '' ? undefined : env[variable], name: variable };
  };

  const port = (flag: string, variable: string, fallback: number): number => {
    const { value, name } = pick(flag, variable);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) > 65535) throw new ConfigError(`${name}: "${value}" is not a port number (0-65535)`);
    return Number(value);
  };

  const devicesOpt = pick('devices', 'SIM_DEVICES');
  let devices = DEFAULT_CONFIG.devices;
  if (devicesOpt.value !== undefined) devices = parseDeviceList(devicesOpt.value, devicesOpt.name);

  const editionOpt = pick('edition', 'SIM_EDITION');
  const edition = editionOpt.value ?? DEFAULT_CONFIG.edition;
  if (!(CSTA_EDITIONS as readonly string[]).includes(edition)) {
    throw new ConfigError(`${editionOpt.name}: "${edition}" is not one of ${CSTA_EDITIONS.join(', ')}`);
  }

  const flag = (name: string, variable: string): boolean => {
    if (values[name] === true) return true;
    const raw = env[variable];
    if (raw === undefined || raw === '') return false;
    const v = raw.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (!['0', 'false', 'no', 'off'].includes(v)) throw new ConfigError(`${variable}: "${raw}" is not a boolean (1/0, true/false)`);
    return false;
  };
  const traffic = flag('traffic', 'SIM_TRAFFIC');

  const queueFlags = values.queue as string[] | undefined;
  const queueSpecs =
    queueFlags !== undefined
      ? queueFlags.map((spec) => ({ spec, name: '--queue' }))
      : (env.SIM_QUEUES ?? '')
          .split(';')
          .map((spec) => spec.trim())
          .filter(Boolean)
          .map((spec) => ({ spec, name: 'SIM_QUEUES' }));
  const queues = queueSpecs.map(({ spec, name }) => parseQueueSpec(spec, name));
  const phones = new Set(devices);
  const queueNumbers = new Set<string>();
  for (const q of queues) {
    const name = queueFlags !== undefined ? '--queue' : 'SIM_QUEUES';
    if (phones.has(q.number)) throw new ConfigError(`${name}: queue ${q.number} is also a device; give the queue a number of its own`);
    if (queueNumbers.has(q.number)) throw new ConfigError(`${name}: queue ${q.number} is given twice`);
    queueNumbers.add(q.number);
    const stranger = q.members.find((m) => !phones.has(m));
    if (stranger !== undefined) throw new ConfigError(`${name}: member ${stranger} of queue ${q.number} is not one of the devices (${devicesOpt.value === undefined ? 'the default devices 4001-4005' : devicesOpt.name})`);
  }

  const intervalOpt = pick('traffic-interval-ms', 'SIM_TRAFFIC_INTERVAL_MS');
  let trafficIntervalMs = DEFAULT_CONFIG.trafficIntervalMs;
  if (intervalOpt.value !== undefined) {
    if (!/^\d+$/.test(intervalOpt.value) || Number(intervalOpt.value) < 100) {
      throw new ConfigError(`${intervalOpt.name}: "${intervalOpt.value}" must be an integer of at least 100 (milliseconds)`);
    }
    trafficIntervalMs = Number(intervalOpt.value);
  }

  const integer = (flag: string, variable: string, fallback: number, min: number, what: string): number => {
    const { value, name } = pick(flag, variable);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min) throw new ConfigError(`${name}: "${value}" must be an integer of at least ${min} (${what})`);
    return Number(value);
  };

  const sessionOpt = pick('session', 'SIM_SESSION');
  const sessionStyle = sessionOpt.value ?? DEFAULT_CONFIG.sessionStyle;
  if (!(SESSION_STYLES as readonly string[]).includes(sessionStyle)) {
    throw new ConfigError(`${sessionOpt.name}: "${sessionStyle}" is not one of ${SESSION_STYLES.join(', ')}`);
  }

  const username = pick('username', 'SIM_USERNAME');
  const password = pick('password', 'SIM_PASSWORD');
  if ((username.value === undefined) !== (password.value === undefined)) {
    throw new ConfigError(
      `${username.value === undefined ? username.name : password.name}: set both a username and a password, or neither`,
    );
  }

  return {
    host: pick('host', 'SIM_HOST').value ?? DEFAULT_CONFIG.host,
    cstaPort: port('csta-port', 'SIM_CSTA_PORT', DEFAULT_CONFIG.cstaPort),
    httpPort: port('http-port', 'SIM_HTTP_PORT', DEFAULT_CONFIG.httpPort),
    devices,
    ...(username.value !== undefined ? { username: username.value, password: password.value } : {}),
    edition: edition as CstaEdition,
    traffic,
    trafficIntervalMs,
    sessionStyle: sessionStyle as SessionStyle,
    heartbeatMs: integer('heartbeat-ms', 'SIM_HEARTBEAT_MS', DEFAULT_CONFIG.heartbeatMs, 100, 'milliseconds'),
    maxSessionS: integer('max-session-s', 'SIM_MAX_SESSION_S', DEFAULT_CONFIG.maxSessionS, 1, 'seconds'),
    noAnswerMs: integer('no-answer-ms', 'SIM_NO_ANSWER_MS', DEFAULT_CONFIG.noAnswerMs, 0, 'milliseconds'),
    queues,
    ...(pick('scenario', 'SIM_SCENARIO').value !== undefined ? { scenario: pick('scenario', 'SIM_SCENARIO').value } : {}),
    exitAfterScenario: flag('exit-after-scenario', 'SIM_EXIT_AFTER_SCENARIO'),
  };
}

/**
 * Reads "4001,4002,4100-4199": numbers and inclusive ranges of numbers of the same length
 * (leading zeros kept: 0100-0199). Throws a ConfigError naming the bad item.
 */
export function parseDeviceList(text: string, name = '--devices'): string[] {
  const out: string[] = [];
  for (const item of text.split(',').map((d) => d.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      const [, from, to] = range as unknown as [string, string, string];
      if (from.length !== to.length) throw new ConfigError(`${name}: range "${item}" must have bounds of the same length`);
      const [a, b] = [Number(from), Number(to)];
      if (b < a) throw new ConfigError(`${name}: range "${item}" ends before it starts`);
      if (out.length + (b - a + 1) > MAX_DEVICES) throw new ConfigError(`${name}: more than ${MAX_DEVICES} devices`);
      for (let n = a; n <= b; n++) out.push(String(n).padStart(from.length, '0'));
      continue;
    }
    if (!isDialable(item)) throw new ConfigError(`${name}: "${item}" is not a dialable number or a range such as 4000-4999`);
    out.push(item);
  }
  if (out.length === 0) throw new ConfigError(`${name}: list at least one internal device number`);
  if (out.length > MAX_DEVICES) throw new ConfigError(`${name}: more than ${MAX_DEVICES} devices`);
  if (new Set(out).size !== out.length) throw new ConfigError(`${name}: a device is listed twice`);
  return out;
}

/**
 * Reads a queue: "4900=4001,4002" or "4900=4001-4003:max-wait-ms=30000:overflow=4005:strategy=circular"
 * (members may be empty: "4900="). Throws a ConfigError naming the bad part.
 */
export function parseQueueSpec(spec: string, name = '--queue'): QueueConfig {
  const [head = '', ...options] = spec.split(':');
  const eq = head.indexOf('=');
  if (eq < 0) throw new ConfigError(`${name}: "${spec}" must read NUMBER=MEMBERS, e.g. 4900=4001,4002`);
  const number = head.slice(0, eq).trim();
  if (!isDialable(number)) throw new ConfigError(`${name}: queue number "${number}" is not a dialable number`);
  const memberText = head.slice(eq + 1).trim();
  const members = memberText === '' ? [] : parseDeviceList(memberText, `${name} ${number}`);
  const queue: QueueConfig = { number, members };
  for (const option of options) {
    const [key = '', value = ''] = option.split('=', 2).map((x) => x.trim());
    if (key === 'max-wait-ms') {
      if (!/^\d+$/.test(value)) throw new ConfigError(`${name} ${number}: max-wait-ms "${value}" must be a non-negative integer (milliseconds)`);
      queue.maxWaitMs = Number(value);
    } else if (key === 'overflow') {
      if (!isDialable(value) || value === number) throw new ConfigError(`${name} ${number}: overflow "${value}" must be a dialable number other than the queue`);
      queue.overflow = value;
    } else if (key === 'strategy') {
      if (!(QUEUE_STRATEGIES as readonly string[]).includes(value)) throw new ConfigError(`${name} ${number}: strategy "${value}" is not one of ${QUEUE_STRATEGIES.join(', ')}`);
      queue.strategy = value as QueueStrategy;
    } else {
      throw new ConfigError(`${name} ${number}: unknown option "${key}" (max-wait-ms, overflow, strategy)`);
    }
  }
  return queue;
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
