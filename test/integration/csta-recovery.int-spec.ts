import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESYNC_CAUSE } from '@tws/contracts';
import { waitFor } from '@tws/testing';
import { CstaHarness } from './csta-harness';
import { seededRandom } from '@tws/seeded-random';

/**
 * Recovery, end to end: cstaservices and eventservices as real processes, the PBX simulator as
 * a real process playing many calls, and the CSTA link killed again and again in the middle of
 * them (network cut with the PBX unreachable for a while, and once a PBX restart that loses
 * every call). After each loss every monitor must come back; at the end every call the suite
 * saw must be in the call log, closed, answered when it was, and no row may stay open.
 */
const DEVICES = Array.from({ length: 20 }, (_, i) => String(4001 + i));
const ROUNDS = Number(process.env.CSTA_RECOVERY_ROUNDS ?? 10);
const SEED = Number(process.env.CSTA_RECOVERY_SEED ?? 7);


/** A call the test plays on the simulator; `ext` (unique per call) finds its call-log row. */
interface Played {
  callId: string;
  device: string;
  ext: string;
  incoming: boolean;
  /** Placed while the link was up and every device monitored: the suite must log it. */
  visible: boolean;
  /** How the answer happened, if it did. */
  answered?: 'while-up' | 'during-outage';
  /** Still connected when the link came back (so the resync saw the answer). */
  connectedAtRecovery?: boolean;
  done: boolean;
}

describe(`CSTA recovery: the link killed ${ROUNDS} times during calls (seed ${SEED})`, () => {
  const h = new CstaHarness();
  const played: Played[] = [];
  const rnd = seededRandom(SEED);
  let extCounter = 0;

  before(async () => {
    await h.start({ simDevices: '4001-4020', devices: DEVICES, alsoStart: ['eventservices'] });
    await waitFor('every device monitored', () => h.allMonitored(DEVICES), 30_000);
  });
  after(() => h.stop());

  const busy = () => new Set(played.filter((p) => !p.done).map((p) => p.device));
  const idle = () => DEVICES.filter((d) => !busy().has(d));
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)]!;
  const nextExt = () => `+3315517${String(++extCounter).padStart(4, '0')}`;

  async function place(visible: boolean): Promise<Played | undefined> {
    const free = idle();
    if (free.length === 0) return undefined;
    const device = pick(free);
    const ext = nextExt();
    const incoming = rnd() < 0.6;
    const { callId } = await h.simPost('/calls', incoming ? { from: ext, to: device } : { from: device, to: ext });
    const p: Played = { callId, device, ext, incoming, visible, done: false };
    played.push(p);
    return p;
  }

  async function answer(p: Played, when: Played['answered']) {
    await h.simPost(`/devices/${encodeURIComponent(p.incoming ? p.device : p.ext)}/answer`, { callId: p.callId });
    p.answered = when;
  }

  async function hangUp(p: Played) {
    await h.simPost(`/calls/${p.callId}/hangup`);
    p.done = true;
  }

  /** Waits for the link to be back after event index `from`, with every monitor. */
  async function recovered(from: number) {
    await h.event('the link up again', (e) => e.kind === 'linkState' && e.linkUp === true, from, 30_000);
    await waitFor('every monitor back', () => h.allMonitored(DEVICES), 30_000);
  }

  test('every monitor returns after each loss, and no completed call is lost', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      // Link up: calls start; some are answered; some complete right away.
      for (let i = 0; i < 4; i++) {
        const p = await place(true);
        if (!p) break;
        if (rnd() < 0.6) await answer(p, 'while-up');
        if (rnd() < 0.3) await hangUp(p);
      }
      // Calls from earlier rounds end while the link is up.
      for (const p of played.filter((x) => !x.done && rnd() < 0.3)) await hangUp(p);

      const from = h.events.length;
      const restart = round === Math.floor(ROUNDS / 2);
      if (restart) {
        // The PBX restarts: every call and monitor is gone, call ids start again at 1.
        const { cstaPort } = h.sim;
        await h.sim.proc.stop();
        for (const p of played) p.done = true;
        await h.startSimulator(h.sim.args, cstaPort);
      } else {
        await h.simPost('/faults/drop-link', { refuseMs: 700 });
        // While the link is down: calls end, a ringing call is answered, a whole call comes and goes.
        const open = played.filter((x) => !x.done);
        for (const p of open.filter(() => rnd() < 0.4)) await hangUp(p);
        const ringing = open.find((p) => !p.done && !p.answered);
        if (ringing) await answer(ringing, 'during-outage');
        const unseen = await place(false);
        if (unseen) {
          await answer(unseen, 'during-outage');
          await hangUp(unseen);
        }
      }

      await recovered(from);
      for (const p of played) if (!p.done && p.answered) p.connectedAtRecovery ??= true;
    }
    for (const p of played.filter((x) => !x.done)) await hangUp(p);

    const visible = played.filter((p) => p.visible);
    assert.ok(visible.length >= ROUNDS * 3, `${visible.length} calls played`);
    const rows = await waitFor(
      'every call seen by the suite closed in the call log',
      async () => {
        const r = await h.pg.query(`SELECT device, remote_number, direction, answered, ended_at FROM call_log`);
        const open = r.rows.filter((x) => x.ended_at === null);
        const missing = visible.filter((p) => !r.rows.some((x) => x.device === p.device && x.remote_number === p.ext));
        return open.length === 0 && missing.length === 0 ? r.rows : undefined;
      },
      60_000,
      200,
    ).catch(async (e) => {
      const r = await h.pg.query(`SELECT device, remote_number, answered, ended_at FROM call_log WHERE ended_at IS NULL`);
      throw new Error(`${(e as Error).message}; open rows: ${JSON.stringify(r.rows)}`);
    });

    for (const p of visible) {
      const row = rows.find((x) => x.device === p.device && x.remote_number === p.ext)!;
      assert.equal(row.direction, p.incoming ? 'incoming' : 'outgoing', `${p.ext} at ${p.device}`);
      if (p.answered === 'while-up' || (p.answered === 'during-outage' && p.connectedAtRecovery)) {
        assert.equal(row.answered, true, `${p.ext} at ${p.device} was answered (${p.answered})`);
      }
    }
    const resynced = h.events.filter((e) => e.cause === RESYNC_CAUSE);
    assert.ok(resynced.some((e) => e.kind === 'callCleared'), 'calls that ended during an outage were closed by the resync');
    assert.ok(resynced.some((e) => e.kind === 'established'), 'an answer during an outage was recovered by the resync');
    const downs = h.events.filter((e) => e.kind === 'linkState' && e.linkUp === false).length;
    assert.ok(downs >= ROUNDS, `${downs} link losses published`);
  });
});
