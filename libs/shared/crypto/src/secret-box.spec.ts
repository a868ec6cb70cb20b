import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecretKey, SecretBox } from './secret-box';

test('seals and opens; ciphertext never contains the secret and differs each time', () => {
  const sut = new SecretBox(generateSecretKey());
  const a = sut.seal('pbx-password');
  const b = sut.seal('pbx-password');
  assert.notEqual(a, b);
  assert.ok(!a.includes('pbx-password'));
  assert.equal(sut.open(a), 'pbx-password');
});

test('sealOptional seals a string and passes null and undefined through', () => {
  const sut = new SecretBox(generateSecretKey());
  assert.equal(sut.open(sut.sealOptional('sip-secret')), 'sip-secret');
  assert.equal(sut.sealOptional(null), null);
  assert.equal(sut.sealOptional(undefined), undefined);
});

test('another key cannot open, and says so', () => {
  const sealed = new SecretBox(generateSecretKey()).seal('x');
  assert.throws(() => new SecretBox(generateSecretKey()).open(sealed), /wrong TWS_SECRET_KEY/);
});

test('tampering is detected', () => {
  const sut = new SecretBox(generateSecretKey());
  const parts = sut.seal('secret').split(':');
  parts[3] = Buffer.from('other!').toString('base64');
  assert.throws(() => sut.open(parts.join(':')), /cannot decrypt/);
});
