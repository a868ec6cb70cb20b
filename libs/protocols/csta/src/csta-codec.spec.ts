import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CstaCodecError, decodeMessage, encodeMessage, type CstaDecodeResult } from './csta-codec';
import { CstaFrameDecoder, encodeFrame } from './csta-framer';
import {
  CSTA_EDITIONS,
  CSTA_NAMESPACES,
  ECMA354_NAMESPACE,
  editionFromNamespace,
  isCstaEvent,
  type CstaMessage,
  type CstaMessageType,
  type KnownCstaMessage,
} from './csta-messages';

const ED4 = CSTA_NAMESPACES.ed4;

function decoded(xml: string): CstaMessage {
  const r = decodeMessage(xml);
  if (!r.ok) assert.fail(`expected ${xml} to decode, got ${r.error.message}`);
  return r.message;
}

function failure(r: CstaDecodeResult): CstaCodecError {
  if (r.ok) assert.fail(`expected a decode error, got ${JSON.stringify(r.message)}`);
  return r.error;
}

const conn = (callId: string, deviceId: string) => ({ callId, deviceId });

/** One sample per message type; the mapped type makes the compiler insist on every type. */
const SAMPLES: { [K in CstaMessageType]: Extract<KnownCstaMessage, { type: K }> } = {
  StartApplicationSession: {
    type: 'StartApplicationSession',
    applicationId: 'TWS',
    userName: 'tws',
    password: 'p<&>"\'w',
    requestedProtocolVersions: [CSTA_NAMESPACES.ed4, CSTA_NAMESPACES.ed3],
    requestedSessionDuration: 180,
  },
  StartApplicationSessionPosResponse: {
    type: 'StartApplicationSessionPosResponse',
    sessionId: 'S-1',
    actualProtocolVersion: CSTA_NAMESPACES.ed4,
    actualSessionDuration: 180,
  },
  StartApplicationSessionNegResponse: { type: 'StartApplicationSessionNegResponse', errorCode: 'invalidApplicationInfo' },
  ResetApplicationSessionTimer: { type: 'ResetApplicationSessionTimer', sessionId: 'S-1', requestedSessionDuration: 180 },
  ResetApplicationSessionTimerPosResponse: { type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: 180 },
  ResetApplicationSessionTimerNegResponse: { type: 'ResetApplicationSessionTimerNegResponse', errorCode: 'invalidSessionID' },
  StopApplicationSession: { type: 'StopApplicationSession', sessionId: 'S-1', sessionEndReason: 'normal' },
  StopApplicationSessionPosResponse: { type: 'StopApplicationSessionPosResponse' },
  SystemStatus: { type: 'SystemStatus', systemStatus: 'normal' },
  SystemStatusResponse: { type: 'SystemStatusResponse' },
  MonitorStart: { type: 'MonitorStart', deviceObject: '4001', monitorType: 'device' },
  MonitorStartResponse: { type: 'MonitorStartResponse', monitorCrossRefId: '77' },
  MonitorStop: { type: 'MonitorStop', monitorCrossRefId: '77' },
  MonitorStopResponse: { type: 'MonitorStopResponse' },
  MakeCall: { type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: '+33155171889', autoOriginate: 'doNotPrompt' },
  MakeCallResponse: { type: 'MakeCallResponse', callingDevice: conn('12', '4001') },
  AnswerCall: { type: 'AnswerCall', callToBeAnswered: conn('12', '4001') },
  AnswerCallResponse: { type: 'AnswerCallResponse' },
  ClearConnection: { type: 'ClearConnection', connectionToBeCleared: conn('12', '4001') },
  ClearConnectionResponse: { type: 'ClearConnectionResponse' },
  CSTAErrorCode: { type: 'CSTAErrorCode', category: 'operation', value: 'invalidDeviceID' },
  ClearCall: { type: 'ClearCall', callToBeCleared: conn('12', '4001') },
  ClearCallResponse: { type: 'ClearCallResponse' },
  HoldCall: { type: 'HoldCall', callToBeHeld: conn('12', '4001') },
  HoldCallResponse: { type: 'HoldCallResponse' },
  RetrieveCall: { type: 'RetrieveCall', callToBeRetrieved: conn('12', '4001') },
  RetrieveCallResponse: { type: 'RetrieveCallResponse' },
  ConsultationCall: { type: 'ConsultationCall', existingCall: conn('12', '4001'), consultedDevice: '4002' },
  ConsultationCallResponse: { type: 'ConsultationCallResponse', initiatedCall: conn('13', '4001') },
  TransferCall: { type: 'TransferCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  TransferCallResponse: { type: 'TransferCallResponse', transferredCall: conn('14', '4002') },
  SingleStepTransferCall: { type: 'SingleStepTransferCall', activeCall: conn('12', '4001'), transferredTo: '4003' },
  SingleStepTransferCallResponse: { type: 'SingleStepTransferCallResponse', transferredCall: conn('15', '4003') },
  ConferenceCall: { type: 'ConferenceCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  ConferenceCallResponse: { type: 'ConferenceCallResponse', conferenceCall: conn('16', '4001') },
  AlternateCall: { type: 'AlternateCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  AlternateCallResponse: { type: 'AlternateCallResponse' },
  ReconnectCall: { type: 'ReconnectCall', heldCall: conn('12', '4001'), activeCall: conn('13', '4001') },
  ReconnectCallResponse: { type: 'ReconnectCallResponse' },
  DeflectCall: { type: 'DeflectCall', callToBeDiverted: conn('12', '4001'), newDestination: '4005' },
  DeflectCallResponse: { type: 'DeflectCallResponse' },
  SetForwarding: { type: 'SetForwarding', device: '4001', forwardingType: 'forwardNoAns', activateForward: true, forwardDN: '4002', ringCount: 4 },
  SetForwardingResponse: { type: 'SetForwardingResponse' },
  GetForwarding: { type: 'GetForwarding', device: '4001' },
  GetForwardingResponse: {
    type: 'GetForwardingResponse',
    forwardingList: [
      { forwardingType: 'forwardImmediate', forwardStatus: false },
      { forwardingType: 'forwardNoAns', forwardStatus: true, forwardDN: '4002', ringCount: 4 },
    ],
  },
  SetDoNotDisturb: { type: 'SetDoNotDisturb', device: '4001', doNotDisturbOn: true },
  SetDoNotDisturbResponse: { type: 'SetDoNotDisturbResponse' },
  GetDoNotDisturb: { type: 'GetDoNotDisturb', device: '4001' },
  GetDoNotDisturbResponse: { type: 'GetDoNotDisturbResponse', doNotDisturbOn: false },
  SnapshotDevice: { type: 'SnapshotDevice', snapshotObject: '4001' },
  SnapshotDeviceResponse: {
    type: 'SnapshotDeviceResponse',
    calls: [
      { connection: conn('12', '4001'), localConnectionState: 'hold' },
      { connection: conn('13', '4001'), localConnectionState: 'connected' },
    ],
  },
  SnapshotCall: { type: 'SnapshotCall', snapshotObject: conn('12', '4001') },
  SnapshotCallResponse: {
    type: 'SnapshotCallResponse',
    parties: [
      { deviceOnCall: '4001', callIdentifier: conn('12', '4001'), localConnectionState: 'connected' },
      { deviceOnCall: '+4930123', callIdentifier: conn('12', '+4930123'), localConnectionState: 'connected' },
    ],
  },
  ServiceInitiatedEvent: {
    type: 'ServiceInitiatedEvent',
    monitorCrossRefId: '77',
    initiatedConnection: conn('12', '4001'),
    initiatingDevice: '4001',
    localConnectionInfo: 'initiated',
    cause: 'makeCall',
  },
  OriginatedEvent: {
    type: 'OriginatedEvent',
    monitorCrossRefId: '77',
    originatedConnection: conn('12', '4001'),
    callingDevice: '4001',
    calledDevice: '+33155171889',
    localConnectionInfo: 'connected',
    cause: 'makeCall',
  },
  DeliveredEvent: {
    type: 'DeliveredEvent',
    monitorCrossRefId: '77',
    connection: conn('12', '4001'),
    alertingDevice: '4001',
    callingDevice: '+4930123',
    calledDevice: '4001',
    lastRedirectionDevice: undefined,
    localConnectionInfo: 'alerting',
    cause: 'newCall',
  },
  EstablishedEvent: {
    type: 'EstablishedEvent',
    monitorCrossRefId: '77',
    establishedConnection: conn('12', '4001'),
    answeringDevice: '4001',
    callingDevice: undefined,
    calledDevice: '4001',
    lastRedirectionDevice: '4009',
    localConnectionInfo: 'connected',
    cause: 'newCall',
  },
  HeldEvent: { type: 'HeldEvent', monitorCrossRefId: '77', heldConnection: conn('12', '4001'), holdingDevice: '4001', localConnectionInfo: 'hold' },
  RetrievedEvent: { type: 'RetrievedEvent', monitorCrossRefId: '77', retrievedConnection: conn('12', '4001'), retrievingDevice: '4001' },
  ConnectionClearedEvent: {
    type: 'ConnectionClearedEvent',
    monitorCrossRefId: '77',
    droppedConnection: conn('12', '+4930123'),
    releasingDevice: '+4930123',
    localConnectionInfo: 'null',
    cause: 'normalClearing',
  },
  CallClearedEvent: { type: 'CallClearedEvent', monitorCrossRefId: '77', clearedCall: conn('12', ''), cause: 'normalClearing' },
  TransferedEvent: {
    type: 'TransferedEvent',
    monitorCrossRefId: '77',
    primaryOldCall: conn('12', '4001'),
    secondaryOldCall: conn('13', '4001'),
    transferringDevice: '4001',
    transferredToDevice: '4002',
    transferredConnections: [
      { newConnection: conn('14', '4002'), oldConnection: conn('13', '4002') },
      { newConnection: conn('14', '+4930123'), oldConnection: conn('12', '+4930123'), endpoint: '+4930123' },
    ],
    cause: 'transfer',
  },
  ConferencedEvent: {
    type: 'ConferencedEvent',
    monitorCrossRefId: '77',
    primaryOldCall: conn('12', '4001'),
    conferencingDevice: '4001',
    addedParty: '4003',
    conferenceConnections: [{ newConnection: conn('12', '4003') }],
    localConnectionInfo: 'connected',
    cause: 'conference',
  },
  DivertedEvent: {
    type: 'DivertedEvent',
    monitorCrossRefId: '77',
    connection: conn('12', '4001'),
    divertingDevice: '4001',
    newDestination: '4002',
    callingDevice: '+4930123',
    calledDevice: '4001',
    lastRedirectionDevice: '4001',
    localConnectionInfo: 'null',
    cause: 'redirected',
  },
  FailedEvent: {
    type: 'FailedEvent',
    monitorCrossRefId: '77',
    failedConnection: conn('12', '4002'),
    failingDevice: '4002',
    callingDevice: '4001',
    calledDevice: '4002',
    localConnectionInfo: 'fail',
    cause: 'busy',
  },
  QueuedEvent: {
    type: 'QueuedEvent',
    monitorCrossRefId: '77',
    queuedConnection: conn('12', '4100'),
    queue: '4100',
    callingDevice: '+4930123',
    calledDevice: '4100',
    numberQueued: 3,
    localConnectionInfo: 'queued',
    cause: 'enteringDistribution',
  },
  ForwardingEvent: {
    type: 'ForwardingEvent',
    monitorCrossRefId: '77',
    device: '4001',
    forwardingType: 'forwardImmediate',
    forwardStatus: true,
    forwardTo: '4002',
  },
  DoNotDisturbEvent: { type: 'DoNotDisturbEvent', monitorCrossRefId: '77', device: '4001', doNotDisturbOn: true },
};

describe('decodeMessage — golden documents', () => {
  it('reads the DeliveredEvent example of the research notes', () => {
    const xml = `<DeliveredEvent xmlns="${ED4}">
      <monitorCrossRefID>77</monitorCrossRefID>
      <connection><callID>C12</callID><deviceID>4711</deviceID></connection>
      <alertingDevice><deviceIdentifier>4711</deviceIdentifier></alertingDevice>
      <callingDevice><deviceIdentifier typeOfNumber="explicitPublic:international">+4930123</deviceIdentifier></callingDevice>
      <calledDevice><deviceIdentifier>4711</deviceIdentifier></calledDevice>
      <lastRedirectionDevice><notRequired/></lastRedirectionDevice>
      <localConnectionInfo>alerting</localConnectionInfo><cause>newCall</cause>
    </DeliveredEvent>`;

    const r = decodeMessage(xml);

    assert.deepEqual(r, {
      ok: true,
      namespace: ED4,
      message: {
        type: 'DeliveredEvent',
        monitorCrossRefId: '77',
        connection: { callId: 'C12', deviceId: '4711' },
        alertingDevice: '4711',
        callingDevice: '+4930123',
        calledDevice: '4711',
        lastRedirectionDevice: undefined,
        localConnectionInfo: 'alerting',
        cause: 'newCall',
      },
    });
  });

  it('turns bytes into a frame, the frame into a message, and the message back into the same bytes', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><MakeCall xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4">' +
      '<callingDevice>4001</callingDevice><calledDirectoryNumber>+33155171889</calledDirectoryNumber>' +
      '<autoOriginate>doNotPrompt</autoOriginate></MakeCall>';
    const length = 8 + Buffer.byteLength(xml);
    const bytes = Buffer.concat([Buffer.from([0x00, 0x00, length >> 8, length & 0xff]), Buffer.from('0007'), Buffer.from(xml)]);

    const [frame] = new CstaFrameDecoder().push(bytes);
    const message = decoded(frame!.xml);

    assert.equal(frame!.invokeId, '0007');
    assert.deepEqual(message, SAMPLES.MakeCall);
    assert.deepEqual(encodeFrame(frame!.invokeId, encodeMessage(SAMPLES.MakeCall, { edition: 'ed4' })), bytes);
  });

  it('reads the session login written in the ECMA-354 namespace', () => {
    const xml = `<StartApplicationSession xmlns="${ECMA354_NAMESPACE}">
      <applicationInfo><applicationID>TWS</applicationID>
        <applicationSpecificInfo><userName>tws</userName><password>s3cr&amp;t</password></applicationSpecificInfo>
      </applicationInfo>
      <requestedProtocolVersions><protocolVersion>${CSTA_NAMESPACES.ed4}</protocolVersion></requestedProtocolVersions>
      <requestedSessionDuration>180</requestedSessionDuration>
    </StartApplicationSession>`;

    assert.deepEqual(decoded(xml), {
      type: 'StartApplicationSession',
      applicationId: 'TWS',
      userName: 'tws',
      password: 's3cr&t',
      requestedProtocolVersions: [CSTA_NAMESPACES.ed4],
      requestedSessionDuration: 180,
    });
  });

  it('reads <notKnown/>, <restricted/> and <notRequired/> devices as undefined', () => {
    const xml = `<EstablishedEvent><monitorCrossRefID>1</monitorCrossRefID>
      <establishedConnection><callID>5</callID><deviceID>4001</deviceID></establishedConnection>
      <answeringDevice><deviceIdentifier>4001</deviceIdentifier></answeringDevice>
      <callingDevice><restricted/></callingDevice><calledDevice><notKnown/></calledDevice>
      <lastRedirectionDevice><notRequired/></lastRedirectionDevice></EstablishedEvent>`;

    const m = decoded(xml);

    assert.equal(m.type, 'EstablishedEvent');
    if (m.type !== 'EstablishedEvent') return;
    assert.equal(m.callingDevice, undefined);
    assert.equal(m.calledDevice, undefined);
    assert.equal(m.lastRedirectionDevice, undefined);
    assert.equal(m.answeringDevice, '4001');
    assert.ok(!('cause' in m), 'absent optional fields stay absent');
  });

  it('reads CSTAErrorCode as category + value', () => {
    assert.deepEqual(decoded(`<CSTAErrorCode xmlns="${ED4}"><operation>invalidDeviceID</operation></CSTAErrorCode>`), {
      type: 'CSTAErrorCode',
      category: 'operation',
      value: 'invalidDeviceID',
    });
    assert.deepEqual(decoded('<CSTAErrorCode><stateIncompatibility>invalidObjectState</stateIncompatibility></CSTAErrorCode>'), {
      type: 'CSTAErrorCode',
      category: 'stateIncompatibility',
      value: 'invalidObjectState',
    });
  });

  it('keeps callIDs as opaque strings (leading zeros, hex, negative)', () => {
    for (const callId of ['0001', 'FF000100000000000000000000000000', '-12']) {
      const m = decoded(`<ClearConnection><connectionToBeCleared><callID>${callId}</callID><deviceID>4001</deviceID></connectionToBeCleared></ClearConnection>`);
      assert.deepEqual(m, { type: 'ClearConnection', connectionToBeCleared: { callId, deviceId: '4001' } });
    }
  });

  it('decodes the TransferredEvent misspelling as ECMA\'s TransferedEvent', () => {
    const m = decoded(
      '<TransferredEvent><monitorCrossRefID>1</monitorCrossRefID><primaryOldCall><callID>1</callID><deviceID>4001</deviceID></primaryOldCall>' +
        '<transferringDevice><deviceIdentifier>4001</deviceIdentifier></transferringDevice><transferredToDevice><notKnown/></transferredToDevice>' +
        '<transferredConnections/></TransferredEvent>',
    );

    assert.equal(m.type, 'TransferedEvent');
  });

  it('returns unknown root elements as { type: "unknown", name } instead of failing', () => {
    assert.deepEqual(decoded(`<CallInformationEvent xmlns="${ED4}"><monitorCrossRefID>1</monitorCrossRefID></CallInformationEvent>`), {
      type: 'unknown',
      name: 'CallInformationEvent',
    });
    assert.deepEqual(decoded('<csta:ParkCall xmlns:csta="urn:x"/>'), { type: 'unknown', name: 'ParkCall' });
  });

  it('classifies events', () => {
    assert.ok(isCstaEvent(SAMPLES.CallClearedEvent));
    assert.ok(!isCstaEvent(SAMPLES.MakeCall));
  });
});

describe('decodeMessage — namespaces', () => {
  const body = '<monitorCrossRefID>77</monitorCrossRefID>';
  const variants: [string, string, string | undefined][] = [
    ['ed3', `<MonitorStartResponse xmlns="${CSTA_NAMESPACES.ed3}">${body}</MonitorStartResponse>`, CSTA_NAMESPACES.ed3],
    ['ed5', `<MonitorStartResponse xmlns="${CSTA_NAMESPACES.ed5}">${body}</MonitorStartResponse>`, CSTA_NAMESPACES.ed5],
    ['ed6', `<MonitorStartResponse xmlns="${CSTA_NAMESPACES.ed6}">${body}</MonitorStartResponse>`, CSTA_NAMESPACES.ed6],
    [
      'ed2 on ecma.ch',
      `<MonitorStartResponse xmlns="http://www.ecma.ch/standards/ecma-323/csta/ed2">${body}</MonitorStartResponse>`,
      'http://www.ecma.ch/standards/ecma-323/csta/ed2',
    ],
    [
      'misspelled ecmainternational',
      `<MonitorStartResponse xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed3">${body}</MonitorStartResponse>`,
      'http://www.ecmainternational.org/standards/ecma-323/csta/ed3',
    ],
    [
      'csta: prefix on every element',
      `<csta:MonitorStartResponse xmlns:csta="${ED4}"><csta:monitorCrossRefID>77</csta:monitorCrossRefID></csta:MonitorStartResponse>`,
      ED4,
    ],
    ['no namespace', `<MonitorStartResponse>${body}</MonitorStartResponse>`, undefined],
    [
      'XML declaration, comments and whitespace',
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi -->\n<MonitorStartResponse xmlns="${ED4}">\n  ${body}\n</MonitorStartResponse>\n`,
      ED4,
    ],
  ];

  for (const [label, xml, namespace] of variants) {
    it(`reads ${label}`, () => {
      assert.deepEqual(decodeMessage(xml), { ok: true, namespace, message: { type: 'MonitorStartResponse', monitorCrossRefId: '77' } });
    });
  }

  it('maps namespace and protocol-version URIs to editions', () => {
    assert.equal(editionFromNamespace(CSTA_NAMESPACES.ed5), 'ed5');
    assert.equal(editionFromNamespace('http://www.ecmainternational.org/standards/ecma-323/csta/ed3'), 'ed3');
    assert.equal(editionFromNamespace('http://www.ecma.ch/standards/ecma-323/csta/ed2'), undefined);
    assert.equal(editionFromNamespace('http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv5'), 'ed3');
    assert.equal(editionFromNamespace(undefined), undefined);
  });
});

describe('decodeMessage — hostile and broken input', () => {
  it('refuses a DOCTYPE (billion laughs) without expanding anything', () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
      '<MonitorStop><monitorCrossRefID>&lol2;</monitorCrossRefID></MonitorStop>';

    const error = failure(decodeMessage(xml));

    assert.equal(error.code, 'forbiddenDtd');
    assert.match(error.message, /DOCTYPE or ENTITY/);
  });

  it('refuses an ENTITY declaration even without DOCTYPE, and external entities', () => {
    assert.equal(failure(decodeMessage('<!ENTITY x SYSTEM "file:///etc/passwd"><a>&x;</a>')).code, 'forbiddenDtd');
    assert.equal(failure(decodeMessage('<!doctype a SYSTEM "http://example.com/a.dtd"><a/>')).code, 'forbiddenDtd');
  });

  it('refuses undeclared entity references but decodes the predefined ones and character references', () => {
    assert.equal(failure(decodeMessage('<SystemStatus><systemStatus>&nbsp;</systemStatus></SystemStatus>')).code, 'malformedXml');
    assert.deepEqual(decoded('<SystemStatus><systemStatus>a&lt;b&gt;&amp;&quot;&apos;&#65;&#x42;</systemStatus></SystemStatus>'), {
      type: 'SystemStatus',
      systemStatus: 'a<b>&"\'AB',
    });
  });

  it('returns an error result (never throws) for broken XML', () => {
    const broken = ['', '   ', '<MakeCall>', '<MakeCall></MonitorStart>', 'not xml at all', '<a/><b/>', '<a>x & y</a>', '<a b="1></a>'];
    for (const xml of broken) {
      const r = decodeMessage(xml);
      assert.equal(r.ok, false, `accepted ${JSON.stringify(xml)}`);
      if (!r.ok) {
        assert.ok(r.error instanceof CstaCodecError);
        assert.ok(['empty', 'malformedXml'].includes(r.error.code), `${xml}: ${r.error.code}`);
      }
    }
  });

  it('reports a known message with a missing or invalid required field as invalidMessage', () => {
    const missing = failure(decodeMessage(`<MonitorStartResponse xmlns="${ED4}"/>`));
    assert.equal(missing.code, 'invalidMessage');
    assert.equal(missing.element, 'MonitorStartResponse');
    assert.match(missing.message, /monitorCrossRefID/);

    const badInt = failure(decodeMessage('<ResetApplicationSessionTimer><sessionID>1</sessionID><requestedSessionDuration>soon</requestedSessionDuration></ResetApplicationSessionTimer>'));
    assert.match(badInt.message, /requestedSessionDuration is not an integer/);

    const noCaller = failure(decodeMessage('<MakeCall><calledDirectoryNumber>1</calledDirectoryNumber></MakeCall>'));
    assert.match(noCaller.message, /callingDevice/);
  });

  it('drops a localConnectionInfo value it does not know instead of failing the event', () => {
    const m = decoded('<CallClearedEvent><monitorCrossRefID>1</monitorCrossRefID><clearedCall><callID>9</callID></clearedCall><localConnectionInfo>weird</localConnectionInfo></CallClearedEvent>');

    assert.deepEqual(m, { type: 'CallClearedEvent', monitorCrossRefId: '1', clearedCall: { callId: '9', deviceId: '' } });
  });
});

describe('encodeMessage', () => {
  for (const edition of CSTA_EDITIONS) {
    for (const sample of Object.values(SAMPLES)) {
      it(`round-trips ${sample.type} in ${edition}`, () => {
        const xml = encodeMessage(sample, { edition });
        const r = decodeMessage(xml);

        assert.ok(r.ok, xml);
        assert.deepEqual(r.message, sample);
        const expectedNs = sample.type.includes('ApplicationSession') ? ECMA354_NAMESPACE : CSTA_NAMESPACES[edition];
        assert.equal(r.namespace, expectedNs);
        assert.ok(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?><${sample.type} xmlns="${expectedNs}"`), xml);
      });
    }
  }

  it('writes the shapes of the research notes', () => {
    assert.equal(
      encodeMessage({ type: 'MonitorStart', deviceObject: '4711' }, { xmlDeclaration: false }),
      `<MonitorStart xmlns="${ED4}"><monitorObject><deviceObject>4711</deviceObject></monitorObject></MonitorStart>`,
    );
    assert.equal(
      encodeMessage(SAMPLES.DeliveredEvent, { edition: 'ed4', xmlDeclaration: false }),
      `<DeliveredEvent xmlns="${ED4}"><monitorCrossRefID>77</monitorCrossRefID>` +
        '<connection><callID>12</callID><deviceID>4001</deviceID></connection>' +
        '<alertingDevice><deviceIdentifier>4001</deviceIdentifier></alertingDevice>' +
        '<callingDevice><deviceIdentifier>+4930123</deviceIdentifier></callingDevice>' +
        '<calledDevice><deviceIdentifier>4001</deviceIdentifier></calledDevice>' +
        '<lastRedirectionDevice><notRequired/></lastRedirectionDevice>' +
        '<localConnectionInfo>alerting</localConnectionInfo><cause>newCall</cause></DeliveredEvent>',
    );
    assert.equal(
      encodeMessage(SAMPLES.StartApplicationSessionNegResponse, { xmlDeclaration: false }),
      `<StartApplicationSessionNegResponse xmlns="${ECMA354_NAMESPACE}"><errorCode><definedError>invalidApplicationInfo</definedError></errorCode></StartApplicationSessionNegResponse>`,
    );
  });

  it('groups nested fields under one container (applicationInfo)', () => {
    const xml = encodeMessage(SAMPLES.StartApplicationSession, { xmlDeclaration: false });

    assert.equal(xml.split('<applicationInfo>').length, 2);
    assert.match(xml, /<applicationSpecificInfo><userName>tws<\/userName><password>p&lt;&amp;&gt;&quot;&apos;w<\/password><\/applicationSpecificInfo>/);
  });

  it('escapes text so hostile values cannot inject elements', () => {
    const xml = encodeMessage({ type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: '</calledDirectoryNumber><evil/>' });

    assert.ok(!xml.includes('<evil/>'));
    assert.deepEqual(decoded(xml), { type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: '</calledDirectoryNumber><evil/>' });
  });

  it('throws a clear error when a required field is missing', () => {
    assert.throws(
      () => encodeMessage({ type: 'MonitorStop' } as unknown as KnownCstaMessage),
      (e: unknown) => e instanceof CstaCodecError && /MonitorStop: monitorCrossRefId is required/.test(e.message),
    );
  });
});
