import { type ParameterApplicationCode, type ParameterScope, type ParameterType, type ParameterValue } from '@tws/contracts';
import type { ParameterDefinition } from './parameter-types';

const ALL_SCOPES: readonly ParameterScope[] = ['default', 'domain', 'group', 'user'];
/** System-wide settings (one job for the installation): only the default value is set. */
const SYSTEM_WIDE: readonly ParameterScope[] = ['default'];

const HOST = { regex: /^[A-Za-z0-9._:[\]-]{1,253}$/, hint: 'a host name or IP address' };
const PHONE = { regex: /^[0-9*#+]{1,32}$/, hint: 'a phone number (digits, "*", "#" or "+")' };
const GROUP_NAME = { regex: /^.{1,128}$/, hint: 'a group name (at most 128 characters)' };
const XML_FILE = { regex: /^[A-Za-z0-9 ._-]{1,200}\.xml$/i, hint: 'an XML file name such as default.xml' };

type Options = Partial<Pick<ParameterDefinition, 'values' | 'min' | 'max' | 'pattern' | 'scopes' | 'aliases' | 'expert'>>;

/** A line-maker for one application: `caller('9.1.8', 'AuthorizeChat', 'boolean', true, '…')`. */
const of =
  (application: ParameterApplicationCode) =>
  (guide: string, name: string, type: ParameterType, def: ParameterValue | null, description: string, o: Options = {}): ParameterDefinition => ({
    application,
    name,
    type,
    default: def,
    description,
    guide,
    expert: o.expert ?? false,
    scopes: o.scopes ?? ALL_SCOPES,
    ...(o.values ? { values: o.values } : {}),
    ...(o.min !== undefined ? { min: o.min } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    ...(o.pattern ? { pattern: o.pattern } : {}),
    ...(o.aliases ? { aliases: o.aliases } : {}),
  });

const system = of('system');
const server = of('server');
const caller = of('caller');
const alerter = of('alerter');
const rules = of('rules');
const media = of('mediaserver');
const expert = { expert: true } as const;
const port = { min: 1, max: 65535 } as const;

/**
 * Every parameter the guide names, per application of its *Applications / Applications
 * parameters* menu. Adding one is one line here: web-services writes the catalogue into
 * `parameter_definition` at start (idempotent), values are validated against it at save time.
 * Names are spelled as in the guide, typos included (AuhtorizeNote, SmtAuthPassword...); the
 * corrected spellings are accepted as aliases when looking a parameter up.
 */
export const PARAMETER_CATALOGUE: readonly ParameterDefinition[] = [
  // System settings (8.2.1, 9.1.3, 10.2)
  system('8.2.1', 'timeSynchronizationDirectories', 'time', '02:00', 'Time of day (HH:MM) of the daily synchronization of the directories in "Synchro Auto" mode.', { ...expert, scopes: SYSTEM_WIDE }),
  system('10.2.1', 'CallLog-StartCleaningHour', 'time', '01:00', 'Time of day (HH:MM) at which the cleaning of call logs starts.', { scopes: SYSTEM_WIDE }),
  system('10.2.1', 'CallLog-NumberMaxOfStorage', 'integer', 30, 'Number of call-log lines kept per type of call (incoming, outgoing, missed) after a day.', { min: 0, max: 100_000, scopes: ['default', 'domain'] }),
  system('10.2.1', 'CallLog-NumberDaysOfStorage', 'integer', 30, 'Number of days calls are kept in the logs, regardless of CallLog-NumberMaxOfStorage.', { min: 1, max: 3650, scopes: ['default', 'domain'] }),
  system('10.2.1', 'CallLog-NumberMinOfStorage', 'integer', 30, 'Minimum number of calls kept in the log of a user, regardless of the other settings. (The guide prints this one as a second "CallLog-NumberDaysOfStorage".)', { min: 0, max: 100_000, scopes: ['default', 'domain'] }),
  system('10.2.2', 'Stats-StartCleaningHour', 'time', '02:30', 'Time of day (HH:MM) at which the cleaning of statistics data starts.', { scopes: SYSTEM_WIDE }),
  system('10.2.2', 'Stats-NumberDaysOfStorage', 'integer', 365, 'Number of days statistics data are kept.', { min: 1, max: 3650, scopes: ['default', 'domain'] }),
  system('9.1.3', 'DisplayCalendarSummary', 'boolean', true, 'The calendar event details of a contact are visible (busy state on the contact card; other states by hovering the contact picture).'),
  system('9.1.3', 'DisplayCalendarPrivate', 'boolean', false, 'PRIVATE calendar events (state and details) are visible to other users. Normal events are visible to the same users anyway.'),

  // TWS Server (6.1, 6.3, 9.1.5)
  server('6.1', 'AuthMethods', 'list', 'TWS', 'Authentication methods, several separated by "|": TWS (password set in the administration), LDAP, WindowsSecurity (Windows session), None (user name only).', { values: ['TWS', 'LDAP', 'WindowsSecurity', 'None'] }),
  server('6.3', 'AuthLdapServer', 'string', '', 'IP address (or host name) of the LDAP server used by the LDAP authentication method.', { pattern: HOST }),
  server('6.3', 'AuthLdapPort', 'integer', 389, 'Port of the LDAP server.', port),
  server('6.3', 'AuthLdapDn', 'string', '?', 'Where to point in the LDAP tree; "?" is replaced by the user name, e.g. "OU=PARIS, DC=SSDEI, DC=local, CN=?".'),
  // Beyond the guide (docs/authentication.md): TLS, and a service account that searches for the user's DN.
  server('6.3', 'AuthLdapSecurity', 'enum', 'None', 'Transport security of the LDAP authentication: None (plain LDAP), StartTLS (upgrade on the LDAP port) or LDAPS (TLS from the start, usually port 636). The server certificate is always checked.', { values: ['None', 'StartTLS', 'LDAPS'] }),
  server('6.3', 'AuthLdapSearchBase', 'string', '', 'Search mode: when set, the user\'s DN is searched under this base (AuthLdapSearchFilter) instead of being built from AuthLdapDn.', expert),
  server('6.3', 'AuthLdapSearchFilter', 'string', '(uid=?)', 'Search mode: the filter finding the user; "?" is replaced by the escaped user name, e.g. "(sAMAccountName=?)" for Active Directory.', expert),
  server('6.3', 'AuthLdapBindDn', 'string', '', 'Search mode: DN of the service account that searches (empty: anonymous search).', expert),
  server('6.3', 'AuthLdapBindPassword', 'secret', null, 'Search mode: password of the service account (write-only, encrypted).', expert),
  server('9.1.5', 'smtp', 'string', '', 'Address of the SMTP server that sends the e-mail alerts (missed calls).', { pattern: HOST }),
  server('9.1.5', 'SmtServerPort', 'integer', 25, 'Port of the SMTP server.', { ...expert, ...port, aliases: ['SmtpServerPort'] }),
  server('9.1.5', 'SmtAuthUserName', 'string', '', 'User name of the SMTP account (empty: no authentication).', { ...expert, aliases: ['SmtpAuthUserName'] }),
  server('9.1.5', 'SmtAuthPassword', 'secret', null, 'Password of the SMTP account (write-only, encrypted).', { ...expert, aliases: ['SmtpAuthPassword'] }),

  // TWS Caller (8.1, 9.1.4, 9.1.7, 9.1.8)
  caller('9.1.4', 'vmNumber', 'string', '', 'Voicemail number called by the voicemail button of the Caller sidebar.', { pattern: PHONE }),
  caller('8.1', 'MapServiceURL', 'url', 'https://www.openstreetmap.org/search?query=', 'Mapping website opened for address fields (directory field option "a"); the address is appended.'),
  caller('9.1.7', 'AuthorizeSupervisionInformation', 'string', '', 'Name of the group of users (the bosses) whose call details this user, group or domain sees from their contact cards. Empty: none.', { pattern: GROUP_NAME }),
  caller('9.1.7', 'SupervisionInformationGroup', 'string', '', 'Intercom group whose directory rights resolve caller names in supervision information, when the bosses belong to several intercom groups.', { ...expert, pattern: GROUP_NAME, scopes: ['default', 'domain'] }),
  caller('9.1.7', 'AuthorizeShareRulesGroup', 'string', '', 'Name of the group of users whose first active forward rule this user, group or domain sees by hovering the contact photo. Empty: none.', { pattern: GROUP_NAME }),
  caller('9.1.8', 'AuthorizeChat', 'boolean', true, 'Text chat between users: the chat button appears on the contact card.'),
  caller('9.1.8', 'AuthorizeContactFavorite', 'boolean', true, 'Creating private contacts: the new-contact button appears in the contacts manager.'),
  caller('9.1.8', 'AuthorizeHotKeys', 'boolean', true, 'Keyboard shortcuts Ctrl+F1 to Ctrl+F11 call the chosen contacts of the contact list.'),
  caller('9.1.8', 'AuthorizeHotKeysExe', 'boolean', true, 'Keyboard shortcut Ctrl+F12 calls the highlighted number (users can change it in the Caller preferences).'),
  caller('9.1.8', 'AuthorizeInterception', 'boolean', true, 'Intercepting calls arriving at the contacts\' devices.'),
  caller('9.1.8', 'AuhtorizeNote', 'boolean', true, 'Posting public notes: the note fields appear in the event log window.', { aliases: ['AuthorizeNote'] }),
  caller('9.1.8', 'AuthorizeP2pAppSharing', 'boolean', true, 'Starting an application sharing from the PC: the button appears in the chat window.'),
  caller('9.1.8', 'AuthorizePublicList', 'boolean', true, 'Making a private list public: the button appears in the list manager of the contacts manager.'),
  caller('9.1.8', 'AuthorizeSimpleRules', 'boolean', true, 'Creating, changing and deleting forwarding rules (simple or advanced): the rule buttons appear.'),
  caller('9.1.8', 'AuthorizeSms', 'boolean', true, 'Sending SMS to the mobile number of a contact: the SMS button appears on the contact card.'),
  caller('9.1.8', 'AuhtorizedCurrentDevice', 'boolean', true, 'Creating a new current device: the button appears in the profile tab.', { aliases: ['AuthorizedCurrentDevice'] }),
  caller('9.1.8', 'AuthorizedAdvancedSearch', 'boolean', true, 'Advanced search (magnifying glass of the search box).', expert),
  caller('9.1.8', 'AuthorizedCalendarPresences', 'boolean', true, 'Viewing the calendar events of contacts in the contact lists.', expert),
  caller('9.1.8', 'AuthorizedCreateProfil', 'boolean', true, 'Creating a new profile from the Caller preferences.', expert),
  caller('9.1.8', 'AuthorizedCustomMessagePresences', 'boolean', true, 'Creating and using custom presence messages.', expert),
  caller('9.1.8', 'AuthorizedEmailNotification', 'boolean', true, 'Configuring e-mail notifications of missed calls and voicemails.', expert),
  caller('9.1.8', 'AuthorizedExternalChat', 'boolean', true, 'Chatting with external parties when an external collaboration account is configured.', expert),
  caller('9.1.8', 'AuthorizedMultiChat', 'boolean', true, 'Chatting during a conference session.', expert),
  caller('9.1.8', 'AuthorizedSaveChat', 'boolean', true, 'Configuring the backup of instant messages (No: messages are never saved).', expert),
  caller('9.1.8', 'AuthorizedPhoneSupervisionPresences', 'boolean', true, 'Viewing the phone supervision events of contacts in the contact lists.', expert),
  caller('9.1.8', 'DisplaySimpleRules', 'boolean', true, 'Viewing, in the Profiles preferences, the forward rules created or enabled from the telephone.', expert),
  caller('9.1.8', 'AuthorizedForwardOriginAll', 'boolean', true, 'Forward rules on calls of any origin.', expert),
  caller('9.1.8', 'AuthorizedForwardOriginExternal', 'boolean', true, 'Forward rules on external calls.', expert),
  caller('9.1.8', 'AuthorizedForwardOriginInternal', 'boolean', true, 'Forward rules on internal calls.', expert),
  caller('9.1.8', 'AuthorizedForwardPresenceAsbsent', 'boolean', true, 'Forward rules for the "absent" presence.', { ...expert, aliases: ['AuthorizedForwardPresenceAbsent'] }),
  caller('9.1.8', 'AuthorizedForwardPresenceBusy', 'boolean', true, 'Forward rules for the "busy" presence.', expert),
  caller('9.1.8', 'AuthorizedForwardPresenceCalendar', 'boolean', true, 'Forward rules driven by the calendar presence.', expert),
  caller('9.1.8', 'AuthorizedForwardPresenceOffline', 'boolean', true, 'Forward rules for the "offline" presence.', expert),
  caller('9.1.8', 'AuthorizedForwardPresenceOnline', 'boolean', true, 'Forward rules for the "online" presence.', expert),
  caller('9.1.8', 'AuthorizedForwardTypeBusy', 'boolean', true, 'Forward-on-busy rules.', expert),
  caller('9.1.8', 'AuthorizedForwardTypeImmediate', 'boolean', true, 'Immediate forward rules.', expert),
  caller('9.1.8', 'AuthorizedForwardTypeNoAnswer', 'boolean', true, 'Forward-on-no-answer rules.', expert),

  // TWS Alerter (9.2.1)
  alerter('9.2.1', 'AlerterWidth', 'integer', 400, 'Width of the Alerter window, in pixels.', { min: 100, max: 4000 }),
  alerter('9.2.1', 'AlerterHeight', 'integer', 250, 'Height of the Alerter window, in pixels.', { min: 100, max: 4000 }),
  alerter('9.2.1', 'AlerterMode', 'enum', 'XML', 'XML: phone buttons and the caller information laid out by AlerterXml; URL: phone buttons and the page of AlerterUrl.', { values: ['XML', 'URL'] }),
  alerter('9.2.1', 'AlerterXml', 'string', 'default.xml', 'XML file laying out the caller information when AlerterMode is XML.', { pattern: XML_FILE }),
  alerter('9.2.1', 'AlerterUrl', 'url', '', 'Web page shown when AlerterMode is URL; fields such as [-DisplayName-] are replaced, e.g. http://www.google.fr/search?q=[-DisplayName-].'),

  // TWS Rules (9.6.2)
  rules('9.6.2', 'CIRCULARLEVEL', 'integer', 2, 'Forward loops refused (no forward is done): 0 = no verification, 1 = A cannot forward to A, 2 = B cannot forward to B nor to A which forwards to B...', { min: 0, max: 10 }),
  rules('9.6.2', 'CreateOnlyRUL', 'boolean', false, 'Users only have advanced rules: no forward is set in the PBX any more.'),
  rules('9.6.2', 'EMERGENCYNUMBER', 'string', '', 'Number called when the forward destination does not answer (with TRANSFERVERIFICATION).', { pattern: PHONE }),
  rules('9.6.2', 'EMERGENCYNUMBERCALLTIMES', 'integer', 1, 'Number of times the emergency number is called when nobody answers.', { min: 1, max: 10 }),
  rules('9.6.2', 'IsUserAuthorizedToCreateWithAdminRules', 'boolean', true, 'Users may create their own forward rules when the administrator imposes others.'),
  rules('9.6.2', 'TRANSFERVERIFICATION', 'boolean', false, 'Forwarded calls are checked to be answered; a wrong forward number diverts to EMERGENCYNUMBER.'),
  rules('9.6.2', 'WAITTIMENOREPLY', 'integer', 20, 'Seconds an advanced rule waits before forwarding on no answer.', { min: 1, max: 600 }),
  rules('9.6.2', 'WAITTIMENOREPLYPBX', 'integer', 20, 'Seconds a PBX (simple) rule waits before forwarding on no answer; copy the PBX value.', { min: 1, max: 600 }),

  // TWS MediaServer (9.7.2)
  media('9.7.2', 'AppSharingRouterIP', 'string', '127.0.0.1', 'Address of the server running the application-sharing router (appsharing-router). Set it to the TWS server address.', { pattern: HOST }),
  media('9.7.2', 'AppSharingRouterPort', 'integer', 8202, 'Port of the application-sharing router.', port),
  media('9.7.2', 'MediaServerSIP_IP', 'string', '127.0.0.1', 'Address of the server running the conference bridge (conferenceservices). Change it when that server is remote.', { ...expert, pattern: HOST }),
  media('9.7.2', 'MediaServerSIP_Port', 'integer', 8201, 'SIP port of the conference bridge for audio/video conferencing.', { ...expert, ...port }),
];

const byKey = new Map<string, ParameterDefinition>();
for (const d of PARAMETER_CATALOGUE) {
  for (const key of [d.name, ...(d.aliases ?? [])].map((k) => k.toLowerCase())) {
    if (byKey.has(key)) throw new Error(`catalogue: "${key}" names two parameters`);
    byKey.set(key, d);
  }
}

/** The parameter called `name` (case-insensitive; the corrected spellings of the guide's typos too). */
export function findParameter(name: string): ParameterDefinition | undefined {
  return byKey.get(name.toLowerCase());
}

/** Parameters of one application (all when absent), expert ones only when asked. */
export function catalogueParameters(opts: { application?: ParameterApplicationCode; expert?: boolean } = {}): ParameterDefinition[] {
  return PARAMETER_CATALOGUE.filter((d) => (!opts.application || d.application === opts.application) && (opts.expert || !d.expert));
}
