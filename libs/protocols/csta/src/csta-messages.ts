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

export type CstaRequest = MonitorStart | MonitorStop | MakeCall | AnswerCall | ClearConnection | SystemStatus;

export type CstaResponse =
  | MonitorStartResponse
  | MonitorStopResponse
  | MakeCallResponse
  | AnswerCallResponse
  | ClearConnectionResponse
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
  | QueuedEvent;

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
];

export function isCstaEvent(message: CstaMessage): message is CstaEvent {
  return (CSTA_EVENT_TYPES as readonly string[]).includes(message.type);
}
