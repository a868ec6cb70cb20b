import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigChanges, CtiDeviceStates, CtiPduTrace, CtiProviderStates, LINK_EVENT_DEVICE, RESYNC_CAUSE, type TelephonyEvent } from '@tws/contracts';
import { RemoteError } from '@tws/messaging';
import { waitFor } from '@tws/testing';
import { CstaHarness } from './csta-harness';

const EXT = '+33155171889';

/**
 * Every call-control, feature and snapshot service of cstaservices, as a real process, against
 * the PBX simulator as a real process: commands go over NATS as the toolkit sends them, and the
 * normalized events are read back from the telephony stream.
 */
describe('cstaservices services against the PBX simulator', () => {
  const h = new CstaHarness();
  const traceDir = mkdtempSync(join(tmpdir(), 'tws-csta-trace-'));

  before(async () => {
    await h.start({ simDevices: '4001-4006', devices: ['4001', '4002', '4003'], env: { TWS_CSTA_TRACE_DIR: traceDir } });
    await waitFor('every device monitored', () => h.allMonitored(['4001', '4002', '4003']), 20_000);
    await h.event('the link up event', (e) => e.kind === 'linkState' && e.linkUp === true);
  });
  after(async () => {
    await h.stop();
    rmSync(traceDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const c of (await h.simGet('/calls')).calls) await h.simPost(`/calls/${c.callId}/hangup`).catch(() => undefined);
  });

  /** The next event of `device` with this kind (and local state), from index `from` on. */
  const next = (device: string, kind: TelephonyEvent['kind'], from: number, localState?: TelephonyEvent['localState']) =>
    h.event(`${kind}${localState ? `/${localState}` : ''} at ${device}`, (e) => e.device === device && e.kind === kind && (localState === undefined || e.localState === localState), from);

  /** An outside call answered at 4001 through the AnswerCall command; returns its reference. */
  async function answeredAt4001(): Promise<string> {
    const from = h.events.length;
    await h.simPost('/calls', { from: EXT, to: '4001' });
    const ref = (await next('4001', 'delivered', from)).callRef!;
    assert.deepEqual(await h.command('4001', { command: 'answerCall', callRef: ref }), { callRef: ref });
    await next('4001', 'established', from);
    return ref;
  }

  test('the link publishes its state: linkState up, and provider and device states over NATS (guide 10.4, 10.5)', async () => {
    // Devices may be configured just after the link comes up: the link then reports the new count.
    const up = await waitFor('a linkState event with the three devices monitored', () => h.events.find((e) => e.kind === 'linkState' && e.monitoredDevices === 3));
    assert.equal(up.device, LINK_EVENT_DEVICE);

    const { providers } = (await h.messaging.request(CtiProviderStates, [], {})) as { providers: any[] };
    assert.equal(providers.length, 1);
    assert.deepEqual(
      { host: providers[0].host, port: providers[0].port, connected: providers[0].connected, current: providers[0].monitoredDevices, count: providers[0].capacity, domain: providers[0].domainName },
      { host: '127.0.0.1', port: h.sim.cstaPort, connected: true, current: 3, count: 500, domain: 'acme.local' },
    );
    const { devices } = (await h.messaging.request(CtiDeviceStates, [], { first: '4002', last: '4003' })) as { devices: any[] };
    assert.deepEqual(devices.map((d) => [d.device, d.state, d.provider, d.type]), [
      ['4002', 'connected', '127.0.0.1', 'cti'],
      ['4003', 'connected', '127.0.0.1', 'cti'],
    ]);
  });

  test('intercom group devices and phone queues configured with CSTA are monitored too; other protocols are not', async () => {
    const group = await h.pg.query(`INSERT INTO intercom_group (domain_id, name) VALUES ($1, 'Reception') RETURNING id`, [h.domainId]);
    await h.pg.query(`INSERT INTO intercom_group_device (group_id, domain_id, number, protocol) VALUES ($1, $2, '4004', 'CSTA'), ($1, $2, '4006', 'SIP')`, [
      group.rows[0].id,
      h.domainId,
    ]);
    await h.pg.query(`INSERT INTO phone_queue (domain_id, name, number, protocol) VALUES ($1, 'Hotline', '4005', 'CSTA')`, [h.domainId]);
    h.messaging.publish(ConfigChanges, ['phone-queue'], { entity: 'phone-queue', id: group.rows[0].id, domainId: h.domainId, change: 'created' });
    await waitFor('the group device and the queue monitored', () => h.allMonitored(['4004', '4005']), 20_000);
    assert.equal((await h.simGet('/devices/4006')).monitors, 0, 'a SIP device of the group is not for the CSTA link');

    await h.pg.query(`DELETE FROM intercom_group WHERE id = $1`, [group.rows[0].id]);
    await h.pg.query(`DELETE FROM phone_queue WHERE domain_id = $1`, [h.domainId]);
    h.messaging.publish(ConfigChanges, ['phone-queue'], { entity: 'phone-queue', id: group.rows[0].id, domainId: h.domainId, change: 'deleted' });
    await waitFor('monitors of the removed numbers stopped', async () => (await h.simGet('/devices/4004')).monitors === 0 && (await h.simGet('/devices/4005')).monitors === 0);
  });

  test('MakeCall, AnswerCall, HoldCall, RetrieveCall, ClearConnection', async () => {
    const from = h.events.length;
    const { callRef } = await h.command('4001', { command: 'makeCall', destination: '4002' });
    const delivered = await next('4002', 'delivered', from);
    assert.equal(delivered.callRef, callRef, 'both parties know the call by one reference');
    assert.equal(delivered.callingNumber, '4001');

    await h.command('4002', { command: 'answerCall', callRef: callRef! });
    await next('4001', 'established', from);
    await h.command('4001', { command: 'holdCall', callRef: callRef! });
    assert.equal((await next('4002', 'held', from)).callRef, callRef);
    await h.command('4001', { command: 'retrieveCall', callRef: callRef! });
    await next('4001', 'retrieved', from);
    await h.command('4001', { command: 'clearConnection', callRef: callRef! });

    const cleared = await next('4002', 'callCleared', from);
    assert.equal(cleared.callRef, callRef);
  });

  test('ConsultationCall then TransferCall: the consulted party keeps its call reference across the new PBX call id', async () => {
    const first = await answeredAt4001();
    const from = h.events.length;

    const { callRef: consult } = await h.command('4001', { command: 'consultationCall', callRef: first, destination: '4002' });
    assert.ok(consult && consult !== first);
    const at4002 = await next('4002', 'delivered', from);
    assert.equal(at4002.callRef, consult);
    await h.command('4002', { command: 'answerCall', callRef: consult! });
    await next('4001', 'established', from);

    assert.deepEqual(await h.command('4001', { command: 'transferCall', heldCallRef: first, activeCallRef: consult! }), {});

    const transferred = await next('4002', 'transferred', from);
    assert.deepEqual([transferred.callRef, transferred.localState, transferred.previousCallRefs], [consult, 'connected', [first, consult]]);
    await waitFor('4001 leaves both calls', () => h.events.slice(from).filter((e) => e.device === '4001' && e.kind === 'transferred' && e.localState === 'null').length === 2);
    // The old reference reaches the call under its new PBX id.
    await h.command('4002', { command: 'holdCall', callRef: consult! });
    assert.equal((await next('4002', 'held', from)).callRef, consult);
    const calls = (await h.simGet('/calls')).calls;
    assert.equal(calls.length, 1);
    assert.notEqual(calls[0].callId, transferred.callRef!.split(':')[1]!.split('.')[0], 'the PBX gave the call a new id');

    await h.simPost(`/devices/${encodeURIComponent(EXT)}/hangup`);
    assert.equal((await next('4002', 'callCleared', from)).callRef, consult);
  });

  test('SingleStepTransferCall: the call goes to 4003 and 4001 leaves it', async () => {
    const ref = await answeredAt4001();
    const from = h.events.length;

    assert.deepEqual(await h.command('4001', { command: 'singleStepTransfer', callRef: ref, destination: '4003' }), {});

    const ringing = await next('4003', 'delivered', from);
    assert.equal(ringing.callingNumber, EXT);
    assert.equal((await next('4001', 'transferred', from)).localState, 'null');
    await h.command('4003', { command: 'answerCall', callRef: ringing.callRef! });
    await next('4003', 'established', from);
  });

  test('ConferenceCall, SnapshotCall, then one party leaves and the conference goes on', async () => {
    const first = await answeredAt4001();
    const from = h.events.length;
    const { callRef: consult } = await h.command('4001', { command: 'consultationCall', callRef: first, destination: '4002' });
    await h.command('4002', { command: 'answerCall', callRef: consult! });
    await next('4002', 'established', from);

    assert.deepEqual(await h.command('4001', { command: 'conferenceCall', heldCallRef: first, activeCallRef: consult! }), { callRef: first });

    await next('4002', 'conferenced', from, 'connected');
    await next('4001', 'conferenced', from, 'null');
    const snapshot = await h.command('4001', { command: 'snapshotCall', callRef: first });
    assert.deepEqual(snapshot.parties!.map((p) => p.device).sort(), [EXT, '4001', '4002'].sort());
    await h.command('4002', { command: 'clearConnection', callRef: consult! });
    await next('4002', 'connectionCleared', from);
    const snap = await h.command('4001', { command: 'snapshotDevice' });
    assert.deepEqual(snap.calls, [{ callRef: first, localState: 'connected' }]);
  });

  test('AlternateCall and ReconnectCall', async () => {
    const first = await answeredAt4001();
    const from = h.events.length;
    const { callRef: consult } = await h.command('4001', { command: 'consultationCall', callRef: first, destination: '4003' });
    await h.command('4003', { command: 'answerCall', callRef: consult! });
    await next('4003', 'established', from);

    assert.deepEqual(await h.command('4001', { command: 'alternateCall', heldCallRef: first, activeCallRef: consult! }), { callRef: first });
    await next('4003', 'held', from);
    const afterAlternate = await h.command('4001', { command: 'snapshotDevice' });
    assert.deepEqual(new Map(afterAlternate.calls!.map((c) => [c.callRef, c.localState])), new Map([[first, 'connected'], [consult, 'hold']]));

    assert.deepEqual(await h.command('4001', { command: 'reconnectCall', heldCallRef: consult!, activeCallRef: first }), { callRef: consult });
    await waitFor('the first call cleared for 4001', () => h.events.slice(from).some((e) => e.device === '4001' && e.kind === 'callCleared' && e.callRef === first));
    await next('4001', 'retrieved', from);
  });

  test('DeflectCall and ClearCall', async () => {
    const from = h.events.length;
    await h.simPost('/calls', { from: EXT, to: '4001' });
    const ref = (await next('4001', 'delivered', from)).callRef!;

    assert.deepEqual(await h.command('4001', { command: 'deflectCall', callRef: ref, destination: '4002' }), { callRef: ref });

    assert.equal((await next('4001', 'diverted', from)).localState, 'null');
    const ringing = await next('4002', 'delivered', from);
    await h.command('4002', { command: 'clearCall', callRef: ringing.callRef! });
    await next('4002', 'callCleared', from);
    assert.deepEqual((await h.simGet('/calls')).calls, []);
  });

  test('SetForwarding/GetForwarding: forwarding events, and calls follow the forwarding', async () => {
    const from = h.events.length;

    await h.command('4001', { command: 'setForwarding', forwardingType: 'immediate', on: true, destination: '4003' });

    const fwd = await next('4001', 'forwarding', from);
    assert.deepEqual([fwd.forwardingType, fwd.forwardingOn, fwd.forwardTo], ['immediate', true, '4003']);
    const { forwarding } = await h.command('4001', { command: 'getForwarding' });
    assert.deepEqual(forwarding!.find((f) => f.forwardingType === 'immediate'), { forwardingType: 'immediate', on: true, destination: '4003' });
    await h.simPost('/calls', { from: EXT, to: '4001' });
    await next('4001', 'diverted', from);
    assert.equal((await next('4003', 'delivered', from)).callingNumber, EXT);

    await h.command('4001', { command: 'setForwarding', forwardingType: 'immediate', on: false });
    assert.equal((await h.event('forwarding off', (e) => e.kind === 'forwarding' && e.forwardingOn === false, from)).device, '4001');
  });

  test('SetDoNotDisturb/GetDoNotDisturb: doNotDisturb events, and a call to the device fails', async () => {
    const from = h.events.length;

    await h.command('4002', { command: 'setDoNotDisturb', on: true });

    assert.equal((await next('4002', 'doNotDisturb', from)).doNotDisturbOn, true);
    assert.deepEqual(await h.command('4002', { command: 'getDoNotDisturb' }), { doNotDisturbOn: true });
    await h.command('4003', { command: 'makeCall', destination: '4002' });
    const failed = await next('4003', 'failed', from);
    assert.equal(failed.cause, 'doNotDisturb');
    await h.command('4002', { command: 'setDoNotDisturb', on: false });
    assert.deepEqual(await h.command('4002', { command: 'getDoNotDisturb' }), { doNotDisturbOn: false });
  });

  test('refusals come back as clear errors: pbx_refused (with the CSTA error), not_found, bad_request', async () => {
    const from = h.events.length;
    await h.simPost('/calls', { from: EXT, to: '4001' });
    const ref = (await next('4001', 'delivered', from)).callRef!;

    await assert.rejects(h.command('4001', { command: 'holdCall', callRef: ref }), (e: unknown) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.code, 'pbx_refused');
      assert.deepEqual(e.details, [{ category: 'stateIncompatibility', value: 'invalidObjectState' }]);
      assert.match(e.message, /PBX refused HoldCall: stateIncompatibility\/invalidObjectState \(the call or device is not in a state that allows this/);
      return true;
    });
    await assert.rejects(h.command('4001', { command: 'answerCall', callRef: `${h.linkId}:999.zz` }), { code: 'not_found' });
    await assert.rejects(h.command('4001', { command: 'setForwarding', forwardingType: 'busy', on: true }), { code: 'bad_request', message: /destination: required/ });
    // What a sender that skips the contract check gets: the service validates too.
    const raw = await h.messaging.nc.request(`tws.cti.cmd.${h.domainId}.4001`, new TextEncoder().encode('{"command":"holdCall"}'), { timeout: 5000 });
    const reply = JSON.parse(new TextDecoder().decode(raw.data));
    assert.equal(reply.error.code, 'bad_request');
    assert.match(reply.error.message, /callRef/);
    await assert.rejects(h.command('4001', { command: 'makeCall', destination: 'sip:x@y' }), { code: 'pbx_refused' });
  });

  test('unknown events and malformed frames from the PBX are dropped; the link stays up and events flow', async () => {
    await h.simPost('/faults/unknown-event');
    for (const kind of ['garbage', 'bad-xml', 'bad-header', 'entity', 'oversized', 'unknown-element']) await h.simPost('/faults/malformed-frame', { kind });
    const from = h.events.length;

    await h.simPost('/calls', { from: EXT, to: '4003' });

    await next('4003', 'delivered', from);
    assert.equal(h.events.slice(from).filter((e) => e.kind === 'linkState').length, 0, 'the link never went down');
  });

  test('a link changed in the configuration restarts without restarting the service, and closes the calls that ended meanwhile', async () => {
    const ref = await answeredAt4001();
    const from = h.events.length;
    // The PBX becomes unreachable; the call ends while nobody watches; then an administrator edits the link.
    await h.simPost('/faults/drop-link', { refuseMs: 60_000 });
    await h.event('link down', (e) => e.kind === 'linkState' && e.linkUp === false, from);
    await h.simPost(`/devices/${encodeURIComponent(EXT)}/hangup`);
    await h.pg.query(`UPDATE csta_link SET name = 'Simulator (renamed)', updated_at = now() WHERE id = $1`, [h.linkId]);
    h.messaging.publish(ConfigChanges, ['csta-link'], { entity: 'csta-link', id: h.linkId, domainId: h.domainId, change: 'updated' });
    await waitFor('the restarted link', async () => {
      const { providers } = (await h.messaging.request(CtiProviderStates, [], {})) as { providers: { name: string }[] };
      return providers[0]?.name === 'Simulator (renamed)';
    });
    await h.simPost('/faults/drop-link', { refuseMs: 0 });

    const closed = await h.event('the call closed by the first snapshot', (e) => e.device === '4001' && e.kind === 'callCleared' && e.callRef === ref, from, 20_000);
    assert.equal(closed.cause, RESYNC_CAUSE);
    await waitFor('every device monitored again', () => h.allMonitored(['4001', '4002', '4003']), 20_000);
  });

  test('PDU traces: start for one device, its messages are written to the trace folder; stop', async () => {
    const started = (await h.messaging.request(CtiPduTrace, [], { action: 'start', device: '4002' })) as { tracing: string[]; folder: string };
    assert.deepEqual(started.tracing, ['4002']);
    assert.equal(started.folder, traceDir);
    const from = h.events.length;

    await h.command('4002', { command: 'makeCall', destination: '4003' });
    await next('4003', 'delivered', from);
    await h.command('4003', { command: 'getDoNotDisturb' });

    const file = join(traceDir, 'cstaservices-pdu.log');
    const text = await waitFor('the trace file', () => {
      try {
        const t = readFileSync(file, 'utf8');
        return t.includes('DeliveredEvent') ? t : undefined;
      } catch {
        return undefined;
      }
    });
    const lines = text.trim().split('\n');
    assert.ok(lines.some((l) => / OUT \d{4} 4002 .*<MakeCall /.test(l)), text);
    assert.ok(lines.some((l) => / IN  \d{4} 4002 .*<MakeCallResponse/.test(l)), text);
    assert.ok(lines.some((l) => / IN  9999 4002 .*<DeliveredEvent/.test(l)), text);
    assert.ok(lines.every((l) => / 4002 /.test(l)), '4003 is not traced');

    const stopped = (await h.messaging.request(CtiPduTrace, [], { action: 'stop', device: '*' })) as { tracing: string[]; files: string[] };
    assert.deepEqual(stopped.tracing, []);
    assert.deepEqual(stopped.files, ['cstaservices-pdu.log']);
    const raw = await h.messaging.nc.request(CtiPduTrace.subject(), new TextEncoder().encode('{"action":"start"}'), { timeout: 5000 });
    assert.match(JSON.parse(new TextDecoder().decode(raw.data)).error.message, /device: required/);
  });
});

describe('cstaservices with a switch-driven PBX (SystemStatus heartbeats) and a capacity limit', () => {
  const h = new CstaHarness();

  before(async () => {
    await h.start({
      simDevices: '4001-4003',
      simArgs: ['--session', 'switch-driven', '--heartbeat-ms', '300'],
      devices: ['4001', '4002', '4003'],
      pbxType: 'Siemens CSTAp3',
      capacity: 2,
    });
  });
  after(() => h.stop());

  test('monitors the devices within the capacity, and says how many are left out', async () => {
    await waitFor('two devices monitored', () => h.allMonitored(['4001', '4002']), 20_000);
    assert.equal((await h.simGet('/devices/4003')).monitors, 0);
    const { providers } = (await h.messaging.request(CtiProviderStates, [], { domainId: h.domainId })) as { providers: any[] };
    assert.deepEqual([providers[0].connected, providers[0].monitoredDevices, providers[0].capacity, providers[0].overCapacity, providers[0].pbxType], [true, 2, 2, 1, 'Siemens CSTAp3']);
  });

  test('heartbeats stop: the link is declared dead, comes back when they resume, and every monitor returns', async () => {
    // The link learns the switch's heartbeat period from the heartbeats themselves.
    await waitFor('a few heartbeats answered', async () => (await h.simGet('/clients')).clients[0]?.heartbeatsAnswered >= 3);
    const from = h.events.length;
    await h.simPost('/faults', { keepAlive: false });

    const down = await h.event('link down', (e) => e.kind === 'linkState' && e.linkUp === false, from, 20_000);
    assert.match(down.reason ?? '', /SystemStatus heartbeats missed/);
    await h.simPost('/faults', { keepAlive: true });
    await h.event('link up again', (e) => e.kind === 'linkState' && e.linkUp === true, from, 30_000);
    await waitFor('monitors back', () => h.allMonitored(['4001', '4002']), 20_000);
    await h.simPost('/calls', { from: EXT, to: '4002' });
    await h.event('events flow again', (e) => e.device === '4002' && e.kind === 'delivered', from);
  });
});
