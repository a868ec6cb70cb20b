import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceState } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { ProcessManager } from '@tws/supervisor-feature';
import { waitFor } from '@tws/testing';

/** The supervisor's process manager on real child processes (small scripts that behave badly). */
describe('supervisor process manager', () => {
  let dir: string;
  const states: ServiceState[] = [];
  let sut: ProcessManager;
  const script = (name: string, body: string) => {
    const file = join(dir, `${name}.js`);
    writeFileSync(file, body);
    return file;
  };
  const register = (name: 'eventservices' | 'mediaservices' | 'scriptservices', file: string) =>
    sut.register({ name, script: file, env: { PATH: process.env['PATH'] ?? '' }, httpPort: 0 });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tws-pm-'));
    sut = new ProcessManager(createLogger('test', 'silent'), dir, (s) => states.push(s), { logToConsole: false, baseBackoffMs: 50 });
  });
  after(async () => {
    await sut.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a service that crashes is restarted with growing delays, and its last error is kept', async () => {
    register('eventservices', script('crash', `console.error(JSON.stringify({level:'error',msg:'cannot open the call log'})); process.exit(3);`));
    sut.start('eventservices');
    const s = await waitFor('three restarts', () => {
      const st = sut.state('eventservices')!;
      return st.restarts >= 3 ? st : undefined;
    });
    assert.match(s.lastError!, /exited with code 3: cannot open the call log/);
    // The wait between a crash and the next start is the backoff: 50, 100, 200 ms here.
    const mine = states.filter((x) => x.service === 'eventservices');
    const waits = mine.flatMap((x, i) => (x.state === 'crashed' && mine[i + 1]?.state === 'starting' ? [Date.parse(mine[i + 1]!.since) - Date.parse(x.since)] : []));
    assert.ok(waits.length >= 2, `at least two restarts seen: ${waits.join(', ')}`);
    assert.ok(waits[0]! >= 45 && waits[1]! >= 95 && waits[1]! > waits[0]!, `backoff grows: ${waits.join(', ')} ms`);
    await sut.stop('eventservices');
    assert.equal(sut.state('eventservices')!.state, 'stopped');
    const restartsWhenStopped = sut.state('eventservices')!.restarts;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sut.state('eventservices')!.restarts, restartsWhenStopped, 'a stopped service is not restarted');
  });

  test('a service that refuses its configuration (exit 78) is not restarted', async () => {
    register('mediaservices', script('badconfig', `console.error('mediaservices: invalid configuration:\\n  TWS_SECRET_KEY: is required'); process.exit(78);`));
    sut.start('mediaservices');
    const s = await waitFor('crashed', () => (sut.state('mediaservices')!.state === 'crashed' ? sut.state('mediaservices') : undefined));
    assert.match(s!.lastError!, /code 78/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sut.state('mediaservices')!.restarts, 0);
    assert.equal(sut.state('mediaservices')!.state, 'crashed');
  });

  test('stop sends SIGTERM and waits; restart gives a new process', async () => {
    register('scriptservices', script('steady', `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); setInterval(() => {}, 1000);`));
    const first = sut.start('scriptservices');
    assert.equal(first.state, 'starting');
    sut.markRunning('scriptservices');
    assert.equal(sut.state('scriptservices')!.state, 'running');
    const restarted = await sut.restart('scriptservices');
    assert.ok(restarted.pid && restarted.pid !== first.pid);
    assert.equal(restarted.restarts, 0, 'an asked-for restart is not a crash');
    const stopped = await sut.stop('scriptservices');
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.pid, undefined);
  });
});
