import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CstaMessage } from '@tws/csta';
import { get, post } from './control-api-test-client';
import { CstaTestClient } from './csta-test-client';
import { PbxError, PbxModel, type QueueConfig } from './pbx-model';
import { modelHarness } from './pbx-model-test-harness';
import { silentLogger } from './sim-log';
import { startSimulator } from './simulator';

const EXT = '+33155171889';
const EXT2 = '+33155171890';
const Q = '4900';

/** The model with the queue Q (members 4001 and 4002 unless `queue` says otherwise). */
function harness(queue: Partial<QueueConfig> = {}, options: { noAnswerMs?: number } = {}) {
  return modelHarness({ ...options, queues: [{ number: Q, members: ['4001', '4002'], ...queue }] });
}

describe('PbxModel queues: event tables', () => {
  it('a network call to a queue with a free member: Queued at the queue, Diverted (distributed), Delivered at the member', () => {
    const { sut, events, trace } = harness();

    const call = sut.placeCall(EXT, Q);

    assert.deepEqual(
      events.map((e) => [e.device, e.event]),
      [
        [
          Q,
          {
            type: 'QueuedEvent',
            queuedConnection: { callId: call.callId, deviceId: Q },
            queue: Q,
            callingDevice: EXT,
            calledDevice: Q,
            numberQueued: 1,
            localConnectionInfo: 'queued',
            cause: 'enteringDistribution',
          },
        ],
        [
          Q,
          {
            type: 'DivertedEvent',
            connection: { callId: call.callId, deviceId: Q },
            divertingDevice: Q,
            newDestination: '4001',
            callingDevice: EXT,
            calledDevice: Q,
            lastRedirectionDevice: Q,
            localConnectionInfo: 'null',
            cause: 'distributed',
          },
        ],
        [
          '4001',
          {
            type: 'DeliveredEvent',
            connection: { callId: call.callId, deviceId: '4001' },
            alertingDevice: '4001',
            callingDevice: EXT,
            calledDevice: Q,
            lastRedirectionDevice: Q,
            localConnectionInfo: 'alerting',
            cause: 'distributed',
          },
        ],
      ],
    );
    trace();
    sut.answer('4001');
    sut.clearConnection(EXT);

    assert.deepEqual(trace(), [
      ['4001', 'EstablishedEvent', 'connected', 'redirected'],
      ['4001', 'ConnectionClearedEvent', 'connected', 'normalClearing'],
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
    assert.equal(sut.calls().length, 0);
    assert.deepEqual(sut.queue(Q)?.waiting, []);
  });

  it('members busy: calls wait in arrival order and go to the first member freed, after the events that freed it', () => {
    const { sut, trace, busy } = harness();
    const first = busy('4001');
    const second = busy('4002');

    const a = sut.placeCall(EXT, Q);
    const b = sut.placeCall(EXT2, Q);
    assert.deepEqual(trace(), [
      [Q, 'QueuedEvent', 'queued', 'enteringDistribution'],
      [Q, 'QueuedEvent', 'queued', 'enteringDistribution'],
    ]);
    assert.deepEqual(sut.queue(Q)!.waiting.map((w) => w.callId), [a.callId, b.callId]);
    assert.deepEqual(sut.snapshotDevice(Q), [
      { callId: a.callId, state: 'queued' },
      { callId: b.callId, state: 'queued' },
    ]);

    sut.clearConnection('4002', second);
    assert.deepEqual(trace(), [
      ['4002', 'ConnectionClearedEvent', 'null', 'normalClearing'],
      ['4002', 'CallClearedEvent', 'null', 'normalClearing'],
      [Q, 'DivertedEvent', 'null', 'distributed'],
      ['4002', 'DeliveredEvent', 'alerting', 'distributed'],
    ]);
    assert.deepEqual(sut.snapshotDevice('4002'), [{ callId: a.callId, state: 'alerting' }], 'the oldest call goes first');

    sut.clearConnection('4001', first);
    trace();
    assert.deepEqual(sut.snapshotDevice('4001'), [{ callId: b.callId, state: 'alerting' }]);
    assert.deepEqual(sut.queue(Q)!.waiting, []);
  });

  it('numberQueued counts the calls in the queue', () => {
    const { sut, events, busy } = harness();
    busy('4001');
    busy('4002');

    sut.placeCall(EXT, Q);
    sut.placeCall(EXT2, Q);

    assert.deepEqual(
      events.map((e) => (e.event.type === 'QueuedEvent' ? e.event.numberQueued : undefined)),
      [1, 2],
    );
  });

  it('the caller hangs up while queued: the queue sees ConnectionCleared then CallCleared, and the call leaves the queue', () => {
    const { sut, trace, busy } = harness();
    busy('4001');
    busy('4002');
    sut.placeCall(EXT, Q);
    trace();

    sut.clearConnection(EXT);

    assert.deepEqual(trace(), [
      [Q, 'ConnectionClearedEvent', 'queued', 'normalClearing'],
      [Q, 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
    assert.deepEqual(sut.queue(Q)!.waiting, []);
    assert.deepEqual(sut.snapshotDevice(Q), []);
  });

  it('an internal caller sees its own side: ServiceInitiated, Originated, Queued (connected), then the distribution', () => {
    const { sut, trace } = harness();

    sut.placeCall('4003', Q);

    assert.deepEqual(trace(), [
      ['4003', 'ServiceInitiatedEvent', 'initiated', 'newCall'],
      ['4003', 'OriginatedEvent', 'connected', 'newCall'],
      ['4003', 'QueuedEvent', 'connected', 'enteringDistribution'],
      [Q, 'QueuedEvent', 'queued', 'enteringDistribution'],
      ['4003', 'DivertedEvent', 'connected', 'distributed'],
      [Q, 'DivertedEvent', 'null', 'distributed'],
      ['4003', 'DeliveredEvent', 'connected', 'distributed'],
      ['4001', 'DeliveredEvent', 'alerting', 'distributed'],
    ]);
  });

  it('a member who does not answer: the call goes back to the head of the queue and to the next free member', () => {
    const { sut, trace } = harness();
    const call = sut.placeCall(EXT, Q);
    trace();

    sut.noAnswer('4001');

    assert.deepEqual(trace(), [
      ['4001', 'DivertedEvent', 'null', 'callNotAnswered'],
      [Q, 'QueuedEvent', 'queued', 'callNotAnswered'],
      [Q, 'DivertedEvent', 'null', 'distributed'],
      ['4002', 'DeliveredEvent', 'alerting', 'distributed'],
    ]);
    assert.deepEqual(sut.snapshotDevice('4002'), [{ callId: call.callId, state: 'alerting' }]);
    // Nobody else is left: it comes back to the member who did not answer.
    sut.noAnswer('4002');
    assert.deepEqual(sut.snapshotDevice('4001'), [{ callId: call.callId, state: 'alerting' }]);
  });

  it('the ring timer sends an unanswered queue call to the next member by itself', async () => {
    const { sut } = harness({}, { noAnswerMs: 20 });
    const call = sut.placeCall(EXT, Q);
    try {
      const deadline = Date.now() + 2000;
      while (sut.snapshotDevice('4002').length === 0) {
        if (Date.now() > deadline) assert.fail('the call never reached 4002');
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.deepEqual(sut.snapshotDevice('4002'), [{ callId: call.callId, state: 'alerting' }]);
    } finally {
      sut.dispose();
    }
  });

  it('linear hunting offers every call to the first free member; circular goes round', () => {
    const linear = harness();
    linear.sut.clearCall(linear.sut.placeCall(EXT, Q).callId);
    linear.sut.placeCall(EXT2, Q);
    assert.equal(linear.sut.snapshotDevice('4001').length, 1);

    const circular = harness({ strategy: 'circular' });
    circular.sut.clearCall(circular.sut.placeCall(EXT, Q).callId);
    circular.sut.placeCall(EXT2, Q);
    assert.equal(circular.sut.snapshotDevice('4001').length, 0);
    assert.equal(circular.sut.snapshotDevice('4002').length, 1);
  });

  it('skips a member in do not disturb; a member switching it off, or added to the queue, takes the waiting call', () => {
    const { sut, trace } = harness({ members: ['4001'] });
    sut.setDoNotDisturb('4001', true);
    const call = sut.placeCall(EXT, Q);
    assert.deepEqual(sut.queue(Q)!.waiting.map((w) => w.callId), [call.callId]);

    sut.setQueue({ number: Q, members: ['4001', '4003'] });
    assert.deepEqual(sut.snapshotDevice('4003'), [{ callId: call.callId, state: 'alerting' }]);

    sut.clearCall(call.callId);
    const next = sut.placeCall(EXT2, Q);
    sut.setDoNotDisturb('4003', true);
    assert.equal(sut.snapshotDevice('4003')[0]?.state, 'alerting', 'a call already ringing keeps ringing');
    sut.noAnswer('4003');
    trace();
    sut.setDoNotDisturb('4001', false);
    assert.deepEqual(trace(), [
      ['4001', 'DoNotDisturbEvent', undefined, undefined],
      [Q, 'DivertedEvent', 'null', 'distributed'],
      ['4001', 'DeliveredEvent', 'alerting', 'distributed'],
    ]);
    assert.deepEqual(sut.snapshotDevice('4001'), [{ callId: next.callId, state: 'alerting' }]);
  });

  it('max wait with an overflow destination: Diverted (overflow) at the queue, then the destination rings', () => {
    const { sut, trace, busy } = harness({ overflow: '4003', maxWaitMs: 60_000 });
    busy('4001');
    busy('4002');
    const call = sut.placeCall(EXT, Q);
    trace();

    sut.queueTimeout(Q);

    assert.deepEqual(trace(), [
      [Q, 'DivertedEvent', 'null', 'overflow'],
      ['4003', 'DeliveredEvent', 'alerting', 'redirected'],
    ]);
    assert.deepEqual(sut.snapshotDevice('4003'), [{ callId: call.callId, state: 'alerting' }]);
    assert.deepEqual(sut.queue(Q)!.waiting, []);
    sut.dispose();
  });

  it('max wait without overflow: the call fails (noAvailableAgents) when the timer runs out', async () => {
    const { sut, trace, busy } = harness({ maxWaitMs: 20 });
    busy('4001');
    busy('4002');
    sut.placeCall('4003', Q);
    trace();

    const deadline = Date.now() + 2000;
    while (sut.queue(Q)!.waiting.length > 0) {
      if (Date.now() > deadline) assert.fail('the max wait never ran out');
      await new Promise((r) => setTimeout(r, 5));
    }

    assert.deepEqual(trace(), [
      ['4003', 'FailedEvent', 'fail', 'noAvailableAgents'],
      [Q, 'FailedEvent', 'null', 'noAvailableAgents'],
    ]);
    assert.deepEqual(sut.snapshotDevice('4003').map((c) => c.state), ['fail'], 'the caller hears the busy tone until it hangs up');
  });

  it('max wait 0: a call nobody can take fails at once; a network caller is released', () => {
    const { sut, trace, busy } = harness({ maxWaitMs: 0 });
    busy('4001');
    busy('4002');

    sut.placeCall(EXT, Q);

    assert.deepEqual(trace(), [
      [Q, 'QueuedEvent', 'queued', 'enteringDistribution'],
      [Q, 'FailedEvent', 'null', 'noAvailableAgents'],
    ]);
    assert.equal(sut.calls().length, 2, 'only the two busy calls are left');
  });

  it('a blind transfer to the queue queues the call; a queue forwarding loop ends as a failure', () => {
    const { sut, trace } = harness({ members: [] });
    const call = sut.placeCall(EXT, '4003');
    sut.answer('4003');
    trace();

    const moved = sut.singleStepTransfer('4003', Q, call.callId);

    assert.deepEqual(trace(), [
      ['4003', 'TransferedEvent', 'null', 'singleStepTransfer'],
      [Q, 'QueuedEvent', 'queued', 'enteringDistribution'],
    ]);
    assert.deepEqual(sut.queue(Q)!.waiting.map((w) => w.callId), [moved.callId]);

    const loop = new PbxModel(['4001'], {
      queues: [
        { number: '4900', members: [], maxWaitMs: 0, overflow: '4901' },
        { number: '4901', members: [], maxWaitMs: 0, overflow: '4900' },
      ],
    });
    loop.placeCall(EXT, '4900');
    assert.deepEqual(loop.calls(), []);
  });

  it('a waiting call transferred by its internal caller keeps its place in the queue under its new id', () => {
    const { sut, trace, busy } = harness();
    const first = busy('4001');
    busy('4002');
    const queued = sut.placeCall('4003', Q);
    const consult = sut.consult('4003', EXT2, queued.callId);
    sut.answer(EXT2, consult.callId);
    trace();

    const merged = sut.transfer('4003', queued.callId, consult.callId);

    assert.deepEqual(trace(), [
      ['4003', 'TransferedEvent', 'null', 'transfer'],
      [Q, 'TransferedEvent', 'queued', 'transfer'],
    ]);
    assert.deepEqual(sut.queue(Q)!.waiting.map((w) => w.callId), [merged.callId]);
    sut.clearConnection('4001', first);
    assert.deepEqual(sut.snapshotDevice('4001'), [{ callId: merged.callId, state: 'alerting' }]);
    assert.equal(sut.call(merged.callId)!.connections.find((c) => c.deviceId === EXT2)?.state, 'connected');
  });

  it('a queue is monitorable and callable but places no call; bad queue settings are refused', () => {
    const { sut, busy } = harness();
    assert.ok(sut.isInternal(Q));
    assert.ok(!sut.devices.includes(Q), 'the queue is not a phone');

    const refused: [() => unknown, RegExp][] = [
      [() => sut.placeCall(Q, '4001'), /4900 is a queue/],
      [() => sut.setQueue({ number: '4001', members: [] }), /4001 is a device/],
      [() => sut.setQueue({ number: '4901', members: ['4009'] }), /members: 4009 is not a device/],
      [() => sut.setQueue({ number: '4901', members: ['4001', '4001'] }), /listed twice/],
      [() => sut.setQueue({ number: '4901', members: [], maxWaitMs: -1 }), /maxWaitMs/],
      [() => sut.setQueue({ number: '4901', members: [], overflow: '4901' }), /overflow/],
      [() => sut.setQueue({ number: '4901', members: [], strategy: 'random' as never }), /strategy/],
      [() => sut.queueTimeout(Q), /no call is waiting/],
      [() => sut.queueTimeout('4999'), /does not exist/],
    ];
    for (const [op, message] of refused) assert.throws(op, (e: unknown) => e instanceof PbxError && message.test(e.message));

    busy('4001');
    busy('4002');
    sut.placeCall(EXT, Q);
    assert.throws(() => sut.removeQueue(Q), /still has calls/);
    for (const c of sut.calls()) sut.clearCall(c.callId);
    sut.removeQueue(Q);
    assert.ok(!sut.isInternal(Q));
  });
});

describe('queues over CSTA and the control API', () => {
  it('a monitored queue device reports Queued then Diverted on the wire; the member gets Delivered; SnapshotDevice shows queued', async () => {
    const sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['4001', '4002'], queues: [{ number: Q, members: ['4001'] }] }, { log: silentLogger });
    const client = await CstaTestClient.connect(sim.cstaPort);
    try {
      const monitor = async (device: string) => {
        const r = await client.request({ type: 'MonitorStart', deviceObject: device });
        assert.equal(r.type, 'MonitorStartResponse', JSON.stringify(r));
        return (r as Extract<CstaMessage, { type: 'MonitorStartResponse' }>).monitorCrossRefId;
      };
      const xq = await monitor(Q);
      const x1 = await monitor('4001');
      const busy = await post(sim, '/calls', { from: EXT2, to: '4001' });
      await post(sim, '/devices/4001/answer');
      await client.events(2, x1);

      const { callId } = (await post(sim, '/calls', { from: EXT, to: Q })).body;
      const [queued] = await client.events(1, xq);
      assert.deepEqual(queued, {
        type: 'QueuedEvent',
        monitorCrossRefId: xq,
        queuedConnection: { callId, deviceId: Q },
        queue: Q,
        callingDevice: EXT,
        calledDevice: Q,
        numberQueued: 1,
        localConnectionInfo: 'queued',
        cause: 'enteringDistribution',
      });
      assert.deepEqual(await client.request({ type: 'SnapshotDevice', snapshotObject: Q }), {
        type: 'SnapshotDeviceResponse',
        calls: [{ connection: { callId, deviceId: Q }, localConnectionState: 'queued' }],
      });
      const listed = (await get(sim, '/queues')).queues;
      assert.deepEqual(
        listed.map((q: any) => [q.number, q.members, q.monitors, q.waiting.map((w: any) => w.callId)]),
        [[Q, ['4001'], 1, [callId]]],
      );

      await post(sim, `/calls/${busy.body.callId}/hangup`);
      const atMember = await client.events(2, x1);
      const [diverted] = await client.events(1, xq);

      assert.deepEqual(
        atMember.map((e) => [e.type, e.localConnectionInfo, e.cause]),
        [
          ['CallClearedEvent', 'null', 'normalClearing'],
          ['DeliveredEvent', 'alerting', 'distributed'],
        ],
      );
      assert.deepEqual(diverted, {
        type: 'DivertedEvent',
        monitorCrossRefId: xq,
        connection: { callId, deviceId: Q },
        divertingDevice: Q,
        newDestination: '4001',
        callingDevice: EXT,
        calledDevice: Q,
        lastRedirectionDevice: Q,
        localConnectionInfo: 'null',
        cause: 'distributed',
      });
      // The Diverted at the queue went out before the Delivered at the member.
      const order = client.received.map((r) => r.message.type);
      assert.ok(order.lastIndexOf('DivertedEvent') < order.lastIndexOf('DeliveredEvent'));
    } finally {
      await client.close();
      await sim.stop();
    }
  });
});

describe('queue control API', () => {
  it('GET/POST/DELETE /queues and POST /queues/:number/timeout; bad input is a 400 naming the field', async () => {
    const sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['4001', '4002', '4003'] }, { log: silentLogger });
    try {
      assert.deepEqual(await get(sim, '/queues'), { queues: [] });

      const created = await post(sim, '/queues', { number: Q, members: ['4001'], maxWaitMs: 60000, overflow: '4003' });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body, { number: Q, members: ['4001'], strategy: 'linear', maxWaitMs: 60000, overflow: '4003', waiting: [] });
      const changed = await post(sim, '/queues', { number: Q, members: ['4001', '4002'], strategy: 'circular' });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.strategy, 'circular');
      assert.equal((await get(sim, `/queues/${Q}`)).monitors, 0);

      await post(sim, '/devices/4001/dnd', { on: true });
      await post(sim, '/devices/4002/dnd', { on: true });
      const { callId } = (await post(sim, '/calls', { from: EXT, to: Q })).body;
      assert.equal((await get(sim, `/devices/${Q}`)).calls[0].state, 'queued');
      assert.equal((await post(sim, `/queues/${Q}`, {}, 'DELETE')).status, 409);
      const timedOut = await post(sim, `/queues/${Q}/timeout`, { callId });
      assert.deepEqual(timedOut, { status: 200, body: { callId } });
      assert.equal((await post(sim, `/queues/${Q}/timeout`)).status, 409);
      assert.equal((await post(sim, `/queues/${Q}`, {}, 'DELETE')).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${sim.httpPort}/queues/${Q}`)).status, 404);

      const bad: [unknown, number, RegExp][] = [
        [{ members: [] }, 400, /^number: required/],
        [{ number: Q, members: '4001' }, 400, /^members: must be an array/],
        [{ number: Q, members: [42] }, 400, /^members\[0\]: must be a device number/],
        [{ number: Q, members: ['4009'] }, 400, /^members: 4009 is not a device/],
        [{ number: '4001', members: [] }, 400, /^number: 4001 is a device/],
        [{ number: Q, members: [], strategy: 'random' }, 400, /^strategy: one of linear, circular/],
        [{ number: Q, members: [], maxWaitMs: -5 }, 400, /^maxWaitMs: /],
        [{ number: Q, members: [], colour: 'red' }, 400, /^colour: unknown field/],
      ];
      for (const [body, status, message] of bad) {
        const r = await post(sim, '/queues', body);
        assert.equal(r.status, status, JSON.stringify(body));
        assert.match(r.body.error, message);
      }
    } finally {
      await sim.stop();
    }
  });
});
