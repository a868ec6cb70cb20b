import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthMethods } from './auth-methods';

test('AuthMethods: the guide\'s "|" list, in order, case-insensitive, unknown and repeated names dropped', () => {
  assert.deepEqual(parseAuthMethods('TWS'), ['TWS']);
  assert.deepEqual(parseAuthMethods('WindowsSecurity|TWS'), ['WindowsSecurity', 'TWS']);
  assert.deepEqual(parseAuthMethods(' ldap | tws |LDAP|Kerberos|none'), ['LDAP', 'TWS', 'None']);
  assert.deepEqual(parseAuthMethods(['None']), ['None']);
  assert.deepEqual(parseAuthMethods(''), []);
  assert.deepEqual(parseAuthMethods(null), []);
});
