import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatObjectGuid, toSourceRecord } from './ldap-connector';
import { ldapPort, ldapSettingsSchema } from './ldap-settings';

test('objectGUID is read as AD writes it, and becomes the stable id', () => {
  const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  assert.equal(formatObjectGuid(bytes), '33221100-5544-7766-8899-aabbccddeeff');
  assert.equal(formatObjectGuid(Buffer.alloc(3)), undefined);
  const r = toSourceRecord({ dn: 'CN=A,DC=x', objectGUID: bytes, telephoneNumber: ['1', '2'], sAMAccountName: 'a', empty: [] });
  assert.equal(r.stableId, '33221100-5544-7766-8899-aabbccddeeff');
  assert.deepEqual([...r.values.keys()].sort(), ['objectguid', 'samaccountname', 'telephonenumber'], 'names in lower case, empty ones dropped');
  assert.deepEqual(r.values.get('telephonenumber'), ['1', '2']);
  assert.equal(toSourceRecord({ dn: 'uid=b', entryUUID: 'ABC-1' }).stableId, 'abc-1', 'OpenLDAP entryUUID otherwise');
});

test('settings: defaults of the guide, filter checked, port from TLS', () => {
  const plain = ldapSettingsSchema.parse({ host: 'ldap.example.com', baseDn: 'ou=people,dc=example,dc=com' });
  assert.deepEqual([ldapPort(plain), plain.filter, plain.pageSize, plain.sizeLimit, plain.bindDn], [389, '(objectClass=*)', 0, 0, '']);
  assert.equal(ldapPort(ldapSettingsSchema.parse({ host: '192.0.2.1', baseDn: 'dc=x', tls: true })), 636);
  const bad = ldapSettingsSchema.safeParse({ host: 'bad host', baseDn: 'people', filter: '(objectClass=user' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues.map((i) => i.path.join('.')), ['host', 'baseDn', 'filter']);
});
