import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_CONFIG, parseSimulatorConfig } from './simulator-config';

describe('parseSimulatorConfig', () => {
  it('uses the documented defaults', () => {
    assert.deepEqual(parseSimulatorConfig([], {}), DEFAULT_CONFIG);
    assert.equal(DEFAULT_CONFIG.cstaPort, 2555);
    assert.equal(DEFAULT_CONFIG.httpPort, 2580);
    assert.equal(DEFAULT_CONFIG.trafficIntervalMs, 8000);
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      SIM_CSTA_PORT: '0',
      SIM_HTTP_PORT: '9000',
      SIM_DEVICES: '100, 101,102',
      SIM_USERNAME: 'u',
      SIM_PASSWORD: 'p',
      SIM_TRAFFIC: '1',
      SIM_TRAFFIC_INTERVAL_MS: '500',
      SIM_EDITION: 'ed3',
      SIM_HOST: '0.0.0.0',
    };

    assert.deepEqual(parseSimulatorConfig([], env), {
      host: '0.0.0.0',
      cstaPort: 0,
      httpPort: 9000,
      devices: ['100', '101', '102'],
      username: 'u',
      password: 'p',
      edition: 'ed3',
      traffic: true,
      trafficIntervalMs: 500,
      sessionStyle: 'ecma354',
      heartbeatMs: 30_000,
      maxSessionS: 3600,
      noAnswerMs: 0,
      queues: [],
      exitAfterScenario: false,
    });
    const flags = parseSimulatorConfig(['--csta-port', '3000', '--devices', '200', '--traffic-interval-ms=1000', '--edition', 'ed6'], env);
    assert.equal(flags.cstaPort, 3000);
    assert.deepEqual(flags.devices, ['200']);
    assert.equal(flags.trafficIntervalMs, 1000);
    assert.equal(flags.edition, 'ed6');
    assert.equal(parseSimulatorConfig(['--traffic'], {}).traffic, true);
  });

  it('reads device ranges, keeping leading zeros, and the session, heartbeat and ring-time settings', () => {
    const cfg = parseSimulatorConfig(
      ['--devices', '4000-4002,0098-0100,+33155171889', '--session', 'switch-driven', '--heartbeat-ms', '500', '--max-session-s', '2', '--no-answer-ms', '3000'],
      {},
    );

    assert.deepEqual(cfg.devices, ['4000', '4001', '4002', '0098', '0099', '0100', '+33155171889']);
    assert.equal(cfg.sessionStyle, 'switch-driven');
    assert.equal(cfg.heartbeatMs, 500);
    assert.equal(cfg.maxSessionS, 2);
    assert.equal(cfg.noAnswerMs, 3000);
    assert.equal(parseSimulatorConfig(['--devices', '4000-9999'], {}).devices.length, 6000);
    assert.equal(parseSimulatorConfig([], { SIM_SESSION: 'switch-driven' }).sessionStyle, 'switch-driven');
  });

  it('reads queues from repeated --queue flags or SIM_QUEUES, with their options', () => {
    const flags = parseSimulatorConfig(
      ['--devices', '4001-4005', '--queue', '4900=4001,4002', '--queue', '4901=4003-4005:max-wait-ms=30000:overflow=4900:strategy=circular', '--queue', '4902='],
      {},
    );
    assert.deepEqual(flags.queues, [
      { number: '4900', members: ['4001', '4002'] },
      { number: '4901', members: ['4003', '4004', '4005'], maxWaitMs: 30000, overflow: '4900', strategy: 'circular' },
      { number: '4902', members: [] },
    ]);
    const env = { SIM_DEVICES: '4001-4003', SIM_QUEUES: '4900=4001; 4901=4002,4003:max-wait-ms=0', SIM_SCENARIO: 'demo.json', SIM_EXIT_AFTER_SCENARIO: '1' };
    const fromEnv = parseSimulatorConfig([], env);
    assert.deepEqual(fromEnv.queues, [
      { number: '4900', members: ['4001'] },
      { number: '4901', members: ['4002', '4003'], maxWaitMs: 0 },
    ]);
    assert.equal(fromEnv.scenario, 'demo.json');
    assert.equal(fromEnv.exitAfterScenario, true);
    assert.deepEqual(parseSimulatorConfig(['--queue', '4901=4002'], env).queues, [{ number: '4901', members: ['4002'] }]);
  });

  it('refuses bad values, naming the flag or variable', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--csta-port', '70000'], {}, /^--csta-port: "70000" is not a port/],
      [[], { SIM_HTTP_PORT: 'http' }, /^SIM_HTTP_PORT: /],
      [['--devices', '4001,abc'], {}, /^--devices: "abc" is not a dialable number/],
      [[], { SIM_DEVICES: '4001,4001' }, /^SIM_DEVICES: a device is listed twice/],
      [[], { SIM_DEVICES: ' , ' }, /^SIM_DEVICES: list at least one/],
      [['--edition', 'ed2'], {}, /^--edition: "ed2" is not one of/],
      [[], { SIM_TRAFFIC: 'maybe' }, /^SIM_TRAFFIC: /],
      [[], { SIM_TRAFFIC_INTERVAL_MS: '5' }, /^SIM_TRAFFIC_INTERVAL_MS: /],
      [['--username', 'u'], {}, /^SIM_PASSWORD: set both/],
      [['--bogus'], {}, /bogus/],
      [['--devices', '4010-4000'], {}, /^--devices: range "4010-4000" ends before it starts/],
      [['--devices', '99-100'], {}, /^--devices: range "99-100" must have bounds of the same length/],
      [['--devices', '4000-4001,4001'], {}, /^--devices: a device is listed twice/],
      [['--devices', '000000-999999'], {}, /^--devices: more than 100000 devices/],
      [['--session', 'tapi'], {}, /^--session: "tapi" is not one of ecma354, switch-driven/],
      [[], { SIM_HEARTBEAT_MS: '10' }, /^SIM_HEARTBEAT_MS: "10" must be an integer of at least 100/],
      [['--queue', '4900'], {}, /^--queue: "4900" must read NUMBER=MEMBERS/],
      [['--queue', '4001=4002'], {}, /^--queue: queue 4001 is also a device/],
      [['--queue', '4900=4009'], {}, /^--queue: member 4009 of queue 4900 is not one of the devices \(the default devices 4001-4005\)/],
      [['--queue', '4900=4001', '--queue', '4900=4002'], {}, /^--queue: queue 4900 is given twice/],
      [['--queue', '4900=4001:max-wait-ms=soon'], {}, /^--queue 4900: max-wait-ms "soon" must be a non-negative integer/],
      [['--queue', '4900=4001:strategy=random'], {}, /^--queue 4900: strategy "random" is not one of linear, circular/],
      [['--queue', '4900=4001:colour=red'], {}, /^--queue 4900: unknown option "colour"/],
      [['--devices', '4001', '--queue', '4900=4002'], {}, /^--queue: member 4002 of queue 4900 is not one of the devices \(--devices\)/],
      [[], { SIM_QUEUES: 'x=4001' }, /^SIM_QUEUES: queue number "x" is not a dialable number/],
      [[], { SIM_EXIT_AFTER_SCENARIO: 'perhaps' }, /^SIM_EXIT_AFTER_SCENARIO: /],
    ];
    for (const [argv, env, message] of bad) assert.throws(() => parseSimulatorConfig(argv, env), { name: 'ConfigError', message }, argv.join(' '));
  });
});

describe('pbx-simulator CLI', () => {
  it('prints the listening line with its ports and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(__dirname, 'main.js'), '--csta-port', '0', '--http-port', '0', '--devices', '4001'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const listening = JSON.parse(line) as { event: string; cstaPort: number; httpPort: number };
      assert.equal(listening.event, 'listening');
      const health = await fetch(`http://127.0.0.1:${listening.httpPort}/health`);
      assert.equal(((await health.json()) as { cstaPort: number }).cstaPort, listening.cstaPort);

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with the reason on a bad configuration', async () => {
    const child = spawn(process.execPath, [join(__dirname, 'main.js'), '--csta-port', 'x'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, 'exit');

    assert.equal(code, 2);
    assert.match(stderr, /--csta-port: "x" is not a port number/);
  });
});
