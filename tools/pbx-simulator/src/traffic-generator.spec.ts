import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { PbxModel, type QueueConfig } from './pbx-model';
import { silentLogger } from './sim-log';
import { TrafficGenerator } from './traffic-generator';
import { seededRandom } from '@tws/seeded-random';

const seeded = seededRandom;

function harness(random: () => number, intervalMs = 60_000, queues: QueueConfig[] = []) {
  const model = new PbxModel(['4001', '4002', '4003'], { queues });
  const events: string[] = [];
  model.onEvent((device, e) => events.push(`${device} ${e.type}`));
  const sut = new TrafficGenerator(model, { intervalMs, random, log: silentLogger });
  return { model, events, sut };
}

describe('TrafficGenerator', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('places an incoming call, answers it after 1-3 s and hangs up after 2-10 s', () => {
    const { model, events, sut } = harness(() => 0.1);

    sut.start();
    assert.deepEqual(events.splice(0), ['4001 DeliveredEvent']);
    assert.match(model.calls()[0]!.callingDevice, /^\+33\d{9}$/);
    mock.timers.tick(1199);
    assert.deepEqual(events, []);
    mock.timers.tick(1);
    assert.deepEqual(events.splice(0), ['4001 EstablishedEvent']);
    mock.timers.tick(2800);
    sut.stop();

    assert.deepEqual(events, ['4001 ConnectionClearedEvent', '4001 CallClearedEvent']);
    assert.deepEqual(model.calls(), []);
  });

  it('places an outgoing call nobody answers, which the caller abandons', () => {
    const { model, events, sut } = harness(() => 0.9);

    sut.start();
    mock.timers.tick(13_899);
    assert.equal(model.calls().length, 1);
    mock.timers.tick(1);
    sut.stop();

    assert.deepEqual(events, [
      '4003 ServiceInitiatedEvent',
      '4003 OriginatedEvent',
      '4003 DeliveredEvent',
      '4003 ConnectionClearedEvent',
      '4003 CallClearedEvent',
    ]);
  });

  it('over many calls, mixes answered and missed calls in both directions and clears every one', () => {
    const { model, events, sut } = harness(seeded(42), 1000);

    sut.start();
    for (let i = 0; i < 120; i++) mock.timers.tick(1000);
    sut.stop();
    mock.timers.tick(60_000);

    const count = (type: string) => events.filter((e) => e.endsWith(type)).length;
    assert.ok(count('CallClearedEvent') > 20, `only ${count('CallClearedEvent')} calls`);
    assert.ok(count('EstablishedEvent') > 0);
    assert.ok(count('ServiceInitiatedEvent') > 0, 'some outgoing calls');
    assert.ok(count('DeliveredEvent') - count('EstablishedEvent') > 0, 'some missed calls');
    // Stopped: nothing left scheduled, so whatever is still up stays put.
    const left = model.calls().length;
    const before = events.length;
    mock.timers.tick(600_000);
    assert.equal(events.length, before);
    assert.equal(model.calls().length, left);
  });

  it('stop() cancels pending steps and later ticks', () => {
    const { model, events, sut } = harness(() => 0.1, 1000);

    sut.start();
    sut.stop();
    mock.timers.tick(100_000);

    assert.deepEqual(events, ['4001 DeliveredEvent']);
    assert.equal(model.calls().length, 1);
    assert.equal(sut.running, false);
  });

  it('tolerates a call hung up behind its back', () => {
    const { model, events, sut } = harness(() => 0.1);

    sut.start();
    model.clearCall(model.calls()[0]!.callId);
    mock.timers.tick(20_000);
    sut.stop();

    assert.deepEqual(events, ['4001 DeliveredEvent', '4001 CallClearedEvent']);
  });

  describe('with a queue', () => {
    const support: QueueConfig[] = [{ number: '4900', members: ['4001', '4002'] }];

    it('sends an incoming call to the queue; the member it is offered to answers, then someone hangs up', () => {
      const { model, events, sut } = harness(() => 0.1, 60_000, support);

      sut.start();
      const [call] = model.calls();
      assert.equal(call!.calledDevice, '4900');
      assert.deepEqual(events.splice(0), ['4900 QueuedEvent', '4900 DivertedEvent', '4001 DeliveredEvent']);
      mock.timers.tick(1200);
      assert.deepEqual(events.splice(0), ['4001 EstablishedEvent']);
      assert.equal(model.call(call!.callId)!.connections.find((c) => c.deviceId === '4001')!.state, 'connected');
      mock.timers.tick(2800);
      sut.stop();

      assert.deepEqual(events, ['4001 ConnectionClearedEvent', '4001 CallClearedEvent']);
      assert.deepEqual(model.calls(), []);
    });

    it('a call waiting for a busy queue is answered by the first member set free', () => {
      const { model, events, sut } = harness(() => 0.1, 60_000, support);
      const busy = model.placeCall('4001', '4002');
      model.answer('4002', busy.callId);
      events.length = 0;

      sut.start(); // 4003 is the idle device, the call goes to the queue
      const queued = model.calls().find((c) => c.calledDevice === '4900')!;
      assert.deepEqual(model.queue('4900')!.waiting.map((w) => w.callId), [queued.callId]);
      for (let s = 0; s < 5; s++) mock.timers.tick(1000);
      assert.equal(model.queue('4900')!.waiting.length, 1, 'still waiting: nobody is free');
      model.clearConnection('4002', busy.callId);
      events.length = 0;
      mock.timers.tick(1000);
      sut.stop();

      assert.ok(events.includes('4001 EstablishedEvent'), events.join(', '));
      assert.equal(model.call(queued.callId)!.connections.find((c) => c.deviceId === '4001')!.state, 'connected');
    });

    it('the caller gives up when no member is free for 30 s (and the queue has no max wait)', () => {
      const { model, sut } = harness(() => 0.1, 60_000, support);
      const busy = model.placeCall('4001', '4002');
      model.answer('4002', busy.callId);

      sut.start();
      const queued = model.calls().find((c) => c.calledDevice === '4900')!;
      mock.timers.tick(1200);
      for (let s = 0; s < 29; s++) mock.timers.tick(1000);
      assert.ok(model.call(queued.callId), 'still waiting after 30 s');
      mock.timers.tick(1000);
      sut.stop();

      assert.equal(model.call(queued.callId), undefined);
      assert.deepEqual(model.queue('4900')!.waiting, []);
    });

    it('over many calls, some incoming calls reach the queue and are answered by its members', () => {
      const { model, events, sut } = harness(seeded(7), 1000, [{ number: '4900', members: ['4001', '4002'], maxWaitMs: 20_000 }]);
      const queueCalls = new Set<string>();
      model.onEvent((device, e) => {
        if (device === '4900' && e.type === 'QueuedEvent') queueCalls.add((e as { queuedConnection: { callId: string } }).queuedConnection.callId);
      });
      const answeredByMember = new Set<string>();
      model.onEvent((device, e) => {
        if (e.type !== 'EstablishedEvent') return;
        const callId = (e as { establishedConnection: { callId: string } }).establishedConnection.callId;
        if (queueCalls.has(callId) && ['4001', '4002'].includes(device)) answeredByMember.add(callId);
      });

      sut.start();
      for (let i = 0; i < 200; i++) mock.timers.tick(1000);
      sut.stop();
      mock.timers.tick(60_000);

      const placed = events.filter((e) => e.endsWith('CallClearedEvent')).length;
      assert.ok(queueCalls.size >= 3, `only ${queueCalls.size} queue calls`);
      assert.ok(queueCalls.size < placed / 2, `${queueCalls.size} queue calls out of ${placed}: a share, not all`);
      assert.ok(answeredByMember.size >= 2, `only ${answeredByMember.size} queue calls answered by a member`);
      assert.ok(events.some((e) => e.startsWith('4003 EstablishedEvent')), 'direct calls go on');
    });
  });
});
