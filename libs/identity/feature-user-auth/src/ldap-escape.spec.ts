import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape';

test('DN values: RFC 4514 special characters are escaped, accents kept', () => {
  assert.equal(escapeDnValue('alice'), 'alice');
  assert.equal(escapeDnValue('Zoë Ångström'), 'Zoë Ångström');
  assert.equal(escapeDnValue('admin,ou=x'), 'admin\\,ou\\=x');
  assert.equal(escapeDnValue('Smith, John + "Jr" <boss>; a\\b'), 'Smith\\, John \\+ \\"Jr\\" \\<boss\\>\\; a\\\\b');
  assert.equal(escapeDnValue('#hash'), '\\#hash');
  assert.equal(escapeDnValue(' lead and trail '), '\\ lead and trail\\ ');
  assert.equal(escapeDnValue('nul\0byte'), 'nul\\00byte');
  assert.equal(escapeDnValue('in#side'), 'in#side');
});

test('filter values: RFC 4515 escapes make injection attempts literal', () => {
  assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
  assert.equal(escapeFilterValue('a\\b\0'), 'a\\5cb\\00');
  assert.equal(escapeFilterValue('Zoë'), 'Zoë');
});

test('the "?" of the template is replaced everywhere', () => {
  assert.equal(fillTemplate('uid=?,ou=people,dc=tws,dc=test', 'bob'), 'uid=bob,ou=people,dc=tws,dc=test');
  assert.equal(fillTemplate('?', 'bob'), 'bob');
  assert.equal(fillTemplate('(|(uid=?)(mail=?))', 'x'), '(|(uid=x)(mail=x))');
});
