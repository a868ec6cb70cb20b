import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '@tws/testing';
import { get, post } from './control-api-test-client';
import { CstaTestClient } from './csta-test-client';
import { ScenarioError, loadScenarioFile, parseScenario } from './scenario';
import { silentLogger } from './sim-log';
import { startSimulator, type PbxSimulator } from './simulator';

const EXT = '+33155171889';
const EXAMPLES = join(repoRoot(), 'tools/pbx-simulator/scenarios');

describe('scenario files: validation names the bad step', () => {
  const refused: [unknown, RegExp][] = [
    [{ name: 'x' }, /^scenario: steps: Invalid input: expected array/],
    [{ steps: [] }, /^scenario: steps: Too small/],
    [{ steps: [{ do: 'call', from: EXT, to: '4001' }], colour: 1 }, /^scenario: Unrecognized key: "colour"/],
    [{ steps: [{ do: 'call', from: EXT, to: '4001' }, { do: 'answr', device: '4001' }] }, /^step 2 \(answr\): do: unknown step "answr" \(one of call, answer, /],
    [{ steps: [{ from: EXT }] }, /^step 1: do: required/],
    [{ steps: ['call'] }, /^step 1: must be an object/],
    [{ steps: [{ do: 'call', from: EXT, to: '4001', as: 'c' }, { do: 'wait', ms: 10 }, { do: 'answer', name: 'pick up' }] }, /^step 3 \(answer "pick up"\): device: Invalid input: expected string, received undefined/],
    [{ steps: [{ do: 'call', from: 'alice', to: '4001' }] }, /^step 1 \(call\): from: must be a dialable number/],
    [{ steps: [{ do: 'answer', device: '4001', call: 'c1' }] }, /^step 1 \(answer\): call: call "c1" is not named by an earlier step/],
    [{ steps: [{ do: 'answer', device: '4001', colour: 'red' }] }, /^step 1 \(answer\): Unrecognized key: "colour"/],
    [{ steps: [{ do: 'repeat', times: 2, steps: [{ do: 'wait', ms: 1 }, { do: 'call', from: EXT }] }] }, /^step 1\.2 \(call\): to: /],
    [{ steps: [{ do: 'expect', device: '4001', queue: '4900', waiting: 1 }] }, /^step 1 \(expect\): name exactly one subject: call, device, queue or clients \(got device, queue\)/],
    [{ steps: [{ do: 'expect', queue: '4900', state: 'idle' }] }, /^step 1 \(expect\): state: does not apply to a queue \(use waiting\)/],
    [{ steps: [{ do: 'expect', device: '4001' }] }, /^step 1 \(expect\): say what to check about the device/],
    [{ steps: [{ do: 'expect', device: '4001', state: 'ringing' }] }, /^step 1 \(expect\): state: /],
    [{ steps: [{ do: 'wait', ms: 5, until: { clients: 1 } }] }, /^step 1 \(wait\): give either ms \(a pause\) or until \(a condition\)/],
    [{ steps: [{ do: 'wait', until: { call: 'nope', cleared: true } }] }, /^step 1 \(wait\): until.call: call "nope" is not named/],
    [{ steps: [{ do: 'malformed-frame', kind: 'huge' }] }, /^step 1 \(malformed-frame\): kind: Invalid option/],
    [{ steps: [{ do: 'queue', number: '4900', members: ['4001'], maxWaitMs: -1 }] }, /^step 1 \(queue\): maxWaitMs: Too small/],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input).slice(0, 90)}`, () => {
      assert.throws(() => parseScenario(input), (e: unknown) => e instanceof ScenarioError && message.test(e.message) ? true : assert.fail(String(e)));
    });
  }

  it('fills the defaults and keeps the steps in order', () => {
    const s = parseScenario({ steps: [{ do: 'call', from: EXT, to: '4001', as: 'c' }, { do: 'expect', call: 'c', parties: { '4001': 'alerting' } }] });
    assert.deepEqual(s, {
      name: 'scenario',
      continueOnFailure: false,
      cleanup: true,
      steps: [
        { do: 'call', from: EXT, to: '4001', as: 'c' },
        { do: 'expect', call: 'c', parties: { '4001': 'alerting' } },
      ],
    });
  });

  it('every shipped example is valid', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 4, files.join(', '));
    for (const f of files) assert.ok(loadScenarioFile(join(EXAMPLES, f)).steps.length > 0, f);
  });
});

describe('scenario runner', () => {
  let sim: PbxSimulator;
  before(async () => {
    sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['4001', '4002', '4003'] }, { log: silentLogger });
  });
  after(() => sim.stop());

  it('a good scenario passes, step by step, binding call names to the switch call ids', async () => {
    const report = await sim.runScenario(
      parseScenario({
        name: 'answered call',
        steps: [
          { do: 'call', from: EXT, to: '4001', as: 'c' },
          { do: 'expect', call: 'c', parties: { '4001': 'alerting', [EXT]: 'connected' } },
          { do: 'answer', device: '4001', call: 'c' },
          { do: 'wait', until: { device: '4001', state: 'connected' }, timeoutMs: 500 },
          { do: 'hangup', device: EXT, call: 'c' },
          { do: 'expect', call: 'c', cleared: true },
          { do: 'expect', device: '4001', state: 'idle', calls: 0, dnd: false },
        ],
      }),
    );

    assert.equal(report.ok, true, JSON.stringify(report.failures));
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.do, s.status]),
      [
        ['1', 'call', 'passed'],
        ['2', 'expect', 'passed'],
        ['3', 'answer', 'passed'],
        ['4', 'wait', 'passed'],
        ['5', 'hangup', 'passed'],
        ['6', 'expect', 'passed'],
        ['7', 'expect', 'passed'],
      ],
    );
    const callId = report.steps[0]!.callId;
    assert.ok(callId);
    assert.equal(report.steps[2]!.callId, callId);
    assert.deepEqual([report.passed, report.failed, report.skipped, report.failures], [7, 0, 0, []]);
  });

  it('a failing expectation is reported by step and name; the rest is skipped; cleanup clears the calls and restores the faults', async () => {
    const report = await sim.runScenario(
      parseScenario({
        name: 'wrong expectation',
        steps: [
          { do: 'delay-events', ms: 40 },
          { do: 'call', from: EXT, to: '4002', as: 'c' },
          { do: 'expect', name: 'answered already?', call: 'c', parties: { '4002': 'connected' } },
          { do: 'answer', device: '4002', call: 'c' },
        ],
      }),
    );

    assert.equal(report.ok, false);
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.status]),
      [
        ['1', 'passed'],
        ['2', 'passed'],
        ['3', 'failed'],
        ['4', 'skipped'],
      ],
    );
    const callId = report.steps[1]!.callId!;
    assert.deepEqual(report.failures, [`step 3 (expect "answered already?"): expected call "c" has 4002 connected: call ${callId} has ${EXT} connected, 4002 alerting`]);
    assert.deepEqual(sim.model.calls(), [], 'the call the scenario placed is cleared');
    assert.equal(sim.csta.faults.eventDelayMs, 0, 'the fault is undone');
  });

  it('refused phone actions and timed-out waits fail their step; continueOnFailure plays on; repeats number their steps', async () => {
    const report = await sim.runScenario(
      parseScenario({
        continueOnFailure: true,
        steps: [
          { do: 'answer', device: '4003' },
          { do: 'wait', until: { queue: '4900', waiting: 1 }, timeoutMs: 30 },
          { do: 'repeat', times: 2, steps: [{ do: 'call', from: EXT, to: '4003', as: 'r' }, { do: 'hangup', device: EXT, call: 'r' }] },
        ],
      }),
    );

    assert.equal(report.ok, false);
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.iteration, s.status]),
      [
        ['1', undefined, 'failed'],
        ['2', undefined, 'failed'],
        ['3.1', 1, 'passed'],
        ['3.2', 1, 'passed'],
        ['3.1', 2, 'passed'],
        ['3.2', 2, 'passed'],
      ],
    );
    assert.match(report.failures[0]!, /^step 1 \(answer\): no call is alerting at device 4003/);
    assert.match(report.failures[1]!, /^step 2 \(wait\): timed out after 30 ms waiting until queue 4900 has 1 call\(s\) waiting: queue 4900 does not exist/);
  });

  it('POST /scenarios runs a scenario and returns its report; a malformed one is a 400 naming the step; async runs are read back', async () => {
    const ok = await post(sim, '/scenarios', { name: 'via http', steps: [{ do: 'queue', number: '4900', members: ['4001'] }, { do: 'call', from: EXT, to: '4900', as: 'q' }, { do: 'expect', call: 'q', parties: { '4001': 'alerting' } }] });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ok, true, JSON.stringify(ok.body));
    assert.equal(ok.body.name, 'via http');
    assert.equal(ok.body.steps.length, 3);

    const bad = await post(sim, '/scenarios', { steps: [{ do: 'call', from: EXT, to: '4001', as: 'c' }, { do: 'transfer', device: '4001', heldCall: 'x' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^step 2 \(transfer\): heldCall: call "x" is not named by an earlier step/);
    assert.equal((await post(sim, '/scenarios', '{"steps": [')).status, 400);

    const started = await post(sim, '/scenarios?async=1', { name: 'background', steps: [{ do: 'wait', ms: 30 }] });
    assert.equal(started.status, 202);
    const read = async () => (await get(sim, `/scenarios/${started.body.id}`)) as any;
    const deadline = Date.now() + 2000;
    while ((await read()).running) {
      if (Date.now() > deadline) assert.fail('the background run never ended');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal((await read()).report.ok, true);
    const runs = (await get(sim, '/scenarios')) as any;
    assert.ok(runs.runs.some((r: any) => r.name === 'background' && r.ok === true && r.report === undefined));
    assert.equal((await fetch(`http://127.0.0.1:${sim.httpPort}/scenarios/999`)).status, 404);
  });

  it('the queue and transfer-chain examples pass', async () => {
    for (const f of ['queue.json', 'transfer-chain.json']) {
      const report = await sim.runScenario(loadScenarioFile(join(EXAMPLES, f)));
      assert.equal(report.ok, true, `${f}: ${report.failures.join('; ')}`);
    }
  });

  it('the link-fault-storm example passes against a client that reconnects', async () => {
    let stopped = false;
    let current: CstaTestClient | undefined;
    let connects = 0;
    const keepConnected = (async () => {
      while (!stopped) {
        try {
          current = await CstaTestClient.connect(sim.cstaPort);
          connects++;
          await current.closed;
        } catch {
          // refused while the PBX is unreachable
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const report = await sim.runScenario(loadScenarioFile(join(EXAMPLES, 'link-fault-storm.json')));
      assert.equal(report.ok, true, report.failures.join('; '));
      assert.equal(report.steps.filter((s) => s.do === 'drop-link').length, 10);
      assert.ok(connects >= 11, `${connects} connections`);
    } finally {
      stopped = true;
      await current?.close();
      await keepConnected;
    }
  });
});

describe('pbx-simulator CLI with --scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-scenario-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the scenario once listening, prints its report and exits 0 with --exit-after-scenario', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ name: 'cli', steps: [{ do: 'call', from: EXT, to: '4001', as: 'c' }, { do: 'expect', call: 'c', parties: { '4001': 'alerting' } }] }));
    const child = spawn(process.execPath, [join(__dirname, 'main.js'), '--csta-port', '0', '--http-port', '0', '--devices', '4001', '--scenario', file, '--exit-after-scenario'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const [code] = await once(child, 'exit');

    assert.equal(code, 0);
    assert.equal(JSON.parse(lines[0]!).event, 'listening');
    const { event, report } = JSON.parse(lines[1]!);
    assert.deepEqual([event, report.name, report.ok, report.passed], ['scenario', 'cli', true, 2]);
  });

  it('exits 1 when the scenario fails, and 2 naming the step when the file is malformed', async () => {
    const failing = join(dir, 'fail.json');
    writeFileSync(failing, JSON.stringify({ steps: [{ do: 'answer', device: '4001' }] }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ steps: [{ do: 'call', from: EXT, to: '4001' }, { do: 'hold' }] }));

    const run = async (file: string) => {
      const child = spawn(process.execPath, [join(__dirname, 'main.js'), '--csta-port', '0', '--http-port', '0', '--devices', '4001', '--scenario', file, '--exit-after-scenario'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = await once(child, 'exit');
      return { code, stderr };
    };

    assert.equal((await run(failing)).code, 1);
    const refused = await run(bad);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /bad\.json: step 2 \(hold\): device: Invalid input/);
  });
});
