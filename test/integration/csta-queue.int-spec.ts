import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigChanges } from '@tws/contracts';
import { waitFor } from '@tws/testing';
import { CstaHarness } from './csta-harness';

const EXT = '+33155171889';
const QUEUE = '4900';

/**
 * A queue of the PBX simulator (`--queue 4900=4001`), configured in the suite as a phone queue
 * supervised with CSTA, is monitored by cstaservices like any device: a call that waits in the queue is published as `queued` at the queue, then `diverted`
 * away from it and `delivered` at the member.
 */
describe('cstaservices and a PBX queue', () => {
  const h = new CstaHarness();

  before(async () => {
    await h.start({ simDevices: '4001-4002', simArgs: ['--queue', `${QUEUE}=4001`], devices: ['4001'] });
    // The queue as an administrator configures it (guide 9.2.2): a phone queue whose device is supervised with CSTA.
    const queue = await h.pg.query(`INSERT INTO phone_queue (domain_id, name, number, protocol) VALUES ($1, 'Standard', $2, 'CSTA') RETURNING id`, [h.domainId, QUEUE]);
    h.messaging.publish(ConfigChanges, ['phone-queue'], { entity: 'phone-queue', id: queue.rows[0].id, domainId: h.domainId, change: 'created' });
    await waitFor('4001 and the queue monitored', async () => {
      const { monitors } = (await h.simGet(`/queues/${QUEUE}`)) as { monitors: number };
      return monitors === 1 && (await h.allMonitored(['4001']));
    }, 20_000);
  });
  after(() => h.stop());

  test('a call waiting in the queue: queued at the queue, then diverted to the member and delivered there', async () => {
    // 4001, the only member, is busy: the next call waits.
    const busy = await h.simPost('/calls', { from: '+33155170001', to: '4001' });
    await h.simPost('/devices/4001/answer', { callId: busy.callId });
    const from = h.events.length;

    await h.simPost('/calls', { from: EXT, to: QUEUE });
    const queued = await h.event('queued at the queue', (e) => e.device === QUEUE && e.kind === 'queued', from);
    assert.deepEqual([queued.localState, queued.cause, queued.callingNumber, queued.calledNumber], ['queued', 'enteringDistribution', EXT, QUEUE]);

    await h.simPost(`/calls/${busy.callId}/hangup`);
    const diverted = await h.event('diverted from the queue', (e) => e.device === QUEUE && e.kind === 'diverted', from);
    const delivered = await h.event('delivered at the member', (e) => e.device === '4001' && e.kind === 'delivered' && e.cause === 'distributed', from);
    // One call throughout, one reference: the queue, the only monitored party, left the call before
    // the member was reached, and the member's leg continues it.
    assert.equal(delivered.callRef, queued.callRef);
    assert.deepEqual([diverted.callRef, diverted.localState, diverted.cause, diverted.alertingDevice], [queued.callRef, 'null', 'distributed', '4001']);
    assert.deepEqual([delivered.localState, delivered.cause, delivered.calledNumber], ['alerting', 'distributed', QUEUE]);
    assert.ok(h.events.indexOf(queued) < h.events.indexOf(diverted) && h.events.indexOf(diverted) < h.events.indexOf(delivered));

    assert.deepEqual(await h.command('4001', { command: 'answerCall', callRef: delivered.callRef! }), { callRef: delivered.callRef });
    await h.event('established at the member', (e) => e.device === '4001' && e.kind === 'established' && e.callRef === delivered.callRef, from);
  });
});
