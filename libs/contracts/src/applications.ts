/**
 * The applications of the guide's licence table (3.3.2), in its order. The code is what the API,
 * authorizations, licence files and application parameters use.
 */
export const APPLICATIONS = [
  { code: 'toolkit-runtime', label: 'TWS Toolkit Runtime' },
  { code: 'opencall', label: 'TWS OpenCall' },
  { code: 'caller', label: 'TWS Caller' },
  { code: 'alerter', label: 'TWS Alerter' },
  { code: 'stats', label: 'TWS Stats' },
  { code: 'stats-admin', label: 'TWS Stats Admin' },
  { code: 'rules', label: 'TWS Rules' },
  { code: 'mail', label: 'TWS Mail' },
  { code: 'recorder', label: 'TWS Recorder' },
  { code: 'portal', label: 'TWS Portal' },
  { code: 'audio-channel', label: 'TWS Audio channel' },
  { code: 'video-channel', label: 'TWS Video channel' },
  { code: 'softphone', label: 'TWS Softphone' },
  { code: 'videoshare', label: 'TWS VideoShare' },
  { code: 'rcc-gateway', label: 'TWS RCC Gateway' },
  { code: 'toolkit', label: 'TWS Toolkit' },
  { code: 'smart-attendant', label: 'TWS Smart Attendant' },
] as const;
export type ApplicationCode = (typeof APPLICATIONS)[number]['code'];
export const APPLICATION_CODES = APPLICATIONS.map((a) => a.code) as [ApplicationCode, ...ApplicationCode[]];

/** Object types of authorizations (guide 7.4). */
export const AUTHORIZATION_OBJECT_TYPES = [
  'application',
  'directory',
  'calendar',
  'intercom-group',
  'phone-queue',
  'call-log',
  'statistics',
  'records',
] as const;
export type AuthorizationObjectType = (typeof AUTHORIZATION_OBJECT_TYPES)[number];

/** Who receives a right: users and groups; phone queues and intercom groups for directories (9.1.7, 9.2.2). */
export const AUTHORIZATION_SUBJECT_TYPES = ['user', 'group', 'phone-queue', 'intercom-group'] as const;
export type AuthorizationSubjectType = (typeof AUTHORIZATION_SUBJECT_TYPES)[number];
