import {
  CSTA_ERROR_CATEGORIES,
  CSTA_LOCAL_CONNECTION_STATES,
  CSTA_NAMESPACES,
  ECMA354_NAMESPACE,
  type ConnectionId,
  type ConnectionListItem,
  type CstaEdition,
  type CstaErrorCategory,
  type CstaErrorCode,
  type CstaMessage,
  type CstaMessageType,
  type KnownCstaMessage,
} from './csta-messages';
import { XmlParseError, elementAt, namespaceOf, parseXmlDocument, writeXml, type XmlElement, type XmlNode } from './csta-xml';

/**
 * CSTA XML codec: documents in, typed messages out, and back. Elements are matched by local
 * name, so any namespace (ed2..ed6, the misspelled `ecmainternational` ones, a `csta:` prefix
 * or none) decodes the same way.
 */

export type CstaCodecErrorCode = 'empty' | 'forbiddenDtd' | 'malformedXml' | 'invalidMessage';

export class CstaCodecError extends Error {
  constructor(
    readonly code: CstaCodecErrorCode,
    message: string,
    /** Root element local name, when the document got that far. */
    readonly element?: string,
  ) {
    super(message);
    this.name = 'CstaCodecError';
  }
}

export type CstaDecodeResult =
  | { ok: true; message: CstaMessage; /** Namespace URI of the root element, if any. */ namespace: string | undefined }
  | { ok: false; error: CstaCodecError };

export interface CstaEncodeOptions {
  /** ECMA-323 edition whose namespace CSTA messages are written in (default ed4). */
  edition?: CstaEdition;
  /** Prepend `<?xml version="1.0" encoding="UTF-8"?>` (default true). */
  xmlDeclaration?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Field specifications: one table drives both directions, so whatever is written reads back.

type FieldKind =
  /** Plain text (required unless optional). */
  | 'text'
  /** Integer text. */
  | 'int'
  /** Repeated text element (the last path segment repeats). */
  | 'textList'
  /** A DeviceID given as text (`<callingDevice>4001</callingDevice>`). */
  | 'deviceId'
  /** A subject device (`<x><deviceIdentifier>…</deviceIdentifier></x>` or `<x><notKnown/></x>`). */
  | 'device'
  /** A ConnectionID (`<x><callID>…</callID><deviceID>…</deviceID></x>`). */
  | 'connection'
  /** `<x><connectionListItem>…</connectionListItem>…</x>`. */
  | 'connectionList'
  /** localConnectionInfo. */
  | 'state'
  /** xsd:boolean ("true"/"false", "1"/"0" read too). */
  | 'bool'
  /** Repeated structured items: `<path><item>…fields…</item>…</path>`. */
  | 'list';

interface FieldSpec {
  key: string;
  /** Slash-separated element path under the root. */
  path: string;
  kind: FieldKind;
  optional?: boolean;
  /** For `device`: what to write when the value is undefined. */
  missing?: 'notKnown' | 'notRequired';
  /** For `list`: the repeated element's local name and its fields (paths relative to it). */
  item?: string;
  fields?: FieldSpec[];
}

interface MessageSpec {
  namespace: 'csta' | 'session';
  fields: FieldSpec[];
}

const f = (key: string, path: string, kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  key,
  path,
  kind,
  ...extra,
});
const opt = (key: string, path: string, kind: FieldKind): FieldSpec => f(key, path, kind, { optional: true });
const device = (key: string, path = key, missing: 'notKnown' | 'notRequired' = 'notKnown'): FieldSpec =>
  f(key, path, 'device', { missing });
const xref = f('monitorCrossRefId', 'monitorCrossRefID', 'text');
const eventTail = [opt('localConnectionInfo', 'localConnectionInfo', 'state'), opt('cause', 'cause', 'text')];
const list = (key: string, path: string, item: string, ...fields: FieldSpec[]): FieldSpec => f(key, path, 'list', { item, fields });
const csta = (...fields: FieldSpec[]): MessageSpec => ({ namespace: 'csta', fields });
const session = (...fields: FieldSpec[]): MessageSpec => ({ namespace: 'session', fields });
const event = (...fields: FieldSpec[]): MessageSpec => csta(xref, ...fields, ...eventTail);

const SPECS: Record<Exclude<CstaMessageType, 'CSTAErrorCode'>, MessageSpec> = {
  StartApplicationSession: session(
    f('applicationId', 'applicationInfo/applicationID', 'text'),
    opt('userName', 'applicationInfo/applicationSpecificInfo/userName', 'text'),
    opt('password', 'applicationInfo/applicationSpecificInfo/password', 'text'),
    f('requestedProtocolVersions', 'requestedProtocolVersions/protocolVersion', 'textList'),
    opt('requestedSessionDuration', 'requestedSessionDuration', 'int'),
  ),
  StartApplicationSessionPosResponse: session(
    f('sessionId', 'sessionID', 'text'),
    f('actualProtocolVersion', 'actualProtocolVersion', 'text'),
    opt('actualSessionDuration', 'actualSessionDuration', 'int'),
  ),
  StartApplicationSessionNegResponse: session(f('errorCode', 'errorCode/definedError', 'text')),
  ResetApplicationSessionTimer: session(
    f('sessionId', 'sessionID', 'text'),
    opt('requestedSessionDuration', 'requestedSessionDuration', 'int'),
  ),
  ResetApplicationSessionTimerPosResponse: session(opt('actualSessionDuration', 'actualSessionDuration', 'int')),
  ResetApplicationSessionTimerNegResponse: session(f('errorCode', 'errorCode/definedError', 'text')),
  StopApplicationSession: session(
    f('sessionId', 'sessionID', 'text'),
    opt('sessionEndReason', 'sessionEndReason/definedEndReason', 'text'),
  ),
  StopApplicationSessionPosResponse: session(),

  SystemStatus: csta(f('systemStatus', 'systemStatus', 'text')),
  SystemStatusResponse: csta(),
  MonitorStart: csta(
    opt('deviceObject', 'monitorObject/deviceObject', 'deviceId'),
    opt('callObject', 'monitorObject/callObject', 'connection'),
    opt('monitorType', 'monitorType', 'text'),
  ),
  MonitorStartResponse: csta(xref),
  MonitorStop: csta(xref),
  MonitorStopResponse: csta(),
  MakeCall: csta(
    f('callingDevice', 'callingDevice', 'deviceId'),
    f('calledDirectoryNumber', 'calledDirectoryNumber', 'deviceId'),
    opt('autoOriginate', 'autoOriginate', 'text'),
  ),
  MakeCallResponse: csta(f('callingDevice', 'callingDevice', 'connection')),
  AnswerCall: csta(f('callToBeAnswered', 'callToBeAnswered', 'connection')),
  AnswerCallResponse: csta(),
  ClearConnection: csta(f('connectionToBeCleared', 'connectionToBeCleared', 'connection')),
  ClearConnectionResponse: csta(),
  ClearCall: csta(f('callToBeCleared', 'callToBeCleared', 'connection')),
  ClearCallResponse: csta(),
  HoldCall: csta(f('callToBeHeld', 'callToBeHeld', 'connection')),
  HoldCallResponse: csta(),
  RetrieveCall: csta(f('callToBeRetrieved', 'callToBeRetrieved', 'connection')),
  RetrieveCallResponse: csta(),
  ConsultationCall: csta(f('existingCall', 'existingCall', 'connection'), f('consultedDevice', 'consultedDevice', 'deviceId')),
  ConsultationCallResponse: csta(f('initiatedCall', 'initiatedCall', 'connection')),
  TransferCall: csta(f('heldCall', 'heldCall', 'connection'), f('activeCall', 'activeCall', 'connection')),
  TransferCallResponse: csta(opt('transferredCall', 'transferredCall', 'connection')),
  SingleStepTransferCall: csta(f('activeCall', 'activeCall', 'connection'), f('transferredTo', 'transferredTo', 'deviceId')),
  SingleStepTransferCallResponse: csta(opt('transferredCall', 'transferredCall', 'connection')),
  ConferenceCall: csta(f('heldCall', 'heldCall', 'connection'), f('activeCall', 'activeCall', 'connection')),
  ConferenceCallResponse: csta(opt('conferenceCall', 'conferenceCall', 'connection')),
  AlternateCall: csta(f('heldCall', 'heldCall', 'connection'), f('activeCall', 'activeCall', 'connection')),
  AlternateCallResponse: csta(),
  ReconnectCall: csta(f('heldCall', 'heldCall', 'connection'), f('activeCall', 'activeCall', 'connection')),
  ReconnectCallResponse: csta(),
  DeflectCall: csta(f('callToBeDiverted', 'callToBeDiverted', 'connection'), f('newDestination', 'newDestination', 'deviceId')),
  DeflectCallResponse: csta(),
  SetForwarding: csta(
    f('device', 'device', 'deviceId'),
    opt('forwardingType', 'forwardingType', 'text'),
    f('activateForward', 'activateForward', 'bool'),
    opt('forwardDN', 'forwardDN', 'text'),
    opt('ringCount', 'ringCount', 'int'),
  ),
  SetForwardingResponse: csta(),
  GetForwarding: csta(f('device', 'device', 'deviceId')),
  GetForwardingResponse: csta(
    list(
      'forwardingList',
      'forwardingList',
      'forwardListItem',
      opt('forwardingType', 'forwardingType', 'text'),
      f('forwardStatus', 'forwardStatus', 'bool'),
      opt('forwardDN', 'forwardDN', 'text'),
      opt('ringCount', 'ringCount', 'int'),
    ),
  ),
  SetDoNotDisturb: csta(f('device', 'device', 'deviceId'), f('doNotDisturbOn', 'doNotDisturbOn', 'bool')),
  SetDoNotDisturbResponse: csta(),
  GetDoNotDisturb: csta(f('device', 'device', 'deviceId')),
  GetDoNotDisturbResponse: csta(f('doNotDisturbOn', 'doNotDisturbOn', 'bool')),
  SnapshotDevice: csta(f('snapshotObject', 'snapshotObject', 'deviceId')),
  SnapshotDeviceResponse: csta(
    list(
      'calls',
      'crossRefIDorSnapshotData/snapshotData',
      'snapshotDeviceResponseInfo',
      f('connection', 'connectionIdentifier', 'connection'),
      opt('localConnectionState', 'localCallState/compoundCallState/localConnectionState', 'state'),
    ),
  ),
  SnapshotCall: csta(f('snapshotObject', 'snapshotObject', 'connection')),
  SnapshotCallResponse: csta(
    list(
      'parties',
      'crossRefIDorSnapshotData/snapshotData',
      'snapshotCallResponseInfo',
      device('deviceOnCall'),
      opt('callIdentifier', 'callIdentifier', 'connection'),
      opt('localConnectionState', 'localConnectionState', 'state'),
    ),
  ),

  ServiceInitiatedEvent: event(f('initiatedConnection', 'initiatedConnection', 'connection'), device('initiatingDevice')),
  OriginatedEvent: event(
    f('originatedConnection', 'originatedConnection', 'connection'),
    device('callingDevice'),
    device('calledDevice'),
  ),
  DeliveredEvent: event(
    f('connection', 'connection', 'connection'),
    device('alertingDevice'),
    device('callingDevice'),
    device('calledDevice'),
    device('lastRedirectionDevice', 'lastRedirectionDevice', 'notRequired'),
  ),
  EstablishedEvent: event(
    f('establishedConnection', 'establishedConnection', 'connection'),
    device('answeringDevice'),
    device('callingDevice'),
    device('calledDevice'),
    device('lastRedirectionDevice', 'lastRedirectionDevice', 'notRequired'),
  ),
  HeldEvent: event(f('heldConnection', 'heldConnection', 'connection'), device('holdingDevice')),
  RetrievedEvent: event(f('retrievedConnection', 'retrievedConnection', 'connection'), device('retrievingDevice')),
  ConnectionClearedEvent: event(f('droppedConnection', 'droppedConnection', 'connection'), device('releasingDevice')),
  CallClearedEvent: event(f('clearedCall', 'clearedCall', 'connection')),
  TransferedEvent: event(
    f('primaryOldCall', 'primaryOldCall', 'connection'),
    opt('secondaryOldCall', 'secondaryOldCall', 'connection'),
    device('transferringDevice'),
    device('transferredToDevice'),
    f('transferredConnections', 'transferredConnections', 'connectionList'),
  ),
  ConferencedEvent: event(
    f('primaryOldCall', 'primaryOldCall', 'connection'),
    opt('secondaryOldCall', 'secondaryOldCall', 'connection'),
    device('conferencingDevice'),
    device('addedParty'),
    f('conferenceConnections', 'conferenceConnections', 'connectionList'),
  ),
  DivertedEvent: event(
    f('connection', 'connection', 'connection'),
    device('divertingDevice'),
    device('newDestination'),
    device('callingDevice'),
    device('calledDevice'),
    device('lastRedirectionDevice', 'lastRedirectionDevice', 'notRequired'),
  ),
  FailedEvent: event(
    f('failedConnection', 'failedConnection', 'connection'),
    device('failingDevice'),
    device('callingDevice'),
    device('calledDevice'),
  ),
  QueuedEvent: event(
    f('queuedConnection', 'queuedConnection', 'connection'),
    device('queue'),
    device('callingDevice'),
    device('calledDevice'),
    opt('numberQueued', 'numberQueued', 'int'),
  ),
  ForwardingEvent: csta(
    xref,
    device('device'),
    opt('forwardingType', 'forwardingType', 'text'),
    f('forwardStatus', 'forwardStatus', 'bool'),
    opt('forwardTo', 'forwardTo', 'text'),
    opt('ringCount', 'ringCount', 'int'),
  ),
  DoNotDisturbEvent: csta(xref, device('device'), f('doNotDisturbOn', 'doNotDisturbOn', 'bool')),
};

/** Root names some peers use for a message we model under ECMA's name. */
const ALIASES: Record<string, keyof typeof SPECS> = { TransferredEvent: 'TransferedEvent' };

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes one CSTA XML document. Never throws: malformed XML, a DTD, or a known message with a
 * missing or invalid field comes back as `{ ok: false, error }`; a well-formed document with an
 * unknown root element comes back as `{ type: 'unknown', name }`.
 */
export function decodeMessage(xml: string): CstaDecodeResult {
  let root: XmlElement;
  try {
    root = parseXmlDocument(xml);
  } catch (e) {
    if (e instanceof XmlParseError) return { ok: false, error: new CstaCodecError(e.code, e.message) };
    return { ok: false, error: new CstaCodecError('malformedXml', `malformed XML: ${String(e)}`) };
  }
  try {
    return { ok: true, message: decodeElement(root), namespace: namespaceOf(root) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const code = e instanceof XmlParseError ? e.code : 'invalidMessage';
    return { ok: false, error: new CstaCodecError(code, `${root.name}: ${message}`, root.name) };
  }
}

function decodeElement(root: XmlElement): CstaMessage {
  if (root.name === 'CSTAErrorCode') return decodeErrorCode(root);
  const type = (Object.hasOwn(SPECS, root.name) ? root.name : ALIASES[root.name]) as keyof typeof SPECS | undefined;
  if (type === undefined) return { type: 'unknown', name: root.name };
  return { type, ...decodeFields(root, SPECS[type].fields) } as unknown as CstaMessage;
}

function decodeFields(el: XmlElement, fields: FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = decodeField(el, field);
    if (value !== undefined || field.kind === 'device') out[field.key] = value;
  }
  return out;
}

function decodeField(root: XmlElement, field: FieldSpec): unknown {
  if (field.kind === 'textList') {
    const slash = field.path.lastIndexOf('/');
    const container = slash >= 0 ? elementAt(root, field.path.slice(0, slash)) : root;
    const item = field.path.slice(slash + 1);
    return (container?.children ?? []).filter((c) => c.name === item).map((c) => c.text);
  }
  if (field.kind === 'list') {
    // A missing container is an empty list: "nothing to report" is how switches say it too.
    const container = elementAt(root, field.path);
    return (container?.children ?? []).filter((c) => c.name === field.item).map((c) => decodeFields(c, field.fields ?? []));
  }
  const el = elementAt(root, field.path);
  const missing = (): undefined => {
    if (field.optional || field.kind === 'device') return undefined;
    throw new CstaCodecError('invalidMessage', `missing required element ${field.path}`);
  };
  if (el === undefined) return missing();
  switch (field.kind) {
    case 'text':
      return el.text === '' && !field.optional ? missing() : el.text === '' ? undefined : el.text;
    case 'int': {
      if (!/^-?\d+$/.test(el.text)) throw new CstaCodecError('invalidMessage', `${field.path} is not an integer: "${el.text}"`);
      return Number(el.text);
    }
    case 'deviceId': {
      const id = readDevice(el);
      return id === undefined ? missing() : id;
    }
    case 'device':
      return readDevice(el);
    case 'connection':
      return readConnection(el);
    case 'connectionList':
      return el.children.filter((c) => c.name === 'connectionListItem').map(readConnectionListItem);
    case 'state': {
      const state = CSTA_LOCAL_CONNECTION_STATES.find((s) => s === el.text);
      // An unknown state from a newer edition is dropped, not fatal: the event still counts.
      return state;
    }
    case 'bool': {
      const text = el.text.toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new CstaCodecError('invalidMessage', `${field.path} is not a boolean: "${el.text}"`);
    }
  }
}

/** Text of a device element, looking through deviceIdentifier/deviceID wrappers. */
function readDevice(el: XmlElement): string | undefined {
  for (const wrapper of ['deviceIdentifier', 'deviceID', 'explicitPublic', 'explicitPrivate', 'implicitPublic', 'implicitPrivate']) {
    const inner = el.children.find((c) => c.name === wrapper);
    if (inner) return readDevice(inner);
  }
  return el.children.length === 0 && el.text !== '' ? el.text : undefined;
}

function readConnection(el: XmlElement): ConnectionId {
  const callId = el.children.find((c) => c.name === 'callID')?.text ?? '';
  const deviceEl = el.children.find((c) => c.name === 'deviceID' || c.name === 'staticID' || c.name === 'dynamicID');
  return { callId, deviceId: (deviceEl && readDevice(deviceEl)) ?? '' };
}

function readConnectionListItem(el: XmlElement): ConnectionListItem {
  const item: ConnectionListItem = {};
  const newConnection = el.children.find((c) => c.name === 'newConnection');
  const oldConnection = el.children.find((c) => c.name === 'oldConnection');
  const endpoint = el.children.find((c) => c.name === 'endpoint');
  if (newConnection) item.newConnection = readConnection(newConnection);
  if (oldConnection) item.oldConnection = readConnection(oldConnection);
  const endpointId = endpoint && readDevice(endpoint);
  if (endpointId !== undefined) item.endpoint = endpointId;
  return item;
}

function decodeErrorCode(root: XmlElement): CstaErrorCode {
  const inner = root.children[0];
  if (inner === undefined) return { type: 'CSTAErrorCode', category: 'unspecified', value: root.text };
  const category = CSTA_ERROR_CATEGORIES.find((c) => c === inner.name);
  if (category === undefined) return { type: 'CSTAErrorCode', category: 'unspecified', value: inner.name };
  return { type: 'CSTAErrorCode', category, value: inner.text };
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Writes a message as a default-namespace XML document: ECMA-354 session messages in the
 * appl_session namespace, everything else in the namespace of `options.edition` (ed4 by
 * default). Throws a CstaCodecError when a required field is missing.
 */
export function encodeMessage(message: KnownCstaMessage, options: CstaEncodeOptions = {}): string {
  const edition = options.edition ?? 'ed4';
  const declaration = options.xmlDeclaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>';
  if (message.type === 'CSTAErrorCode') {
    const root: XmlNode = {
      name: 'CSTAErrorCode',
      attributes: { xmlns: CSTA_NAMESPACES[edition] },
      children: [{ name: message.category, text: message.value }],
    };
    return declaration + writeXml(root);
  }
  const spec = SPECS[message.type];
  if (spec === undefined) throw new CstaCodecError('invalidMessage', `cannot encode message type "${String(message.type)}"`);
  const root: XmlNode = {
    name: message.type,
    attributes: { xmlns: spec.namespace === 'session' ? ECMA354_NAMESPACE : CSTA_NAMESPACES[edition] },
    children: [],
  };
  encodeFields(root, spec.fields, message as unknown as Record<string, unknown>, message.type);
  return declaration + writeXml(root);
}

function encodeFields(node: XmlNode, fields: FieldSpec[], values: Record<string, unknown>, type: string): void {
  for (const field of fields) encodeField(node, field, values[field.key], type);
}

function encodeField(root: XmlNode, field: FieldSpec, value: unknown, type: string): void {
  if (value === undefined && field.kind !== 'device') {
    if (field.optional) return;
    throw new CstaCodecError('invalidMessage', `${type}: ${field.key} is required`, type);
  }
  const segments = field.path.split('/');
  if (field.kind === 'textList') {
    const item = segments.pop()!;
    const container = ensurePath(root, segments);
    for (const v of value as string[]) container.children!.push({ name: item, text: String(v) });
    return;
  }
  const name = segments.pop()!;
  const parent = ensurePath(root, segments);
  if (field.kind === 'list') {
    const items = value as Record<string, unknown>[];
    const container: XmlNode = { name, children: [] };
    for (const item of items) {
      const itemNode: XmlNode = { name: field.item!, children: [] };
      encodeFields(itemNode, field.fields ?? [], item, type);
      container.children!.push(itemNode);
    }
    parent.children!.push(container);
    return;
  }
  parent.children!.push(fieldNode(name, field, value));
}

function fieldNode(name: string, field: FieldSpec, value: unknown): XmlNode {
  switch (field.kind) {
    case 'text':
    case 'state':
    case 'deviceId':
      return { name, text: String(value) };
    case 'int':
      return { name, text: String(Math.trunc(value as number)) };
    case 'bool':
      return { name, text: value ? 'true' : 'false' };
    case 'device':
      return {
        name,
        children: [value === undefined ? { name: field.missing ?? 'notKnown' } : { name: 'deviceIdentifier', text: String(value) }],
      };
    case 'connection':
      return connectionNode(name, value as ConnectionId);
    case 'connectionList':
      return {
        name,
        children: (value as ConnectionListItem[]).map((item) => ({
          name: 'connectionListItem',
          children: [
            ...(item.newConnection ? [connectionNode('newConnection', item.newConnection)] : []),
            ...(item.oldConnection ? [connectionNode('oldConnection', item.oldConnection)] : []),
            ...(item.endpoint !== undefined ? [{ name: 'endpoint', children: [{ name: 'deviceID', text: item.endpoint }] }] : []),
          ],
        })),
      };
    case 'textList':
    case 'list':
      throw new Error('unreachable: lists are written by encodeField');
  }
}

function connectionNode(name: string, c: ConnectionId): XmlNode {
  const children: XmlNode[] = [];
  if (c.callId !== '') children.push({ name: 'callID', text: c.callId });
  if (c.deviceId !== '') children.push({ name: 'deviceID', text: c.deviceId });
  return { name, children };
}

/** Finds or creates the chain of container elements (fields sharing a prefix are adjacent). */
function ensurePath(root: XmlNode, segments: string[]): XmlNode {
  let node = root;
  for (const segment of segments) {
    node.children ??= [];
    const last = node.children[node.children.length - 1];
    if (last && last.name === segment && last.text === undefined) node = last;
    else {
      const created: XmlNode = { name: segment, children: [] };
      node.children.push(created);
      node = created;
    }
  }
  node.children ??= [];
  return node;
}

/** Convenience for building a CSTAErrorCode response. */
export function cstaError(category: CstaErrorCategory, value: string): CstaErrorCode {
  return { type: 'CSTAErrorCode', category, value };
}
