import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password-hash';

test('a hashed password verifies; another does not; the hash never contains it', async () => {
  const sut = await hashPassword('Tél3phone!');
  assert.match(sut, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!sut.includes('Tél3phone!'));
  assert.equal(await verifyPassword('Tél3phone!', sut), true);
  assert.equal(await verifyPassword('Tel3phone!', sut), false);
  assert.notEqual(await hashPassword('Tél3phone!'), sut, 'salted');
});

test('malformed or foreign hashes never verify', async () => {
  assert.equal(await verifyPassword('x', 'md5$abc'), false);
  assert.equal(await verifyPassword('x', 'scrypt$0$8$1$AA==$AA=='), false);
  assert.equal(await verifyPassword('', DUMMY_PASSWORD_HASH), false);
});
