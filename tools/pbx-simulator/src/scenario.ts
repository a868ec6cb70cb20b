import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MALFORMED_KINDS } from './csta-server';
import { QUEUE_STRATEGIES, isDialable } from './pbx-model';

/**
 * The scripted-scenario format: a JSON file of steps the simulator plays in order — place
 * calls, act on the phones, configure queues, wait, inject faults, and check call, device and
 * queue state. Calls are named (`as`) by the step that creates them and referred to by that name
 * afterwards, since call ids are the switch's (and change on transfer and conference: a transfer
 * step's `as` names the new call).
 *
 * `parseScenario` validates a whole file before anything runs and names the bad step
 * (`step 4 (answer): device: …`); `runScenario` (scenario-runner.ts) plays it.
 */

const number = z.string().refine(isDialable, { message: 'must be a dialable number (digits, optional leading +, * and #)' });
const callName = z.string().min(1).max(64);
const connectionState = z.enum(['initiated', 'alerting', 'connected', 'hold', 'queued', 'fail']);
const ms = (max: number) => z.number().int().min(0).max(max);

/** What `expect` checks and `wait` waits for: one subject (a call, a device, a queue, the CSTA clients). */
const conditionFields = {
  /** A call named by an earlier step. */
  call: callName.optional(),
  /** With `call`: these devices are in the call in these states (`none`: not in it). */
  parties: z.record(z.string(), z.union([connectionState, z.literal('none')])).optional(),
  /** With `call`: true = the call is over (no longer exists), false = it goes on. */
  cleared: z.boolean().optional(),
  device: number.optional(),
  /** With `device`: `idle` = no call, otherwise it has a call in this state. */
  state: z.union([connectionState, z.literal('idle')]).optional(),
  /** With `device`: exactly this many calls. */
  calls: z.number().int().min(0).optional(),
  /** With `device`: do not disturb on or off. */
  dnd: z.boolean().optional(),
  /** With `device`: at least this many CSTA monitors on it. */
  monitors: z.number().int().min(0).optional(),
  queue: number.optional(),
  /** With `queue`: exactly this many calls waiting. */
  waiting: z.number().int().min(0).optional(),
  /** At least this many CSTA clients connected. */
  clients: z.number().int().min(0).optional(),
};
const SUBJECT_FIELDS = {
  call: ['parties', 'cleared'],
  device: ['state', 'calls', 'dnd', 'monitors'],
  queue: ['waiting'],
  clients: [],
} as const;

type ConditionFields = { [K in keyof typeof conditionFields]?: z.infer<(typeof conditionFields)[K]> };

function checkCondition(c: ConditionFields, ctx: z.RefinementCtx<unknown>): void {
  const subjects = (Object.keys(SUBJECT_FIELDS) as (keyof typeof SUBJECT_FIELDS)[]).filter((k) => c[k] !== undefined);
  if (subjects.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `name exactly one subject: call, device, queue or clients (got ${subjects.join(', ') || 'none'})` });
    return;
  }
  const subject = subjects[0]!;
  const allowed: readonly string[] = SUBJECT_FIELDS[subject];
  const fields = Object.keys(c).filter((k) => c[k as keyof ConditionFields] !== undefined && k !== subject && k in conditionFields);
  for (const f of fields) {
    if (!allowed.includes(f)) ctx.addIssue({ code: 'custom', path: [f], message: `does not apply to a ${subject} (${allowed.length ? `use ${allowed.join(', ')}` : 'nothing else applies'})` });
  }
  if (subject !== 'clients' && fields.length === 0) ctx.addIssue({ code: 'custom', message: `say what to check about the ${subject}: ${allowed.join(', ')}` });
}

export const conditionSchema = z.object(conditionFields).strict().superRefine(checkCondition);
export type ScenarioCondition = z.infer<typeof conditionSchema>;

const common = { name: z.string().max(200).optional(), comment: z.string().optional() };
const step = <T extends z.ZodRawShape>(shape: T) => z.object({ ...common, ...shape }).strict();
/** Phone actions that may act on a given call of the device. */
const onCall = { device: number, call: callName.optional() };
const twoCalls = { device: number, heldCall: callName.optional(), activeCall: callName.optional(), as: callName.optional() };

/** One schema per `do`. Phone actions are those of POST /devices/:number/<action>. */
export const STEP_SCHEMAS = {
  call: step({ from: number, to: number, as: callName.optional() }),
  answer: step(onCall),
  hangup: step(onCall),
  hold: step(onCall),
  retrieve: step(onCall),
  'no-answer': step(onCall),
  consult: step({ ...onCall, to: number, as: callName.optional() }),
  'single-step-transfer': step({ ...onCall, to: number, as: callName.optional() }),
  deflect: step({ ...onCall, to: number }),
  transfer: step(twoCalls),
  conference: step(twoCalls),
  alternate: step(twoCalls),
  reconnect: step(twoCalls),
  forwarding: step({
    device: number,
    type: z.string().regex(/^(immediate|busy|noAnswer|doNotDisturb|forward[A-Za-z]+)$/, 'immediate, busy, noAnswer, doNotDisturb or an ECMA forwarding type'),
    on: z.boolean(),
    destination: number.optional(),
    ringCount: z.number().int().min(1).optional(),
  }),
  dnd: step({ device: number, on: z.boolean() }),
  'clear-call': step({ call: callName }),
  queue: step({
    number,
    members: z.array(number).max(1000),
    strategy: z.enum(QUEUE_STRATEGIES).optional(),
    maxWaitMs: ms(86_400_000).optional(),
    overflow: number.optional(),
  }),
  'queue-timeout': step({ queue: number, call: callName.optional() }),
  wait: step({ ms: ms(3_600_000).optional(), until: conditionSchema.optional(), timeoutMs: ms(3_600_000).optional() }).superRefine((s, ctx) => {
    if ((s.ms === undefined) === (s.until === undefined)) ctx.addIssue({ code: 'custom', message: 'give either ms (a pause) or until (a condition)' });
    if (s.timeoutMs !== undefined && s.until === undefined) ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: 'only applies with until' });
  }),
  expect: z
    .object({ ...common, ...conditionFields })
    .strict()
    .superRefine((s, ctx) => checkCondition(s, ctx)),
  // Faults: what the network and the switch do wrong.
  'drop-link': step({ clientId: z.number().int().min(1).optional(), refuseMs: ms(600_000).optional() }),
  'keep-alive': step({ on: z.boolean() }),
  'delay-events': step({ ms: ms(600_000) }),
  'reorder-events': step({ on: z.boolean() }),
  /** off: requests are received but never answered (a hung CTI server); events still flow. */
  'answer-requests': step({ on: z.boolean() }),
  'unknown-event': step({ clientId: z.number().int().min(1).optional() }),
  'malformed-frame': step({ kind: z.enum(MALFORMED_KINDS).optional(), clientId: z.number().int().min(1).optional() }),
  /** `steps` are validated like the top level (see parseSteps). */
  repeat: step({ times: z.number().int().min(1).max(10_000), steps: z.array(z.unknown()).min(1).max(1000) }),
} as const;

export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

type Parsed<K extends StepKind> = z.infer<(typeof STEP_SCHEMAS)[K]>;
export type ScenarioStep =
  | { [K in Exclude<StepKind, 'repeat'>]: { do: K } & Parsed<K> }[Exclude<StepKind, 'repeat'>]
  | ({ do: 'repeat'; steps: ScenarioStep[] } & Omit<Parsed<'repeat'>, 'steps'>);

export interface Scenario {
  name: string;
  description?: string;
  /** Keep going after a failed step (default: the rest is skipped). */
  continueOnFailure: boolean;
  /** At the end: clear the calls started during the run, restore the faults as they were (default true). */
  cleanup: boolean;
  steps: ScenarioStep[];
}

const scenarioSchema = z
  .object({
    name: z.string().min(1).max(200).default('scenario'),
    description: z.string().optional(),
    continueOnFailure: z.boolean().default(false),
    cleanup: z.boolean().default(true),
    steps: z.array(z.unknown()).min(1).max(1000),
  })
  .strict();

/** A scenario that cannot run; the message names the step and the field. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** The label of a step in messages and reports: `step 4`, `step 5.2` (inside a repeat). */
export function stepLabel(index: string, raw: unknown): string {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const kind = typeof r['do'] === 'string' ? r['do'] : undefined;
  const name = typeof r['name'] === 'string' ? ` "${r['name']}"` : '';
  return `step ${index}${kind ? ` (${kind}${name})` : name}`;
}

function issueText(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * Validates a scenario (the parsed JSON): every step's fields, and that each call name is given
 * by an earlier step's `as` before a step uses it. Throws a ScenarioError naming the first bad step.
 */
export function parseScenario(input: unknown): Scenario {
  const top = scenarioSchema.safeParse(input);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    if (issue.path[0] === 'steps' && typeof issue.path[1] === 'number') throw new ScenarioError(`scenario: steps: ${issue.message}`);
    throw new ScenarioError(`scenario: ${issueText(issue)}`);
  }
  const names = new Set<string>();
  const steps = parseSteps(top.data.steps, '', names);
  return { ...top.data, steps };
}

function parseSteps(raw: unknown[], prefix: string, names: Set<string>): ScenarioStep[] {
  return raw.map((r, i) => {
    const index = `${prefix}${i + 1}`;
    const label = stepLabel(index, r);
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new ScenarioError(`${label}: must be an object such as {"do": "call", "from": "+33155171889", "to": "4001"}`);
    const kind = (r as Record<string, unknown>)['do'];
    if (typeof kind !== 'string' || !Object.hasOwn(STEP_SCHEMAS, kind)) {
      throw new ScenarioError(`${label}: do: ${kind === undefined ? 'required' : `unknown step "${String(kind)}"`} (one of ${STEP_KINDS.join(', ')})`);
    }
    const { do: _kind, ...fields } = r as Record<string, unknown>;
    const parsed = STEP_SCHEMAS[kind as StepKind].safeParse(fields);
    if (!parsed.success) throw new ScenarioError(`${label}: ${issueText(parsed.error.issues[0]!)}`);
    const data = parsed.data as Record<string, unknown>;
    for (const field of ['call', 'heldCall', 'activeCall'] as const) {
      const ref = data[field];
      if (typeof ref === 'string' && !names.has(ref)) {
        throw new ScenarioError(`${label}: ${field}: call "${ref}" is not named by an earlier step (name it with "as" on the step that places it)`);
      }
    }
    if (kind === 'wait' && data['until'] !== undefined) {
      const ref = (data['until'] as ScenarioCondition).call;
      if (ref !== undefined && !names.has(ref)) throw new ScenarioError(`${label}: until.call: call "${ref}" is not named by an earlier step`);
    }
    if (kind === 'repeat') {
      return { do: 'repeat', ...data, steps: parseSteps(data['steps'] as unknown[], `${index}.`, names) } as ScenarioStep;
    }
    if (typeof data['as'] === 'string') names.add(data['as']);
    return { do: kind, ...data } as ScenarioStep;
  });
}

/** Reads and validates a scenario file; errors name the file and the step. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read the file (${e instanceof Error ? e.message : String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${path}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return parseScenario(json);
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError(`${path}: ${e.message}`);
    throw e;
  }
}
