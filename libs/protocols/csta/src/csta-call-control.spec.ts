import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from './csta-codec';
import { describeCstaError, isTransientCstaError } from './csta-errors';
import { CstaFrameDecoder, encodeFrame } from './csta-framer';
import { CSTA_NAMESPACES, CSTA_RESPONSE_OF, isCstaEvent, type CstaMessage, type KnownCstaMessage } from './csta-messages';

/**
 * Golden documents for the call-control, feature and snapshot services: the exact XML the
 * suite writes (ed4, default namespace), which must decode to the object and encode back to
 * the same bytes; then the variants real switches send, which must decode to the same object.
 */
const NS = CSTA_NAMESPACES.ed4;
const c = (callId: string, deviceId: string) => `<callID>${callId}</callID><deviceID>${deviceId}</deviceID>`;
const conn = (callId: string, deviceId: string) => ({ callId, deviceId });

const GOLDEN: [string, KnownCstaMessage][] = [
  [`<HoldCall xmlns="${NS}"><callToBeHeld>${c('12', '4001')}</callToBeHeld></HoldCall>`, { type: 'HoldCall', callToBeHeld: conn('12', '4001') }],
  [`<HoldCallResponse xmlns="${NS}"/>`, { type: 'HoldCallResponse' }],
  [
    `<RetrieveCall xmlns="${NS}"><callToBeRetrieved>${c('12', '4001')}</callToBeRetrieved></RetrieveCall>`,
    { type: 'RetrieveCall', callToBeRetrieved: conn('12', '4001') },
  ],
  [
    `<ConsultationCall xmlns="${NS}"><existingCall>${c('12', '4001')}</existingCall><consultedDevice>4002</consultedDevice></ConsultationCall>`,
    { type: 'ConsultationCall', existingCall: conn('12', '4001'), consultedDevice: '4002' },
  ],
  [
    `<ConsultationCallResponse xmlns="${NS}"><initiatedCall>${c('13', '4001')}</initiatedCall></ConsultationCallResponse>`,
    { type: 'ConsultationCallResponse', initiatedCall: conn('13', '4001') },
  ],
  [
    `<TransferCall xmlns="${NS}"><heldCall>${c('12', '4001')}</heldCall><activeCall>${c('13', '4001')}</activeCall></TransferCall>`,
    { type: 'TransferCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  ],
  [
    `<TransferCallResponse xmlns="${NS}"><transferredCall>${c('14', '4002')}</transferredCall></TransferCallResponse>`,
    { type: 'TransferCallResponse', transferredCall: conn('14', '4002') },
  ],
  [`<TransferCallResponse xmlns="${NS}"/>`, { type: 'TransferCallResponse' }],
  [
    `<SingleStepTransferCall xmlns="${NS}"><activeCall>${c('12', '4001')}</activeCall><transferredTo>4003</transferredTo></SingleStepTransferCall>`,
    { type: 'SingleStepTransferCall', activeCall: conn('12', '4001'), transferredTo: '4003' },
  ],
  [
    `<ConferenceCall xmlns="${NS}"><heldCall>${c('12', '4001')}</heldCall><activeCall>${c('13', '4001')}</activeCall></ConferenceCall>`,
    { type: 'ConferenceCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  ],
  [
    `<ConferenceCallResponse xmlns="${NS}"><conferenceCall>${c('16', '4001')}</conferenceCall></ConferenceCallResponse>`,
    { type: 'ConferenceCallResponse', conferenceCall: conn('16', '4001') },
  ],
  [
    `<AlternateCall xmlns="${NS}"><heldCall>${c('12', '4001')}</heldCall><activeCall>${c('13', '4001')}</activeCall></AlternateCall>`,
    { type: 'AlternateCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  ],
  [
    `<ReconnectCall xmlns="${NS}"><heldCall>${c('12', '4001')}</heldCall><activeCall>${c('13', '4001')}</activeCall></ReconnectCall>`,
    { type: 'ReconnectCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  ],
  [
    `<DeflectCall xmlns="${NS}"><callToBeDiverted>${c('12', '4001')}</callToBeDiverted><newDestination>4005</newDestination></DeflectCall>`,
    { type: 'DeflectCall', callToBeDiverted: conn('12', '4001'), newDestination: '4005' },
  ],
  [`<ClearCall xmlns="${NS}"><callToBeCleared><callID>12</callID></callToBeCleared></ClearCall>`, { type: 'ClearCall', callToBeCleared: conn('12', '') }],
  [
    `<SetForwarding xmlns="${NS}"><device>4001</device><forwardingType>forwardImmediate</forwardingType><activateForward>true</activateForward><forwardDN>4002</forwardDN></SetForwarding>`,
    { type: 'SetForwarding', device: '4001', forwardingType: 'forwardImmediate', activateForward: true, forwardDN: '4002' },
  ],
  [
    `<SetForwarding xmlns="${NS}"><device>4001</device><forwardingType>forwardNoAns</forwardingType><activateForward>false</activateForward></SetForwarding>`,
    { type: 'SetForwarding', device: '4001', forwardingType: 'forwardNoAns', activateForward: false },
  ],
  [`<GetForwarding xmlns="${NS}"><device>4001</device></GetForwarding>`, { type: 'GetForwarding', device: '4001' }],
  [
    `<GetForwardingResponse xmlns="${NS}"><forwardingList>` +
      '<forwardListItem><forwardingType>forwardImmediate</forwardingType><forwardStatus>false</forwardStatus></forwardListItem>' +
      '<forwardListItem><forwardingType>forwardBusy</forwardingType><forwardStatus>true</forwardStatus><forwardDN>+33155171889</forwardDN></forwardListItem>' +
      '</forwardingList></GetForwardingResponse>',
    {
      type: 'GetForwardingResponse',
      forwardingList: [
        { forwardingType: 'forwardImmediate', forwardStatus: false },
        { forwardingType: 'forwardBusy', forwardStatus: true, forwardDN: '+33155171889' },
      ],
    },
  ],
  [`<GetForwardingResponse xmlns="${NS}"><forwardingList/></GetForwardingResponse>`, { type: 'GetForwardingResponse', forwardingList: [] }],
  [
    `<SetDoNotDisturb xmlns="${NS}"><device>4001</device><doNotDisturbOn>true</doNotDisturbOn></SetDoNotDisturb>`,
    { type: 'SetDoNotDisturb', device: '4001', doNotDisturbOn: true },
  ],
  [`<GetDoNotDisturb xmlns="${NS}"><device>4001</device></GetDoNotDisturb>`, { type: 'GetDoNotDisturb', device: '4001' }],
  [
    `<GetDoNotDisturbResponse xmlns="${NS}"><doNotDisturbOn>false</doNotDisturbOn></GetDoNotDisturbResponse>`,
    { type: 'GetDoNotDisturbResponse', doNotDisturbOn: false },
  ],
  [`<SnapshotDevice xmlns="${NS}"><snapshotObject>4001</snapshotObject></SnapshotDevice>`, { type: 'SnapshotDevice', snapshotObject: '4001' }],
  [
    `<SnapshotDeviceResponse xmlns="${NS}"><crossRefIDorSnapshotData><snapshotData>` +
      `<snapshotDeviceResponseInfo><connectionIdentifier>${c('12', '4001')}</connectionIdentifier>` +
      '<localCallState><compoundCallState><localConnectionState>hold</localConnectionState></compoundCallState></localCallState></snapshotDeviceResponseInfo>' +
      `<snapshotDeviceResponseInfo><connectionIdentifier>${c('13', '4001')}</connectionIdentifier>` +
      '<localCallState><compoundCallState><localConnectionState>alerting</localConnectionState></compoundCallState></localCallState></snapshotDeviceResponseInfo>' +
      '</snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>',
    {
      type: 'SnapshotDeviceResponse',
      calls: [
        { connection: conn('12', '4001'), localConnectionState: 'hold' },
        { connection: conn('13', '4001'), localConnectionState: 'alerting' },
      ],
    },
  ],
  [
    `<SnapshotDeviceResponse xmlns="${NS}"><crossRefIDorSnapshotData><snapshotData/></crossRefIDorSnapshotData></SnapshotDeviceResponse>`,
    { type: 'SnapshotDeviceResponse', calls: [] },
  ],
  [
    `<SnapshotCall xmlns="${NS}"><snapshotObject>${c('12', '4001')}</snapshotObject></SnapshotCall>`,
    { type: 'SnapshotCall', snapshotObject: conn('12', '4001') },
  ],
  [
    `<SnapshotCallResponse xmlns="${NS}"><crossRefIDorSnapshotData><snapshotData>` +
      `<snapshotCallResponseInfo><deviceOnCall><deviceIdentifier>4001</deviceIdentifier></deviceOnCall><callIdentifier>${c('12', '4001')}</callIdentifier><localConnectionState>connected</localConnectionState></snapshotCallResponseInfo>` +
      `<snapshotCallResponseInfo><deviceOnCall><notKnown/></deviceOnCall><localConnectionState>connected</localConnectionState></snapshotCallResponseInfo>` +
      '</snapshotData></crossRefIDorSnapshotData></SnapshotCallResponse>',
    {
      type: 'SnapshotCallResponse',
      parties: [
        { deviceOnCall: '4001', callIdentifier: conn('12', '4001'), localConnectionState: 'connected' },
        { deviceOnCall: undefined, localConnectionState: 'connected' },
      ],
    },
  ],
  [
    `<ForwardingEvent xmlns="${NS}"><monitorCrossRefID>77</monitorCrossRefID><device><deviceIdentifier>4001</deviceIdentifier></device>` +
      '<forwardingType>forwardImmediate</forwardingType><forwardStatus>true</forwardStatus><forwardTo>4002</forwardTo></ForwardingEvent>',
    { type: 'ForwardingEvent', monitorCrossRefId: '77', device: '4001', forwardingType: 'forwardImmediate', forwardStatus: true, forwardTo: '4002' },
  ],
  [
    `<DoNotDisturbEvent xmlns="${NS}"><monitorCrossRefID>77</monitorCrossRefID><device><deviceIdentifier>4001</deviceIdentifier></device>` +
      '<doNotDisturbOn>false</doNotDisturbOn></DoNotDisturbEvent>',
    { type: 'DoNotDisturbEvent', monitorCrossRefId: '77', device: '4001', doNotDisturbOn: false },
  ],
];

function decoded(xml: string): CstaMessage {
  const r = decodeMessage(xml);
  if (!r.ok) assert.fail(`expected ${xml} to decode, got ${r.error.message}`);
  return r.message;
}

describe('call control, features and snapshots — golden documents', () => {
  for (const [xml, message] of GOLDEN) {
    it(`${message.type}: XML in → object → the same XML out`, () => {
      assert.deepEqual(decoded(xml), message);
      assert.equal(encodeMessage(message, { edition: 'ed4', xmlDeclaration: false }), xml);
    });
  }

  it('a HoldCall frame: bytes in → frame → message → the same bytes out', () => {
    const xml = GOLDEN[0]![0];
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 8 + Buffer.byteLength(xml)]), Buffer.from('0042'), Buffer.from(xml)]);

    const [frame] = new CstaFrameDecoder().push(bytes);

    assert.equal(frame!.invokeId, '0042');
    assert.deepEqual(decoded(frame!.xml), GOLDEN[0]![1]);
    assert.deepEqual(encodeFrame('0042', encodeMessage(GOLDEN[0]![1], { xmlDeclaration: false })), bytes);
  });

  it('every request names the response it expects', () => {
    for (const [request, response] of Object.entries(CSTA_RESPONSE_OF)) {
      assert.equal(response, `${request}Response`);
    }
  });

  it('classifies Forwarding and DoNotDisturb as events', () => {
    assert.ok(isCstaEvent(GOLDEN.find(([, m]) => m.type === 'ForwardingEvent')![1]));
    assert.ok(!isCstaEvent({ type: 'GetForwardingResponse', forwardingList: [] }));
  });
});

describe('call control, features and snapshots — what real switches send', () => {
  it('reads a snapshot with a simple call state and no state at all (state left out)', () => {
    const xml =
      '<SnapshotDeviceResponse><crossRefIDorSnapshotData><snapshotData>' +
      '<snapshotDeviceResponseInfo><connectionIdentifier><callID>-12</callID><deviceID>sip:455@pbx</deviceID></connectionIdentifier>' +
      '<localCallState><simpleCallState>callDelivered</simpleCallState></localCallState></snapshotDeviceResponseInfo>' +
      '<snapshotDeviceResponseInfo><connectionIdentifier><callID>7</callID><deviceID>sip:455@pbx</deviceID></connectionIdentifier></snapshotDeviceResponseInfo>' +
      '</snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>';

    assert.deepEqual(decoded(xml), {
      type: 'SnapshotDeviceResponse',
      calls: [{ connection: conn('-12', 'sip:455@pbx') }, { connection: conn('7', 'sip:455@pbx') }],
    });
  });

  it('reads an empty SnapshotDeviceResponse (no call at the device) as no calls', () => {
    assert.deepEqual(decoded(`<SnapshotDeviceResponse xmlns="${CSTA_NAMESPACES.ed5}"/>`), { type: 'SnapshotDeviceResponse', calls: [] });
  });

  it('reads xsd:boolean written as 1/0, and a device given as plain text', () => {
    assert.deepEqual(decoded('<DoNotDisturbEvent><monitorCrossRefID>3</monitorCrossRefID><device>4001</device><doNotDisturbOn>1</doNotDisturbOn></DoNotDisturbEvent>'), {
      type: 'DoNotDisturbEvent',
      monitorCrossRefId: '3',
      device: '4001',
      doNotDisturbOn: true,
    });
  });

  it('refuses a boolean that is neither true nor false, naming the element', () => {
    const r = decodeMessage('<SetDoNotDisturb><device>4001</device><doNotDisturbOn>maybe</doNotDisturbOn></SetDoNotDisturb>');

    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /doNotDisturbOn is not a boolean: "maybe"/);
  });

  it('keeps ed3..ed6 and prefixed variants equivalent', () => {
    const prefixed =
      `<csta:ConsultationCall xmlns:csta="${CSTA_NAMESPACES.ed6}"><csta:existingCall><csta:callID>12</csta:callID><csta:deviceID>4001</csta:deviceID></csta:existingCall>` +
      '<csta:consultedDevice>4002</csta:consultedDevice></csta:ConsultationCall>';

    assert.deepEqual(decoded(prefixed), { type: 'ConsultationCall', existingCall: conn('12', '4001'), consultedDevice: '4002' });
  });
});

describe('CSTAErrorCode in plain words', () => {
  it('explains the usual refusals', () => {
    assert.equal(describeCstaError('operation', 'invalidCallID'), 'the call no longer exists on the PBX');
    assert.equal(describeCstaError('operation', 'invalidDeviceID'), 'the device is not known to the PBX');
    assert.match(describeCstaError('stateIncompatibility', 'invalidObjectState'), /not in a state that allows this/);
    assert.match(describeCstaError('systemResourceAvailability', 'overallMonitorLimitExceeded'), /monitor limit/);
  });

  it('falls back on the category for a value it does not know', () => {
    assert.equal(describeCstaError('privateData', 'x-vendor-42'), 'the PBX refused the request (vendor-specific reason)');
  });

  it('says which refusals are worth a retry', () => {
    assert.ok(isTransientCstaError('systemResourceAvailability'));
    assert.ok(!isTransientCstaError('operation'));
  });
});
