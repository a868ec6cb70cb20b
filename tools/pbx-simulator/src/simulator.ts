import { ControlApi } from './control-api';
import { CstaServer } from './csta-server';
import { PbxModel } from './pbx-model';
import { RequestLog } from './request-log';
import type { Scenario } from './scenario';
import { ScenarioRuns, type ScenarioReport } from './scenario-runner';
import { DEFAULT_CONFIG, type SimulatorConfig } from './simulator-config';
import { stderrLogger, type SimLogger } from './sim-log';
import { TrafficGenerator } from './traffic-generator';

export interface StartSimulatorOptions {
  log?: SimLogger;
  /** Randomness for the traffic generator. */
  random?: () => number;
}

/** A running simulator: its actual ports, its model (for in-process tests), and `stop()`. */
export interface PbxSimulator {
  readonly cstaPort: number;
  readonly httpPort: number;
  readonly host: string;
  readonly model: PbxModel;
  readonly csta: CstaServer;
  readonly requestLog: RequestLog;
  readonly traffic?: TrafficGenerator;
  readonly scenarios: ScenarioRuns;
  /** Plays a (validated) scenario; the run is listed by GET /scenarios. */
  runScenario(scenario: Scenario): Promise<ScenarioReport>;
  /** Stops traffic and closes every listener and connection. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the simulator in-process. Missing config fields take the CLI defaults, so a test can
 * pass `{ cstaPort: 0, httpPort: 0 }` and read the chosen ports back.
 */
export async function startSimulator(
  config: Partial<SimulatorConfig> = {},
  options: StartSimulatorOptions = {},
): Promise<PbxSimulator> {
  const cfg: SimulatorConfig = { ...DEFAULT_CONFIG, ...config };
  const log = options.log ?? stderrLogger;
  const model = new PbxModel(cfg.devices, { noAnswerMs: cfg.noAnswerMs, queues: cfg.queues });
  const requestLog = new RequestLog();
  const csta = new CstaServer({
    model,
    requestLog,
    log,
    host: cfg.host,
    port: cfg.cstaPort,
    edition: cfg.edition,
    sessionStyle: cfg.sessionStyle,
    heartbeatMs: cfg.heartbeatMs,
    maxSessionDuration: cfg.maxSessionS,
    minSessionDuration: Math.min(10, cfg.maxSessionS),
    ...(cfg.username !== undefined && cfg.password !== undefined
      ? { credentials: { username: cfg.username, password: cfg.password } }
      : {}),
  });
  const scenarios = new ScenarioRuns({ model, csta, log });
  let cstaPort = 0;
  const http = new ControlApi({
    model,
    requestLog,
    log,
    host: cfg.host,
    port: cfg.httpPort,
    status: () => ({ cstaPort, clients: csta.clientCount, monitorCount: (d) => csta.monitorCount(d) }),
    csta,
    scenarios,
  });

  cstaPort = await csta.listen();
  let httpPort: number;
  try {
    httpPort = await http.listen();
  } catch (e) {
    await csta.close();
    throw e;
  }
  const traffic = cfg.traffic
    ? new TrafficGenerator(model, { intervalMs: cfg.trafficIntervalMs, log, ...(options.random ? { random: options.random } : {}) })
    : undefined;
  traffic?.start();
  log('info', 'PBX simulator listening', {
    host: cfg.host,
    cstaPort,
    httpPort,
    devices: cfg.devices.length > 20 ? `${cfg.devices.length} devices (${cfg.devices[0]} … ${cfg.devices.at(-1)})` : cfg.devices,
    sessionStyle: cfg.sessionStyle,
    edition: cfg.edition,
    traffic: cfg.traffic,
    ...(cfg.queues.length > 0 ? { queues: cfg.queues.map((q) => `${q.number}=${q.members.join(',')}`) } : {}),
  });

  let stopping: Promise<void> | undefined;
  return {
    cstaPort,
    httpPort,
    host: cfg.host,
    model,
    csta,
    requestLog,
    ...(traffic ? { traffic } : {}),
    scenarios,
    runScenario: (scenario) => scenarios.start(scenario).done,
    stop() {
      stopping ??= (async () => {
        traffic?.stop();
        model.dispose();
        await Promise.all([csta.close(), http.close()]);
        log('info', 'PBX simulator stopped');
      })();
      return stopping;
    },
  };
}
