import type { CstaServer } from './csta-server';
import { PbxError, type PbxModel, type SimCall } from './pbx-model';
import type { Scenario, ScenarioCondition, ScenarioStep } from './scenario';
import { stepLabel } from './scenario';
import type { SimLogger } from './sim-log';

/** What one step did. */
export interface StepReport {
  /** `4`, or `5.2` for the second step inside the repeat that is step 5. */
  step: string;
  /** 1, 2, … inside a repeat. */
  iteration?: number;
  do: ScenarioStep['do'];
  name?: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  /** The call the step created or acted on. */
  callId?: string;
  error?: string;
}

export interface ScenarioReport {
  name: string;
  ok: boolean;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failed step: `step 4 (expect "agent answers"): …`. */
  failures: string[];
  steps: StepReport[];
}

export interface ScenarioTarget {
  model: PbxModel;
  /** Needed by fault steps and by `clients` / `monitors` conditions. */
  csta?: CstaServer;
  log: SimLogger;
}

/** Steps executed at most in one run (repeats included). */
const MAX_EXECUTED_STEPS = 100_000;
const DEFAULT_WAIT_TIMEOUT_MS = 5000;
const FORWARDING_ALIASES: Record<string, string> = {
  immediate: 'forwardImmediate',
  busy: 'forwardBusy',
  noAnswer: 'forwardNoAns',
  doNotDisturb: 'forwardDND',
};

class StepFailure extends Error {}

/**
 * Plays a validated scenario against the switch, step by step, and reports every step. A step
 * that fails (a refused phone action, an expectation not met, a wait that timed out) ends the
 * run unless `continueOnFailure`; the remaining steps are reported as skipped. With `cleanup`
 * (the default) the calls started during the run are cleared and the faults restored.
 */
export async function runScenario(scenario: Scenario, target: ScenarioTarget): Promise<ScenarioReport> {
  const { model, csta, log } = target;
  const started = Date.now();
  const calls = new Map<string, string>();
  const firstNewCallId = Math.max(0, ...model.calls().map((c) => Number(c.callId)).filter(Number.isFinite)) + 1;
  const faultsBefore = csta ? { ...csta.faults } : undefined;
  let touchedFaults = false;
  const steps: StepReport[] = [];
  const failures: string[] = [];
  let stopped = false;
  let executed = 0;
  log('info', 'scenario started', { scenario: scenario.name });

  const callIdOf = (name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    const id = calls.get(name);
    if (id === undefined) throw new StepFailure(`call "${name}" was not placed (the step naming it failed or was skipped)`);
    return id;
  };
  const faults = (): CstaServer => {
    if (!csta) throw new StepFailure('no CSTA server to inject faults into');
    touchedFaults = true;
    return csta;
  };

  const perform = async (s: ScenarioStep): Promise<string | undefined> => {
    const bind = (call: SimCall, as: string | undefined) => {
      if (as !== undefined) calls.set(as, call.callId);
      return call.callId;
    };
    switch (s.do) {
      case 'call':
        return bind(model.placeCall(s.from, s.to), s.as);
      case 'answer':
        return model.answer(s.device, callIdOf(s.call)).callId;
      case 'hangup':
        return model.clearConnection(s.device, callIdOf(s.call)).callId;
      case 'hold':
        return model.hold(s.device, callIdOf(s.call)).callId;
      case 'retrieve':
        return model.retrieve(s.device, callIdOf(s.call)).callId;
      case 'no-answer':
        return model.noAnswer(s.device, callIdOf(s.call)).callId;
      case 'consult':
        return bind(model.consult(s.device, s.to, callIdOf(s.call)), s.as);
      case 'single-step-transfer':
        return bind(model.singleStepTransfer(s.device, s.to, callIdOf(s.call)), s.as);
      case 'deflect':
        return model.deflect(s.device, s.to, callIdOf(s.call)).callId;
      case 'transfer':
        return bind(model.transfer(s.device, callIdOf(s.heldCall), callIdOf(s.activeCall)), s.as);
      case 'conference':
        return bind(model.conference(s.device, callIdOf(s.heldCall), callIdOf(s.activeCall)), s.as);
      case 'alternate':
        return bind(model.alternate(s.device, callIdOf(s.heldCall), callIdOf(s.activeCall)), s.as);
      case 'reconnect':
        return bind(model.reconnect(s.device, callIdOf(s.heldCall), callIdOf(s.activeCall)), s.as);
      case 'forwarding':
        model.setForwarding(s.device, FORWARDING_ALIASES[s.type] ?? s.type, s.on, s.destination, s.ringCount);
        return undefined;
      case 'dnd':
        model.setDoNotDisturb(s.device, s.on);
        return undefined;
      case 'clear-call':
        return model.clearCall(callIdOf(s.call)!).callId;
      case 'queue':
        model.setQueue({
          number: s.number,
          members: s.members,
          ...(s.strategy !== undefined ? { strategy: s.strategy } : {}),
          ...(s.maxWaitMs !== undefined ? { maxWaitMs: s.maxWaitMs } : {}),
          ...(s.overflow !== undefined ? { overflow: s.overflow } : {}),
        });
        return undefined;
      case 'queue-timeout':
        return model.queueTimeout(s.queue, callIdOf(s.call)).callId;
      case 'wait': {
        if (s.ms !== undefined) {
          await sleep(s.ms);
          return undefined;
        }
        const condition = s.until!;
        const timeout = s.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
        const deadline = Date.now() + timeout;
        for (;;) {
          const problem = check(condition, model, csta, calls);
          if (problem === undefined) return undefined;
          if (Date.now() >= deadline) throw new StepFailure(`timed out after ${timeout} ms waiting until ${describe(condition)}: ${problem}`);
          await sleep(10);
        }
      }
      case 'expect': {
        const problem = check(s, model, csta, calls);
        if (problem !== undefined) throw new StepFailure(`expected ${describe(s)}: ${problem}`);
        return undefined;
      }
      case 'drop-link':
        faults().dropLinks(s.clientId, s.refuseMs);
        return undefined;
      case 'keep-alive':
        faults().faults.keepAlive = s.on;
        return undefined;
      case 'delay-events':
        faults().faults.eventDelayMs = s.ms;
        return undefined;
      case 'reorder-events':
        faults().faults.reorderEvents = s.on;
        return undefined;
      case 'answer-requests':
        faults().faults.answerRequests = s.on;
        return undefined;
      case 'unknown-event':
        faults().sendUnknownEvent(s.clientId);
        return undefined;
      case 'malformed-frame':
        faults().sendMalformed(s.kind ?? 'garbage', s.clientId);
        return undefined;
      case 'repeat':
        throw new Error('repeat is played by playAll');
    }
  };

  const playAll = async (list: ScenarioStep[], prefix: string, iteration?: number): Promise<void> => {
    for (const [i, s] of list.entries()) {
      const index = `${prefix}${i + 1}`;
      if (s.do === 'repeat') {
        for (let n = 1; n <= s.times; n++) {
          if (stopped) break;
          await playAll(s.steps, `${index}.`, n);
        }
        if (stopped) skipAll(s.steps, `${index}.`);
        continue;
      }
      const report: StepReport = {
        step: index,
        ...(iteration !== undefined ? { iteration } : {}),
        do: s.do,
        ...(s.name !== undefined ? { name: s.name } : {}),
        status: 'skipped',
        ms: 0,
      };
      steps.push(report);
      if (stopped) continue;
      if (++executed > MAX_EXECUTED_STEPS) {
        report.status = 'failed';
        report.error = `more than ${MAX_EXECUTED_STEPS} steps executed: the run is stopped`;
        failures.push(`${stepLabel(index, s)}: ${report.error}`);
        stopped = true;
        continue;
      }
      const t0 = Date.now();
      try {
        const callId = await perform(s);
        if (callId !== undefined) report.callId = callId;
        report.status = 'passed';
      } catch (e) {
        if (!(e instanceof StepFailure || e instanceof PbxError)) throw e;
        report.status = 'failed';
        report.error = e.message;
        failures.push(`${stepLabel(index, s)}${iteration !== undefined ? ` [iteration ${iteration}]` : ''}: ${e.message}`);
        log('warn', 'scenario step failed', { scenario: scenario.name, step: index, error: e.message });
        if (!scenario.continueOnFailure) stopped = true;
      }
      report.ms = Date.now() - t0;
    }
  };
  const skipAll = (list: ScenarioStep[], prefix: string): void => {
    for (const [i, s] of list.entries()) {
      if (s.do === 'repeat') skipAll(s.steps, `${prefix}${i + 1}.`);
      else if (!steps.some((r) => r.step === `${prefix}${i + 1}`)) steps.push({ step: `${prefix}${i + 1}`, do: s.do, ...(s.name !== undefined ? { name: s.name } : {}), status: 'skipped', ms: 0 });
    }
  };

  try {
    await playAll(scenario.steps, '');
  } finally {
    if (scenario.cleanup) {
      for (const c of model.calls()) {
        if (Number(c.callId) >= firstNewCallId) {
          try {
            model.clearCall(c.callId);
          } catch {
            // already gone (a clearing may end several calls)
          }
        }
      }
      if (csta && faultsBefore && touchedFaults) {
        Object.assign(csta.faults, faultsBefore);
        csta.refuseConnections(0);
      }
    }
  }
  const count = (status: StepReport['status']) => steps.filter((r) => r.status === status).length;
  const report: ScenarioReport = {
    name: scenario.name,
    ok: failures.length === 0,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    failures,
    steps,
  };
  log(report.ok ? 'info' : 'warn', 'scenario finished', { scenario: scenario.name, ok: report.ok, passed: report.passed, failed: report.failed, skipped: report.skipped });
  return report;
}

/** Why the condition does not hold now, or undefined when it does. */
export function check(c: ScenarioCondition, model: PbxModel, csta: CstaServer | undefined, calls: ReadonlyMap<string, string>): string | undefined {
  if (c.call !== undefined) {
    const id = calls.get(c.call);
    if (id === undefined) return `call "${c.call}" was not placed`;
    const call = model.call(id);
    if (c.cleared !== undefined) {
      if (c.cleared && call) return `call ${id} goes on (${partiesText(call)})`;
      if (!c.cleared && !call) return `call ${id} is over`;
    }
    if (c.parties !== undefined) {
      if (!call) return `call ${id} is over`;
      const wrong = Object.entries(c.parties).filter(([device, state]) => (call.connections.find((x) => x.deviceId === device)?.state ?? 'none') !== state);
      if (wrong.length > 0) return `call ${id} has ${partiesText(call)}`;
    }
    return undefined;
  }
  if (c.device !== undefined) {
    if (!model.isKnownDevice(c.device) && !(c.state === 'idle' || c.calls === 0)) return `${c.device} is not a device of the switch and is in no call`;
    const states = model.callsOf(c.device).map((call) => call.connections.find((x) => x.deviceId === c.device)!.state);
    const have = states.length ? `it has ${states.map((s, i) => `${model.callsOf(c.device!)[i]!.callId}:${s}`).join(', ')}` : 'it is idle';
    if (c.state === 'idle' && states.length > 0) return have;
    if (c.state !== undefined && c.state !== 'idle' && !states.includes(c.state)) return have;
    if (c.calls !== undefined && states.length !== c.calls) return have;
    if (c.dnd !== undefined) {
      if (!model.isInternal(c.device)) return `${c.device} is not a device of the switch`;
      const on = model.featuresOf(c.device).doNotDisturb;
      if (on !== c.dnd) return `do not disturb is ${on ? 'on' : 'off'}`;
    }
    if (c.monitors !== undefined) {
      const n = csta?.monitorCount(c.device) ?? 0;
      if (n < c.monitors) return `it has ${n} monitor(s)`;
    }
    return undefined;
  }
  if (c.queue !== undefined) {
    const q = model.queue(c.queue);
    if (!q) return `queue ${c.queue} does not exist`;
    if (c.waiting !== undefined && q.waiting.length !== c.waiting) return `${q.waiting.length} call(s) waiting${q.waiting.length ? ` (${q.waiting.map((w) => w.callId).join(', ')})` : ''}`;
    return undefined;
  }
  if (c.clients !== undefined) {
    const n = csta?.clientCount ?? 0;
    if (n < c.clients) return `${n} CSTA client(s) connected`;
  }
  return undefined;
}

/** The condition in words, for messages. */
export function describe(c: ScenarioCondition): string {
  if (c.call !== undefined) {
    const parts = [
      ...(c.cleared !== undefined ? [c.cleared ? 'is over' : 'goes on'] : []),
      ...(c.parties ? [`has ${Object.entries(c.parties).map(([d, s]) => `${d} ${s}`).join(', ')}`] : []),
    ];
    return `call "${c.call}" ${parts.join(' and ')}`;
  }
  if (c.device !== undefined) {
    const parts = [
      ...(c.state !== undefined ? [c.state === 'idle' ? 'is idle' : `has a call ${c.state}`] : []),
      ...(c.calls !== undefined ? [`has ${c.calls} call(s)`] : []),
      ...(c.dnd !== undefined ? [`has do not disturb ${c.dnd ? 'on' : 'off'}`] : []),
      ...(c.monitors !== undefined ? [`has at least ${c.monitors} monitor(s)`] : []),
    ];
    return `${c.device} ${parts.join(' and ')}`;
  }
  if (c.queue !== undefined) return `queue ${c.queue} has ${c.waiting ?? 0} call(s) waiting`;
  return `at least ${c.clients} CSTA client(s) are connected`;
}

function partiesText(call: SimCall): string {
  return call.connections.map((x) => `${x.deviceId} ${x.state}`).join(', ') || 'no party';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A run as GET /scenarios shows it. */
export interface ScenarioRunView {
  id: number;
  name: string;
  running: boolean;
  startedAt: string;
  ok?: boolean;
  report?: ScenarioReport;
}

/** The scenario runs of a simulator (the last 50 are kept), so a long run can be started and read later. */
export class ScenarioRuns {
  private readonly runs = new Map<number, ScenarioRunView>();
  private lastId = 0;

  constructor(private readonly target: ScenarioTarget) {}

  start(scenario: Scenario): { id: number; done: Promise<ScenarioReport> } {
    const id = ++this.lastId;
    const run: ScenarioRunView = { id, name: scenario.name, running: true, startedAt: new Date().toISOString() };
    this.runs.set(id, run);
    for (const old of this.runs.keys()) if (this.runs.size > 50 && !this.runs.get(old)!.running) this.runs.delete(old);
    const done = runScenario(scenario, this.target).then(
      (report) => {
        Object.assign(run, { running: false, ok: report.ok, report });
        return report;
      },
      (e: unknown) => {
        run.running = false;
        run.ok = false;
        this.target.log('error', 'scenario run crashed', { scenario: scenario.name, error: String(e) });
        throw e;
      },
    );
    // A caller that does not await (async run) must not leave an unhandled rejection.
    done.catch(() => undefined);
    return { id, done };
  }

  list(): Omit<ScenarioRunView, 'report'>[] {
    return [...this.runs.values()].map(({ report: _report, ...rest }) => rest);
  }

  get(id: number): ScenarioRunView | undefined {
    return this.runs.get(id);
  }
}
