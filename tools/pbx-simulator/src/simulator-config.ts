import { parseArgs } from 'node:util';
import { CSTA_EDITIONS, type CstaEdition } from '@tws/csta';
import { isDialable } from './pbx-model';

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
}

export const DEFAULT_CONFIG: SimulatorConfig = {
  host: '127.0.0.1',
  cstaPort: 2555,
  httpPort: 2580,
  devices: ['4001', '4002', '4003', '4004', '4005'],
  edition: 'ed4',
  traffic: false,
  trafficIntervalMs: 8000,
};

export const USAGE = `pbx-simulator — a CSTA XML (ECMA-323/354) PBX simulator for tests and demos

Flags (environment variable in brackets; flags win):
  --host <addr>                 bind address [SIM_HOST] (default 127.0.0.1)
  --csta-port <n>               CSTA TCP port, 0 = random [SIM_CSTA_PORT] (default 2555)
  --http-port <n>               HTTP control API port, 0 = random [SIM_HTTP_PORT] (default 2580)
  --devices <a,b,...>           internal device numbers [SIM_DEVICES] (default 4001-4005)
  --username <u>                required session user name [SIM_USERNAME]
  --password <p>                required session password [SIM_PASSWORD] (prefer the variable)
  --edition <ed3|ed4|ed5|ed6>   default CSTA edition [SIM_EDITION] (default ed4)
  --traffic                     generate random calls [SIM_TRAFFIC=1]
  --traffic-interval-ms <n>     ms between generated calls [SIM_TRAFFIC_INTERVAL_MS] (default 8000)
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
  let values: Record<string, string | boolean | undefined>;
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
  if (devicesOpt.value !== undefined) {
    devices = devicesOpt.value.split(',').map((d) => d.trim()).filter(Boolean);
    if (devices.length === 0) throw new ConfigError(`${devicesOpt.name}: list at least one internal device number`);
    const bad = devices.find((d) => !isDialable(d));
    if (bad) throw new ConfigError(`${devicesOpt.name}: "${bad}" is not a dialable number`);
    if (new Set(devices).size !== devices.length) throw new ConfigError(`${devicesOpt.name}: a device is listed twice`);
  }

  const editionOpt = pick('edition', 'SIM_EDITION');
  const edition = editionOpt.value ?? DEFAULT_CONFIG.edition;
  if (!(CSTA_EDITIONS as readonly string[]).includes(edition)) {
    throw new ConfigError(`${editionOpt.name}: "${edition}" is not one of ${CSTA_EDITIONS.join(', ')}`);
  }

  let traffic = values.traffic === true;
  if (!traffic && env.SIM_TRAFFIC !== undefined && env.SIM_TRAFFIC !== '') {
    const v = env.SIM_TRAFFIC.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) traffic = true;
    else if (!['0', 'false', 'no', 'off'].includes(v)) throw new ConfigError(`SIM_TRAFFIC: "${env.SIM_TRAFFIC}" is not a boolean (1/0, true/false)`);
  }

  const intervalOpt = pick('traffic-interval-ms', 'SIM_TRAFFIC_INTERVAL_MS');
  let trafficIntervalMs = DEFAULT_CONFIG.trafficIntervalMs;
  if (intervalOpt.value !== undefined) {
    if (!/^\d+$/.test(intervalOpt.value) || Number(intervalOpt.value) < 100) {
      throw new ConfigError(`${intervalOpt.name}: "${intervalOpt.value}" must be an integer of at least 100 (milliseconds)`);
    }
    trafficIntervalMs = Number(intervalOpt.value);
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
  };
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
