import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord } from '@tws/directories-mapping';
import { compileUserMapping, DEFAULT_FIELDS, mapUserEntry, normalizeCulture } from './user-import.mapping';

const record = (values: Record<string, string>, stableId?: string): SourceRecord => ({
  ref: `uid=${values['uid'] ?? '?'},ou=people`,
  values: new Map(Object.entries(values).map(([k, v]) => [k, [v]])),
  ...(stableId ? { stableId } : {}),
});
const compiled = (fields = DEFAULT_FIELDS.ldap) => {
  const c = compileUserMapping(fields);
  assert.ok(c.ok);
  return c.mapping;
};
const asIs = { culture: 'auto', deviceNumber: (n: string) => n.replace(/[\s.\-/()]/g, '') };

test('the mapping needs a login and a number field, and refuses directory-only options', () => {
  const bad = compileUserMapping({ username: '', number: 'telephonenumber|i', lastName: 'sn|z' });
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.issues.map((i) => i.path), ['fields.lastName', 'fields.number', 'fields.username']);
  assert.deepEqual(compiled().sources, ['givenname', 'mail', 'mobile', 'sn', 'telephonenumber', 'uid']);
});

test('an entry becomes a user row; the ID is the stable id, else the login', () => {
  const e = mapUserEntry(record({ uid: 'hdene', sn: 'Déné', givenname: 'Hélène', mail: 'h@x.test', telephonenumber: '01 55 17 18 89' }, 'abc-1'), compiled(), asIs);
  assert.ok(e.ok);
  assert.deepEqual([e.row.externalId, e.row.username, e.row.lastName, e.row.number, e.row.email, e.row.gsm, e.row.culture], ['abc-1', 'hdene', 'Déné', '0155171889', 'h@x.test', null, 'en-US']);
  const noStable = mapUserEntry(record({ uid: 'Bob', telephonenumber: '4002' }), compiled(), asIs);
  assert.ok(noStable.ok && noStable.row.externalId === 'login:bob');
});

test('ignored entries say why', () => {
  const reasons = [
    record({ uid: 'nonum', sn: 'X' }),
    record({ uid: 'a b', telephonenumber: '4001' }),
    record({ uid: 'x', telephonenumber: 'n/a' }),
    record({ uid: 'y', telephonenumber: '4001', mail: 'not-mail' }),
    record({ sn: 'nologin', telephonenumber: '4001' }, 'id-9'),
  ].map((r) => {
    const e = mapUserEntry(r, compiled(), asIs);
    assert.ok(!e.ok);
    return e.reason;
  });
  assert.deepEqual(reasons, [
    'no telephone number',
    'the login "a b" is not valid (no spaces, "@", "/" or "\\")',
    'the telephone number "n/a" is not a device number (digits, "*", "#" or "+", at most 32)',
    'the e-mail "not-mail" is not valid',
    'no login (the field "uid" is empty or missing)',
  ]);
});

test('culture: auto takes the mapped field (normalized), else en-US; a fixed culture wins', () => {
  assert.deepEqual(['fr', 'fr_fr', 'DE-de', 'french', ''].map(normalizeCulture), ['fr', 'fr-FR', 'de-DE', undefined, undefined]);
  const m = compiled({ ...DEFAULT_FIELDS.ldap, culture: 'preferredlanguage' });
  const r = record({ uid: 'a', telephonenumber: '4001', preferredlanguage: 'fr_FR' });
  assert.equal((mapUserEntry(r, m, asIs) as { row: { culture: string } }).row.culture, 'fr-FR');
  assert.equal((mapUserEntry(r, m, { ...asIs, culture: 'de-DE' }) as { row: { culture: string } }).row.culture, 'de-DE');
  assert.equal((mapUserEntry(record({ uid: 'a', telephonenumber: '4001', preferredlanguage: 'klingon' }), m, asIs) as { row: { culture: string } }).row.culture, 'en-US');
});

test('options apply to user fields too (upper-case last name, hashed ID)', () => {
  const m = compiled({ ...DEFAULT_FIELDS.ldap, id: 'uid|h', lastName: 'sn|u' });
  const e = mapUserEntry(record({ uid: 'a', sn: 'Martin', telephonenumber: '4001' }), m, asIs);
  assert.ok(e.ok);
  assert.equal(e.row.lastName, 'MARTIN');
  assert.match(e.row.externalId, /^[0-9a-f]{64}$/);
});
