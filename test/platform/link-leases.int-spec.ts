import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LINK_LEASE_BUCKET } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { LinkLeases, Messaging, type LocalNatsServer } from '@tws/messaging';
import { startTestNats, waitFor } from '@tws/testing';

const TTL_MS = 1500;
const LINKS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];

/**
 * Link ownership by lease against a real nats-server: every link has exactly one owner, links
 * spread over the instances, a dead owner's links are taken after the TTL, a released one at once.
 */
describe('LinkLeases: link ownership among instances over NATS KV', () => {
  let nats: LocalNatsServer;
  const connections: Messaging[] = [];
  const started: LinkLeases[] = [];

  before(async () => {
    nats = await startTestNats();
  });
  after(async () => {
    // A "killed" one included: its timers would keep the process alive.
    for (const l of started) await l.stop().catch(() => undefined);
    for (const c of connections) await c.drain();
    await nats.stop();
  });

  async function instance(name: string, service = 'svc'): Promise<{ leases: LinkLeases; messaging: Messaging; changes: number[] }> {
    const messaging = await Messaging.connect({ servers: nats.url, name, logger: createLogger(name, 'silent') });
    connections.push(messaging);
    const changes: number[] = [];
    const leases = new LinkLeases({ kv: await messaging.kv(LINK_LEASE_BUCKET), service, instance: name, ttlMs: TTL_MS, logger: createLogger(name, 'silent'), onChange: () => changes.push(leases.ownedLinks().length) });
    started.push(leases);
    leases.setWanted(LINKS);
    leases.start();
    return { leases, messaging, changes };
  }

  /** Each link owned by exactly one of `all`, and every link owned. */
  const exactlyOnce = (all: LinkLeases[]) => {
    const owners = LINKS.map((id) => all.filter((l) => l.owns(id)).length);
    return owners.every((n) => n === 1);
  };

  test('two instances: every link owned once, spread 2/1; a killed owner is replaced after the TTL; a release is taken at once', async () => {
    const a = await instance('node-a');
    await waitFor('node-a owns every link', () => a.leases.ownedLinks().length === 3, 5000);
    const b = await instance('node-b');
    await waitFor('the links spread over both instances', () => exactlyOnce([a.leases, b.leases]) && b.leases.ownedLinks().length >= 1 && a.leases.ownedLinks().length >= 1, 10_000);
    assert.deepEqual(
      [a.leases.ownedLinks().length, b.leases.ownedLinks().length].sort(),
      [1, 2],
      'fair share: ceil(3 / 2)',
    );

    // "Kill" b: its connection closes without releasing anything.
    const bLinks = b.leases.ownedLinks();
    await b.messaging.nc.close();
    const killedAt = performance.now();
    await waitFor('node-a takes the dead instance links over', () => bLinks.every((id) => a.leases.owns(id)), 10_000);
    const took = performance.now() - killedAt;
    assert.ok(took >= TTL_MS * 0.5, `not before the lease could expire (${Math.round(took)} ms)`);
    assert.ok(took < TTL_MS * 3 + 1000, `within the TTL and a renewal or two (${Math.round(took)} ms)`);

    // A third instance comes, a graceful stop of it hands its links back at once.
    const c = await instance('node-c');
    await waitFor('node-c gets its share', () => c.leases.ownedLinks().length >= 1 && exactlyOnce([a.leases, c.leases]), 10_000);
    assert.deepEqual(c.leases.liveInstances(), ['node-a', 'node-c'], 'a newcomer does not count the dead instance (ages are on the server clock)');
    const cLinks = c.leases.ownedLinks();
    started.splice(started.indexOf(c.leases), 1);
    const stoppedAt = performance.now();
    await c.leases.stop();
    await waitFor('node-a takes the released links', () => cLinks.every((id) => a.leases.owns(id)), 5000);
    assert.ok(performance.now() - stoppedAt < TTL_MS * 0.8, 'released leases are taken before any TTL could pass');
  });

  test('leases are per service: another service owns the same link ids on its own', async () => {
    const other = await instance('other-1', 'othersvc');
    await waitFor('the other service owns every link too', () => other.leases.ownedLinks().length === 3, 5000);
  });

  test('a link no longer wanted is released', async () => {
    const x = await instance('only-one', 'lonesvc');
    await waitFor('owns all', () => x.leases.ownedLinks().length === 3, 5000);
    x.leases.setWanted(LINKS.slice(0, 1));
    await waitFor('keeps only the wanted link', () => x.leases.ownedLinks().join() === LINKS[0], 5000);
    const kv = await x.messaging.kv(LINK_LEASE_BUCKET);
    const gone = await kv.get(`lonesvc.link.${LINKS[1]}`);
    assert.ok(!gone || gone.operation !== 'PUT', 'its key was deleted');
  });
});
