import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeParameterValue, parseParameterValue, type ParameterDefinition } from './parameter-types';

const def = (o: Partial<ParameterDefinition>): ParameterDefinition => ({
  application: 'caller',
  name: 'P',
  type: 'string',
  default: '',
  description: '',
  expert: false,
  scopes: ['default', 'domain', 'group', 'user'],
  guide: '0',
  ...o,
});
const ok = (d: ParameterDefinition, v: unknown) => {
  const r = parseParameterValue(d, v);
  assert.ok(r.ok, `${JSON.stringify(v)} refused: ${!r.ok && r.reason}`);
  return r.text;
};
const refused = (d: ParameterDefinition, v: unknown) => {
  const r = parseParameterValue(d, v);
  assert.ok(!r.ok, `${JSON.stringify(v)} accepted`);
  return r.reason;
};

test('booleans: true/false and the guide\'s Yes/No, stored as true/false', () => {
  const sut = def({ type: 'boolean', default: true });
  assert.equal(ok(sut, true), 'true');
  assert.equal(ok(sut, 'No'), 'false');
  assert.equal(ok(sut, 'YES'), 'true');
  assert.match(refused(sut, 'maybe'), /true or false/);
  assert.equal(decodeParameterValue(sut, 'false'), false);
});

test('integers: numbers or digit strings within the bounds', () => {
  const sut = def({ type: 'integer', min: 1, max: 65535, default: 389 });
  assert.equal(ok(sut, 636), '636');
  assert.equal(ok(sut, ' 25 '), '25');
  assert.match(refused(sut, 0), /between 1 and 65535/);
  assert.match(refused(sut, 2.5), /integer/);
  assert.match(refused(sut, '12a'), /integer/);
  assert.equal(decodeParameterValue(sut, '636'), 636);
});

test('enums: one of the values, case-insensitive, stored with the catalogue\'s spelling', () => {
  const sut = def({ type: 'enum', values: ['XML', 'URL'], default: 'XML' });
  assert.equal(ok(sut, 'url'), 'URL');
  assert.match(refused(sut, 'HTML'), /one of XML, URL/);
});

test('lists: an array or "A|B", each among the values, duplicates dropped', () => {
  const sut = def({ type: 'list', values: ['TWS', 'LDAP', 'WindowsSecurity', 'None'], default: 'TWS' });
  assert.equal(ok(sut, 'TWS|windowssecurity'), 'TWS|WindowsSecurity');
  assert.equal(ok(sut, ['LDAP', 'TWS', 'LDAP']), 'LDAP|TWS');
  assert.match(refused(sut, 'TWS|Kerberos'), /"Kerberos" is not one of/);
  assert.match(refused(sut, 'TWS||LDAP'), /empty/);
  assert.match(refused(sut, []), /at least one/);
  assert.deepEqual(decodeParameterValue(sut, 'LDAP|TWS'), ['LDAP', 'TWS']);
});

test('times: HH:MM only', () => {
  const sut = def({ type: 'time', default: '02:00' });
  assert.equal(ok(sut, '23:59'), '23:59');
  for (const bad of ['24:00', '2:00', '12:60', '12h30', 1230]) assert.match(refused(sut, bad), /HH:MM/);
});

test('urls: http(s) or empty; the Alerter\'s [-Field-] placeholders are fine', () => {
  const sut = def({ type: 'url' });
  assert.equal(ok(sut, 'http://www.google.fr/search?q=[-DisplayName-]'), 'http://www.google.fr/search?q=[-DisplayName-]');
  assert.equal(ok(sut, ''), '');
  assert.match(refused(sut, 'ftp://example.com/'), /http or https/);
  assert.match(refused(sut, 'not a url'), /URL/);
});

test('strings: trimmed, pattern checked, empty allowed', () => {
  const sut = def({ pattern: { regex: /^[0-9]+$/, hint: 'digits' } });
  assert.equal(ok(sut, ' 8888 '), '8888');
  assert.equal(ok(sut, ''), '');
  assert.match(refused(sut, '88a'), /must be digits/);
  assert.match(refused(sut, 8888), /text/);
});

test('secrets: any non-empty text, kept as given', () => {
  const sut = def({ type: 'secret', default: null });
  assert.equal(ok(sut, ' p@ss '), ' p@ss ');
  assert.match(refused(sut, ''), /non-empty/);
});
