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
  type KnownCstaMessage,
} from './csta-messages';
import { CSTA_SAMPLES as SAMPLES } from './csta-samples';

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
