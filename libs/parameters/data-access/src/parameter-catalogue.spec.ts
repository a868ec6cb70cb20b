import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARAMETER_APPLICATION_CODES } from '@tws/contracts';
import { catalogueParameters, findParameter, PARAMETER_CATALOGUE } from './parameter-catalogue';
import { defaultText } from './parameter-types';

/** Every parameter the guide names (6.1, 8.1, 8.2.1, 9.1.3–9.1.8, 9.2.1, 9.6.2, 9.7.2, 10.2). */
const GUIDE_NAMES: Record<string, string[]> = {
  system: ['timeSynchronizationDirectories', 'CallLog-StartCleaningHour', 'CallLog-NumberMaxOfStorage', 'CallLog-NumberDaysOfStorage', 'Stats-StartCleaningHour', 'Stats-NumberDaysOfStorage', 'DisplayCalendarSummary', 'DisplayCalendarPrivate'],
  server: ['AuthMethods', 'AuthLdapServer', 'AuthLdapPort', 'AuthLdapDn', 'smtp', 'SmtAuthUserName', 'SmtAuthPassword', 'SmtServerPort'],
  caller: [
    'vmNumber', 'MapServiceURL', 'AuthorizeSupervisionInformation', 'SupervisionInformationGroup', 'AuthorizeShareRulesGroup',
    'AuthorizeChat', 'AuthorizeContactFavorite', 'AuthorizeHotKeys', 'AuthorizeHotKeysExe', 'AuthorizeInterception', 'AuhtorizeNote',
    'AuthorizeP2pAppSharing', 'AuthorizePublicList', 'AuthorizeSimpleRules', 'AuthorizeSms', 'AuhtorizedCurrentDevice',
    'AuthorizedAdvancedSearch', 'AuthorizedCalendarPresences', 'AuthorizedCreateProfil', 'AuthorizedCustomMessagePresences',
    'AuthorizedEmailNotification', 'AuthorizedExternalChat', 'AuthorizedMultiChat', 'AuthorizedSaveChat', 'AuthorizedPhoneSupervisionPresences',
    'DisplaySimpleRules', 'AuthorizedForwardOriginAll', 'AuthorizedForwardOriginExternal', 'AuthorizedForwardOriginInternal',
    'AuthorizedForwardPresenceAsbsent', 'AuthorizedForwardPresenceBusy', 'AuthorizedForwardPresenceCalendar', 'AuthorizedForwardPresenceOffline',
    'AuthorizedForwardPresenceOnline', 'AuthorizedForwardTypeBusy', 'AuthorizedForwardTypeImmediate', 'AuthorizedForwardTypeNoAnswer',
  ],
  alerter: ['AlerterWidth', 'AlerterHeight', 'AlerterMode', 'AlerterXml', 'AlerterUrl'],
  rules: ['CIRCULARLEVEL', 'CreateOnlyRUL', 'EMERGENCYNUMBER', 'EMERGENCYNUMBERCALLTIMES', 'IsUserAuthorizedToCreateWithAdminRules', 'TRANSFERVERIFICATION', 'WAITTIMENOREPLY', 'WAITTIMENOREPLYPBX'],
  mediaserver: ['AppSharingRouterIP', 'AppSharingRouterPort', 'MediaServerSIP_IP', 'MediaServerSIP_Port'],
};

test('the catalogue has every parameter the guide names, spelled as the guide does, in the right application', () => {
  for (const [application, names] of Object.entries(GUIDE_NAMES)) {
    for (const name of names) {
      const p = PARAMETER_CATALOGUE.find((d) => d.name === name);
      assert.ok(p, `${name} is missing`);
      assert.equal(p.application, application, name);
    }
  }
});

test('every default is valid for its type, and every application of the menu has parameters', () => {
  for (const d of PARAMETER_CATALOGUE) {
    assert.doesNotThrow(() => defaultText(d), d.name);
    assert.ok(d.description.length > 10, `${d.name} has a description`);
    assert.ok(d.scopes.length > 0, d.name);
    assert.equal(d.default === null, d.type === 'secret', `${d.name}: only secrets have no default`);
  }
  for (const code of PARAMETER_APPLICATION_CODES) assert.ok(catalogueParameters({ application: code, expert: true }).length > 0, code);
});

test('the guide\'s stated defaults and types', () => {
  const p = (n: string) => findParameter(n)!;
  assert.equal(p('AuthMethods').type, 'list');
  assert.equal(defaultText(p('AuthMethods')), 'TWS');
  assert.deepEqual(p('AuthMethods').values, ['TWS', 'LDAP', 'WindowsSecurity', 'None']);
  assert.equal(p('AuthLdapDn').default, '?');
  assert.equal(p('CallLog-NumberMaxOfStorage').default, 30);
  assert.equal(p('CallLog-NumberDaysOfStorage').default, 30);
  assert.equal(p('AppSharingRouterPort').default, 8202);
  assert.equal(p('MediaServerSIP_Port').default, 8201);
  assert.equal(p('timeSynchronizationDirectories').type, 'time');
  assert.equal(p('SmtAuthPassword').type, 'secret');
  assert.deepEqual(p('AlerterMode').values, ['XML', 'URL']);
  // Expert mode, as the guide says (8.2.1, 9.1.5, 9.1.7, 9.1.8, 9.7.2).
  for (const n of ['timeSynchronizationDirectories', 'SmtServerPort', 'SmtAuthUserName', 'SmtAuthPassword', 'SupervisionInformationGroup', 'AuthorizedAdvancedSearch', 'MediaServerSIP_IP', 'MediaServerSIP_Port']) {
    assert.equal(p(n).expert, true, n);
  }
  for (const n of ['AuthMethods', 'smtp', 'vmNumber', 'AuthorizeChat', 'AppSharingRouterIP']) assert.equal(p(n).expert, false, n);
  // "only on the domain or as the default value" (9.1.7); cleaning hours are system-wide (10.2).
  assert.deepEqual(p('SupervisionInformationGroup').scopes, ['default', 'domain']);
  assert.deepEqual(p('CallLog-StartCleaningHour').scopes, ['default']);
});

test('look-up is case-insensitive and accepts the corrected spellings of the guide\'s typos', () => {
  assert.equal(findParameter('authmethods')?.name, 'AuthMethods');
  assert.equal(findParameter('AuthorizeNote')?.name, 'AuhtorizeNote');
  assert.equal(findParameter('SmtpAuthPassword')?.name, 'SmtAuthPassword');
  assert.equal(findParameter('NoSuchParameter'), undefined);
});

test('expert parameters are left out unless asked for', () => {
  const normal = catalogueParameters({ application: 'caller' });
  const all = catalogueParameters({ application: 'caller', expert: true });
  assert.ok(normal.every((d) => !d.expert));
  assert.ok(all.length > normal.length);
});
