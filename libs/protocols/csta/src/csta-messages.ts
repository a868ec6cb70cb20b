/**
 * The CSTA messages this library understands, as plain typed objects. `type` is the XML root
 * element's local name (ECMA spelling kept: `TransferedEvent`), field names follow ECMA-323 /
 * ECMA-354 in camelCase with "ID" written "Id".
 */

export const CSTA_EDITIONS = ['ed3', 'ed4', 'ed5', 'ed6'] as const;
export type CstaEdition = (typeof CSTA_EDITIONS)[number];

/** Default element namespace of each ECMA-323 edition. */
export const CSTA_NAMESPACES: Readonly<Record<CstaEdition, string>> = {
  ed3: 'http://www.ecma-international.org/standards/ecma-323/csta/ed3',
  ed4: 'http://www.ecma-international.org/standards/ecma-323/csta/ed4',
  ed5: 'http://www.ecma-international.org/standards/ecma-323/csta/ed5',
  ed6: 'http://www.ecma-international.org/standards/ecma-323/csta/ed6',
};

/** ECMA-354 application-session messages live in this namespace whatever the CSTA edition. */
export const ECMA354_NAMESPACE = 'http://www.ecma-international.org/standards/ecma-354/appl_session';

/**
 * The ECMA-323 edition named by a namespace or protocol-version URI, tolerating the misspelled
 * `ecmainternational` domain; undefined for anything else (ed2, vendor strings, no namespace).
 */
export function editionFromNamespace(uri: string | undefined): CstaEdition | undefined {
  const m = uri === undefined ? null : /ecma-?international\.org\/standards\/ecma-323\/csta\/(ed[3-6])(?:$|[/#])/i.exec(uri.trim());
  return m ? (m[1]!.toLowerCase() as CstaEdition) : undefined;
}

/** `localConnectionInfo` values (ECMA-269 LocalConnectionState). */
export const CSTA_LOCAL_CONNECTION_STATES = ['null', 'initiated', 'alerting', 'connected', 'hold', 'queued', 'fail'] as const;
export type LocalConnectionState = (typeof CSTA_LOCAL_CONNECTION_STATES)[number];

/** CSTAErrorCode categories; the value inside is the specific error, e.g. operation/invalidDeviceID. */
export const CSTA_ERROR_CATEGORIES = [
  'operation',
  'security',
  'stateIncompatibility',
  'systemResourceAvailability',
  'subscribedResourceAvailability',
  'performanceManagement',
  'privateData',
  'unspecified',
] as const;
export type CstaErrorCategory = (typeof CSTA_ERROR_CATEGORIES)[number];

/**
 * A device as reported in events (`<callingDevice><deviceIdentifier>4711</deviceIdentifier></callingDevice>`);
 * undefined when the switch sent `<notKnown/>`, `<restricted/>`, `<notRequired/>` or nothing.
 */
export type SubjectDevice = string | undefined;

/** ECMA-269 ConnectionID. `deviceId` is '' when the switch sent only a callID (e.g. `clearedCall`). */
export interface ConnectionId {
  callId: string;
  deviceId: string;
}

/** One entry of `transferredConnections` / `conferenceConnections`. */
export interface ConnectionListItem {
  newConnection?: ConnectionId;
  oldConnection?: ConnectionId;
  endpoint?: string;
}

// ---------------------------------------------------------------------------------------------
// ECMA-354 application session

export interface StartApplicationSession {
  type: 'StartApplicationSession';
  applicationId: string;
  /** Our credentials shape: `applicationSpecificInfo/userName` and `/password`. */
  userName?: string;
  password?: string;
  /** Namespace URIs of the CSTA editions the application speaks, preferred first. */
  requestedProtocolVersions: string[];
  /** Seconds. */
  requestedSessionDuration?: number;
}

export interface StartApplicationSessionPosResponse {
  type: 'StartApplicationSessionPosResponse';
  sessionId: string;
  actualProtocolVersion: string;
  actualSessionDuration?: number;
}

/** errorCode/definedError: invalidApplicationInfo, requestedProtocolVersionNotSupported, serverResourcesBusy, ... */
export interface StartApplicationSessionNegResponse {
  type: 'StartApplicationSessionNegResponse';
  errorCode: string;
}

export interface ResetApplicationSessionTimer {
  type: 'ResetApplicationSessionTimer';
  sessionId: string;
  requestedSessionDuration?: number;
}

export interface ResetApplicationSessionTimerPosResponse {
  type: 'ResetApplicationSessionTimerPosResponse';
  actualSessionDuration?: number;
}

export interface ResetApplicationSessionTimerNegResponse {
  type: 'ResetApplicationSessionTimerNegResponse';
  errorCode: string;
}

export interface StopApplicationSession {
  type: 'StopApplicationSession';
  sessionId: string;
  /** sessionEndReason/definedEndReason, e.g. "normal". */
  sessionEndReason?: string;
}

export interface StopApplicationSessionPosResponse {
  type: 'StopApplicationSessionPosResponse';
}

// ---------------------------------------------------------------------------------------------
// ECMA-323 requests and responses

export interface SystemStatus {
  type: 'SystemStatus';
  /** normal, initializing, disabled, enabled, messagesLost, ... */
  systemStatus: string;
}

export interface SystemStatusResponse {
  type: 'SystemStatusResponse';
}

/** Monitors a device (`monitorObject/deviceObject`) or a call (`monitorObject/callObject`). */
export interface MonitorStart {
  type: 'MonitorStart';
  deviceObject?: string;
  callObject?: ConnectionId;
  /** "call" or "device". */
  monitorType?: string;
}

export interface MonitorStartResponse {
  type: 'MonitorStartResponse';
  monitorCrossRefId: string;
}

export interface MonitorStop {
  type: 'MonitorStop';
  monitorCrossRefId: string;
}

export interface MonitorStopResponse {
  type: 'MonitorStopResponse';
}

export interface MakeCall {
  type: 'MakeCall';
  callingDevice: string;
  calledDirectoryNumber: string;
  /** "prompt" or "doNotPrompt". */
  autoOriginate?: string;
}

export interface MakeCallResponse {
  type: 'MakeCallResponse';
  callingDevice: ConnectionId;
}

export interface AnswerCall {
  type: 'AnswerCall';
  callToBeAnswered: ConnectionId;
}

export interface AnswerCallResponse {
  type: 'AnswerCallResponse';
}

export interface ClearConnection {
  type: 'ClearConnection';
  connectionToBeCleared: ConnectionId;
}

export interface ClearConnectionResponse {
  type: 'ClearConnectionResponse';
}

export interface ClearCall {
  type: 'ClearCall';
  callToBeCleared: ConnectionId;
}

export interface ClearCallResponse {
  type: 'ClearCallResponse';
}

export interface HoldCall {
  type: 'HoldCall';
  callToBeHeld: ConnectionId;
}

export interface HoldCallResponse {
  type: 'HoldCallResponse';
}

export interface RetrieveCall {
  type: 'RetrieveCall';
  callToBeRetrieved: ConnectionId;
}

export interface RetrieveCallResponse {
  type: 'RetrieveCallResponse';
}

/** Puts `existingCall` on hold and calls `consultedDevice` from the same device. */
export interface ConsultationCall {
  type: 'ConsultationCall';
  existingCall: ConnectionId;
  consultedDevice: string;
}

export interface ConsultationCallResponse {
  type: 'ConsultationCallResponse';
  /** The consultation call's connection at the consulting device. */
  initiatedCall: ConnectionId;
}

/** Joins the other parties of the held and the active call, and drops the transferring device. */
export interface TransferCall {
  type: 'TransferCall';
  heldCall: ConnectionId;
  activeCall: ConnectionId;
}

export interface TransferCallResponse {
  type: 'TransferCallResponse';
  /** The resulting call (its callID may differ from both old ones); some switches omit it. */
  transferredCall?: ConnectionId;
}

export interface SingleStepTransferCall {
  type: 'SingleStepTransferCall';
  activeCall: ConnectionId;
  transferredTo: string;
}

export interface SingleStepTransferCallResponse {
  type: 'SingleStepTransferCallResponse';
  transferredCall?: ConnectionId;
}

export interface ConferenceCall {
  type: 'ConferenceCall';
  heldCall: ConnectionId;
  activeCall: ConnectionId;
}

export interface ConferenceCallResponse {
  type: 'ConferenceCallResponse';
  conferenceCall?: ConnectionId;
}

/** Holds `activeCall` and retrieves `heldCall` in one step. */
export interface AlternateCall {
  type: 'AlternateCall';
  heldCall: ConnectionId;
  activeCall: ConnectionId;
}

export interface AlternateCallResponse {
  type: 'AlternateCallResponse';
}

/** Clears `activeCall` and retrieves `heldCall`. */
export interface ReconnectCall {
  type: 'ReconnectCall';
  heldCall: ConnectionId;
  activeCall: ConnectionId;
}

export interface ReconnectCallResponse {
  type: 'ReconnectCallResponse';
}

/** Sends a call alerting at a device elsewhere. */
export interface DeflectCall {
  type: 'DeflectCall';
  callToBeDiverted: ConnectionId;
  newDestination: string;
}

export interface DeflectCallResponse {
  type: 'DeflectCallResponse';
}

/** ECMA-269 ForwardingType values. */
export const CSTA_FORWARDING_TYPES = [
  'forwardImmediate',
  'forwardBusy',
  'forwardNoAns',
  'forwardDND',
  'forwardBusyInt',
  'forwardBusyExt',
  'forwardNoAnsInt',
  'forwardNoAnsExt',
  'forwardImmInt',
  'forwardImmExt',
  'forwardDNDInt',
  'forwardDNDExt',
] as const;
export type CstaForwardingType = (typeof CSTA_FORWARDING_TYPES)[number];

export interface SetForwarding {
  type: 'SetForwarding';
  device: string;
  /** Kept as text: a switch may use a value of a later edition. */
  forwardingType?: string;
  activateForward: boolean;
  forwardDN?: string;
  ringCount?: number;
}

export interface SetForwardingResponse {
  type: 'SetForwardingResponse';
}

export interface GetForwarding {
  type: 'GetForwarding';
  device: string;
}

export interface ForwardListItem {
  forwardingType?: string;
  forwardStatus: boolean;
  forwardDN?: string;
  ringCount?: number;
}

export interface GetForwardingResponse {
  type: 'GetForwardingResponse';
  forwardingList: ForwardListItem[];
}

export interface SetDoNotDisturb {
  type: 'SetDoNotDisturb';
  device: string;
  doNotDisturbOn: boolean;
}

export interface SetDoNotDisturbResponse {
  type: 'SetDoNotDisturbResponse';
}

export interface GetDoNotDisturb {
  type: 'GetDoNotDisturb';
  device: string;
}

export interface GetDoNotDisturbResponse {
  type: 'GetDoNotDisturbResponse';
  doNotDisturbOn: boolean;
}

export interface SnapshotDevice {
  type: 'SnapshotDevice';
  snapshotObject: string;
}

/** One call at the device: `crossRefIDorSnapshotData/snapshotData/snapshotDeviceResponseInfo`. */
export interface SnapshotDeviceItem {
  connection: ConnectionId;
  /** localCallState/compoundCallState/localConnectionState; undefined when the switch sent a simple call state. */
  localConnectionState?: LocalConnectionState;
}

export interface SnapshotDeviceResponse {
  type: 'SnapshotDeviceResponse';
  calls: SnapshotDeviceItem[];
}

export interface SnapshotCall {
  type: 'SnapshotCall';
  snapshotObject: ConnectionId;
}

/** One party of the call: `crossRefIDorSnapshotData/snapshotData/snapshotCallResponseInfo`. */
export interface SnapshotCallItem {
  deviceOnCall: SubjectDevice;
  callIdentifier?: ConnectionId;
  localConnectionState?: LocalConnectionState;
}

export interface SnapshotCallResponse {
  type: 'SnapshotCallResponse';
  parties: SnapshotCallItem[];
}

/** A negative response: `<CSTAErrorCode><operation>invalidDeviceID</operation></CSTAErrorCode>`. */
export interface CstaErrorCode {
  type: 'CSTAErrorCode';
  category: CstaErrorCategory;
  /** The specific error, e.g. "invalidDeviceID"; '' when the category element was empty. */
  value: string;
}

// ---------------------------------------------------------------------------------------------
// ECMA-323 events

interface EventBase {
  monitorCrossRefId: string;
  /** State of the monitored device's connection after the event. */
  localConnectionInfo?: LocalConnectionState;
  /** newCall, makeCall, normalClearing, transfer, ... */
  cause?: string;
}

export interface ServiceInitiatedEvent extends EventBase {
  type: 'ServiceInitiatedEvent';
  initiatedConnection: ConnectionId;
  initiatingDevice: SubjectDevice;
}

export interface OriginatedEvent extends EventBase {
  type: 'OriginatedEvent';
  originatedConnection: ConnectionId;
  callingDevice: SubjectDevice;
  calledDevice: SubjectDevice;
}

export interface DeliveredEvent extends EventBase {
  type: 'DeliveredEvent';
  connection: ConnectionId;
  alertingDevice: SubjectDevice;
  callingDevice: SubjectDevice;
  calledDevice: SubjectDevice;
  lastRedirectionDevice: SubjectDevice;
}

export interface EstablishedEvent extends EventBase {
  type: 'EstablishedEvent';
  establishedConnection: ConnectionId;
  answeringDevice: SubjectDevice;
  callingDevice: SubjectDevice;
  calledDevice: SubjectDevice;
  lastRedirectionDevice: SubjectDevice;
}

export interface HeldEvent extends EventBase {
  type: 'HeldEvent';
  heldConnection: ConnectionId;
  holdingDevice: SubjectDevice;
}

export interface RetrievedEvent extends EventBase {
  type: 'RetrievedEvent';
  retrievedConnection: ConnectionId;
  retrievingDevice: SubjectDevice;
}

export interface ConnectionClearedEvent extends EventBase {
  type: 'ConnectionClearedEvent';
  droppedConnection: ConnectionId;
  releasingDevice: SubjectDevice;
}

export interface CallClearedEvent extends EventBase {
  type: 'CallClearedEvent';
  clearedCall: ConnectionId;
}

/** ECMA's spelling (one "r"); `TransferredEvent` from sloppy peers is decoded to this too. */
export interface TransferedEvent extends EventBase {
  type: 'TransferedEvent';
  primaryOldCall: ConnectionId;
  secondaryOldCall?: ConnectionId;
  transferringDevice: SubjectDevice;
  transferredToDevice: SubjectDevice;
  transferredConnections: ConnectionListItem[];
}

export interface ConferencedEvent extends EventBase {
  type: 'ConferencedEvent';
  primaryOldCall: ConnectionId;
  secondaryOldCall?: ConnectionId;
  conferencingDevice: SubjectDevice;
  addedParty: SubjectDevice;
  conferenceConnections: ConnectionListItem[];
}

export interface DivertedEvent extends EventBase {
  type: 'DivertedEvent';
  connection: ConnectionId;
  divertingDevice: SubjectDevice;
  newDestination: SubjectDevice;
  callingDevice: SubjectDevice;
  calledDevice: SubjectDevice;
  lastRedirectionDevice: SubjectDevice;
}

export interface FailedEvent extends EventBase {
  type: 'FailedEvent';
  failedConnection: ConnectionId;
  failingDevice: SubjectDevice;
  callingDevice: SubjectDevice;
  calledDevice: SubjectDevice;
}

export interface QueuedEvent extends EventBase {
  type: 'QueuedEvent';
  queuedConnection: ConnectionId;
  queue: SubjectDevice;
  callingDevice: SubjectDevice;
  calledDevice: SubjectDevice;
  numberQueued?: number;
}

/** Events about a device rather than a call: no connection state, no cause. */
interface DeviceEventBase {
  monitorCrossRefId: string;
  localConnectionInfo?: never;
  cause?: never;
}

export interface ForwardingEvent extends DeviceEventBase {
  type: 'ForwardingEvent';
  device: SubjectDevice;
  forwardingType?: string;
  forwardStatus: boolean;
  forwardTo?: string;
  ringCount?: number;
}

export interface DoNotDisturbEvent extends DeviceEventBase {
  type: 'DoNotDisturbEvent';
  device: SubjectDevice;
  doNotDisturbOn: boolean;
}

/** A well-formed document whose root element this library does not model. */
export interface UnknownCstaMessage {
  type: 'unknown';
  /** Local name of the root element. */
  name: string;
}

export type CstaSessionMessage =
  | StartApplicationSession
  | StartApplicationSessionPosResponse
  | StartApplicationSessionNegResponse
  | ResetApplicationSessionTimer
  | ResetApplicationSessionTimerPosResponse
  | ResetApplicationSessionTimerNegResponse
  | StopApplicationSession
  | StopApplicationSessionPosResponse;

export type CstaRequest =
  | MonitorStart
  | MonitorStop
  | MakeCall
  | AnswerCall
  | ClearConnection
  | ClearCall
  | HoldCall
  | RetrieveCall
  | ConsultationCall
  | TransferCall
  | SingleStepTransferCall
  | ConferenceCall
  | AlternateCall
  | ReconnectCall
  | DeflectCall
  | SetForwarding
  | GetForwarding
  | SetDoNotDisturb
  | GetDoNotDisturb
  | SnapshotDevice
  | SnapshotCall
  | SystemStatus;

export type CstaResponse =
  | MonitorStartResponse
  | MonitorStopResponse
  | MakeCallResponse
  | AnswerCallResponse
  | ClearConnectionResponse
  | ClearCallResponse
  | HoldCallResponse
  | RetrieveCallResponse
  | ConsultationCallResponse
  | TransferCallResponse
  | SingleStepTransferCallResponse
  | ConferenceCallResponse
  | AlternateCallResponse
  | ReconnectCallResponse
  | DeflectCallResponse
  | SetForwardingResponse
  | GetForwardingResponse
  | SetDoNotDisturbResponse
  | GetDoNotDisturbResponse
  | SnapshotDeviceResponse
  | SnapshotCallResponse
  | SystemStatusResponse
  | CstaErrorCode;

export type CstaEvent =
  | ServiceInitiatedEvent
  | OriginatedEvent
  | DeliveredEvent
  | EstablishedEvent
  | HeldEvent
  | RetrievedEvent
  | ConnectionClearedEvent
  | CallClearedEvent
  | TransferedEvent
  | ConferencedEvent
  | DivertedEvent
  | FailedEvent
  | QueuedEvent
  | ForwardingEvent
  | DoNotDisturbEvent;

/** Every message the codec can both read and write. */
export type KnownCstaMessage = CstaSessionMessage | CstaRequest | CstaResponse | CstaEvent;

export type CstaMessage = KnownCstaMessage | UnknownCstaMessage;

export type CstaMessageType = KnownCstaMessage['type'];

/** An event without the monitor it is reported on; the switch fills `monitorCrossRefId` per monitor. */
export type CstaEventBody = CstaEvent extends infer E ? (E extends CstaEvent ? Omit<E, 'monitorCrossRefId'> : never) : never;

export const CSTA_EVENT_TYPES: readonly CstaEvent['type'][] = [
  'ServiceInitiatedEvent',
  'OriginatedEvent',
  'DeliveredEvent',
  'EstablishedEvent',
  'HeldEvent',
  'RetrievedEvent',
  'ConnectionClearedEvent',
  'CallClearedEvent',
  'TransferedEvent',
  'ConferencedEvent',
  'DivertedEvent',
  'FailedEvent',
  'QueuedEvent',
  'ForwardingEvent',
  'DoNotDisturbEvent',
];

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(CSTA_EVENT_TYPES);

export function isCstaEvent(message: CstaMessage): message is CstaEvent {
  return EVENT_TYPE_SET.has(message.type);
}

/**
 * The response type each request expects, so a caller never spells it (and a typo cannot
 * make a request wait for a response that never comes).
 */
export const CSTA_RESPONSE_OF = {
  MonitorStart: 'MonitorStartResponse',
  MonitorStop: 'MonitorStopResponse',
  MakeCall: 'MakeCallResponse',
  AnswerCall: 'AnswerCallResponse',
  ClearConnection: 'ClearConnectionResponse',
  ClearCall: 'ClearCallResponse',
  HoldCall: 'HoldCallResponse',
  RetrieveCall: 'RetrieveCallResponse',
  ConsultationCall: 'ConsultationCallResponse',
  TransferCall: 'TransferCallResponse',
  SingleStepTransferCall: 'SingleStepTransferCallResponse',
  ConferenceCall: 'ConferenceCallResponse',
  AlternateCall: 'AlternateCallResponse',
  ReconnectCall: 'ReconnectCallResponse',
  DeflectCall: 'DeflectCallResponse',
  SetForwarding: 'SetForwardingResponse',
  GetForwarding: 'GetForwardingResponse',
  SetDoNotDisturb: 'SetDoNotDisturbResponse',
  GetDoNotDisturb: 'GetDoNotDisturbResponse',
  SnapshotDevice: 'SnapshotDeviceResponse',
  SnapshotCall: 'SnapshotCallResponse',
  SystemStatus: 'SystemStatusResponse',
} as const satisfies { [K in CstaRequest['type']]: CstaResponse['type'] };

/** The positive response of request type `T`. */
export type CstaResponseTo<T extends CstaRequest['type']> = Extract<CstaResponse, { type: (typeof CSTA_RESPONSE_OF)[T] }>;
