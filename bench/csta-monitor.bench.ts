/**
 * CSTA link at scale: time to monitor 10,000 devices (MonitorStart each, 32 in flight), time to
 * also snapshot them, and time to recover them after a link loss (reconnect, new session,
 * MonitorStart and SnapshotDevice for every device, resync events for calls that ended
 * meanwhile), against the PBX simulator in the same process over loopback TCP. Prints figures,
 * asserts nothing.
 * Run: npm run build && node dist/bench/csta-monitor.bench.js
 * (BENCH_DEVICES=20000, BENCH_CALLS=2000, BENCH_CONCURRENCY=64 to vary).
 */
import type { TelephonyEvent } from '@tws/contracts';
import { CstaLink, pbxProfile } from '@tws/csta-link';
import { createLogger } from '@tws/logging';
import { silentLogger, startSimulator, type PbxSimulator } from '@tws/pbx-simulator';

const DEVICES = Number(process.env['BENCH_DEVICES'] ?? 10_000);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const FIRST = 10_000;
const numbers = Array.from({ length: DEVICES }, (_, i) => String(FIRST + i));

function link(sim: PbxSimulator, snapshotOnFirstConnect: boolean, onEvents: (e: TelephonyEvent[]) => void): CstaLink {
  return new CstaLink({
    linkId: '11111111-1111-4111-8111-111111111111',
    domainId: '22222222-2222-4222-8222-222222222222',
    host: '127.0.0.1',
    port: sim.cstaPort,
    profile: pbxProfile('ECMA-323 XML'),
    logger: createLogger('bench', 'silent'),
    onEvents,
    concurrency: CONCURRENCY,
    snapshotOnFirstConnect,
    client: { backoffMs: 10, requestTimeoutMs: 30_000 },
  });
}

/** Resolves at the next linkState up event. */
function nextUp(waiters: (() => void)[]): Promise<void> {
  return new Promise((resolve) => waiters.push(resolve));
}

async function main() {
  const sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: numbers }, { log: silentLogger });
  const rows: Record<string, string | number>[] = [];
  try {
    for (const snapshot of [false, true]) {
      const waiters: (() => void)[] = [];
      const sut = link(sim, snapshot, (evts) => {
        if (evts.some((e) => e.kind === 'linkState' && e.linkUp)) waiters.splice(0).forEach((w) => w());
      });
      await sut.setDevices(numbers);
      const started = performance.now();
      const up = nextUp(waiters);
      sut.start();
      await up;
      const ms = performance.now() - started;
      rows.push({
        step: snapshot ? 'first connection: monitor + snapshot every device' : 'first connection: monitor every device',
        devices: sut.monitoredCount,
        ms: Math.round(ms),
        'devices/s': Math.round(sut.monitoredCount / (ms / 1000)),
      });
      await sut.close();
    }

    // Calls in progress, then the link is lost; a third of them end while it is down.
    let resync = 0;
    const waiters: (() => void)[] = [];
    const sut = link(sim, true, (evts) => {
      resync += evts.filter((e) => e.cause === 'resynchronized').length;
      if (evts.some((e) => e.kind === 'linkState' && e.linkUp)) waiters.splice(0).forEach((w) => w());
    });
    await sut.setDevices(numbers);
    let up = nextUp(waiters);
    sut.start();
    await up;
    const calls = [];
    for (let i = 0; i < Math.min(CALLS, DEVICES); i++) {
      const call = sim.model.placeCall(`+331551${String(i).padStart(5, '0')}`, numbers[i]!);
      sim.model.answer(numbers[i]!, call.callId);
      calls.push(call);
    }
    while (sut.calls.active < calls.length) await new Promise((r) => setTimeout(r, 5));

    up = nextUp(waiters);
    const lostAt = performance.now();
    sim.csta.dropLinks();
    for (const call of calls.filter((_, i) => i % 3 === 0)) sim.model.clearCall(call.callId);
    await up;
    const ms = performance.now() - lostAt;
    rows.push({
      step: `recovery after a link loss (${calls.length} calls up, ${Math.ceil(calls.length / 3)} ended meanwhile)`,
      devices: sut.monitoredCount,
      ms: Math.round(ms),
      'devices/s': Math.round(sut.monitoredCount / (ms / 1000)),
      'resync events': resync,
    });
    await sut.close();
  } finally {
    await sim.stop();
  }
  console.log(`CSTA link with ${DEVICES} devices, ${CONCURRENCY} requests in flight, simulator in-process over loopback, node ${process.version}`);
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
