import type { CstaErrorCategory } from './csta-messages';

/**
 * Plain-language meaning of the CSTAErrorCode values (ECMA-269 §12.2), so a refusal reaches a
 * user or an integrator as "the call no longer exists on the PBX", not as "invalidCallID".
 * Values are the ECMA-323 spellings; both the XML short forms (invalidDeviceID) and the ASN.1
 * long forms some switches echo (invalidCstaDeviceIdentifier) are listed.
 */
const MEANINGS: Record<string, string> = {
  // operation
  generic: 'the PBX refused the request without saying why',
  requestIncompatibleWithObject: 'this request does not apply to that device or call',
  valueOutOfRange: 'a value of the request is out of the range the PBX accepts',
  objectNotKnown: 'the PBX does not know the device or call named in the request',
  invalidCallingDevice: 'the calling device is not valid for this PBX',
  invalidCalledDevice: 'the number called is not valid or cannot be reached',
  invalidForwardingDestination: 'the forwarding destination is not valid',
  privilegeViolationOnSpecifiedDevice: 'the device is not allowed to do this (class of service)',
  privilegeViolationOnCalledDevice: 'the called device may not be reached from here (class of service)',
  privilegeViolationOnCallingDevice: 'the calling device is not allowed to make this call (class of service)',
  invalidCallID: 'the call no longer exists on the PBX',
  invalidCstaCallIdentifier: 'the call no longer exists on the PBX',
  invalidDeviceID: 'the device is not known to the PBX',
  invalidCstaDeviceIdentifier: 'the device is not known to the PBX',
  invalidConnectionID: 'the device is not a party to that call',
  invalidCstaConnectionIdentifier: 'the device is not a party to that call',
  invalidDestination: 'the destination is not valid',
  invalidFeature: 'the PBX does not offer this feature',
  invalidAllocationState: 'the call is not in a state that allows this allocation',
  invalidCrossRefID: 'the monitor no longer exists on the PBX',
  invalidObjectType: 'the request names the wrong kind of object',
  securityViolation: 'the PBX refused the request for security reasons (session not open or not allowed)',
  requestIncompatibleWithCallingDevice: 'the calling device cannot do this',
  requestIncompatibleWithCalledDevice: 'the called device cannot do this',
  mediaIncompatible: 'the media of the devices are incompatible',
  // stateIncompatibility
  invalidObjectState: 'the call or device is not in a state that allows this (e.g. nothing ringing, already on hold)',
  noActiveCall: 'there is no active call to act on',
  noHeldCall: 'there is no held call to act on',
  noCallToClear: 'there is no call to clear',
  noConnectionToClear: 'there is no connection to clear',
  noCallToAnswer: 'there is no call to answer',
  noCallToComplete: 'there is no call to complete',
  // systemResourceAvailability
  resourceBusy: 'the PBX is busy; try again',
  resourceOutOfService: 'the PBX resource is out of service',
  networkBusy: 'the network is busy; try again',
  networkOutOfService: 'the network is out of service',
  overallMonitorLimitExceeded: 'the PBX monitors as many devices as it can; raise its CSTA monitor limit',
  conferenceMemberLimitExceeded: 'the conference is full',
  // subscribedResourceAvailability
  objectMonitorLimitExceeded: 'the device is monitored as many times as the PBX allows',
  trunkLimitExceeded: 'no trunk is free',
  outstandingRequestsLimitExceeded: 'too many requests are outstanding on the PBX; slow down',
  // performanceManagement
  performanceLimitExceeded: 'the PBX is overloaded',
};

const CATEGORY_MEANINGS: Record<CstaErrorCategory, string> = {
  operation: 'the request is not valid for the PBX',
  security: 'the PBX refused the request for security reasons',
  stateIncompatibility: 'the call or device is not in a state that allows this',
  systemResourceAvailability: 'the PBX lacks the resources right now',
  subscribedResourceAvailability: 'a subscribed PBX resource is exhausted',
  performanceManagement: 'the PBX is overloaded',
  privateData: 'the PBX refused the request (vendor-specific reason)',
  unspecified: 'the PBX refused the request without saying why',
};

/** One sentence saying what a CSTAErrorCode means to someone who does not read ECMA-269. */
export function describeCstaError(category: CstaErrorCategory, value: string): string {
  return MEANINGS[value] ?? CATEGORY_MEANINGS[category] ?? CATEGORY_MEANINGS.unspecified;
}

/**
 * Whether retrying the same request later may succeed (the switch was busy or overloaded),
 * as opposed to a request that is wrong or no longer applies.
 */
export function isTransientCstaError(category: CstaErrorCategory): boolean {
  return category === 'systemResourceAvailability' || category === 'performanceManagement';
}
