import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedProxy, windowsUserName } from './trusted-proxy';

test('the proxy header is believed only from the trusted addresses and ranges', () => {
  const sut = new TrustedProxy({ TWS_AUTH_TRUSTED_PROXY_HEADER: 'X-Remote-User', TWS_AUTH_TRUSTED_PROXIES: '10.0.0.5, 192.168.10.0/24,::1' });
  const headers = { 'x-remote-user': ' alice@CORP.LOCAL ' };
  assert.equal(sut.identity(headers, '10.0.0.5'), 'alice@CORP.LOCAL');
  assert.equal(sut.identity(headers, '::ffff:10.0.0.5'), 'alice@CORP.LOCAL', 'IPv4 seen through an IPv6 socket');
  assert.equal(sut.identity(headers, '192.168.10.77'), 'alice@CORP.LOCAL');
  assert.equal(sut.identity(headers, '::1'), 'alice@CORP.LOCAL');
  assert.equal(sut.identity(headers, '10.0.0.6'), undefined);
  assert.equal(sut.identity(headers, undefined), undefined);
  assert.equal(sut.identity({}, '10.0.0.5'), undefined);
  assert.equal(sut.identity({ 'x-remote-user': 'x'.repeat(300) }, '10.0.0.5'), undefined, 'absurd values are ignored');
});

test('off unless configured; a header without proxies is a configuration error', () => {
  const off = new TrustedProxy({});
  assert.equal(off.enabled, false);
  assert.equal(off.identity({ 'x-remote-user': 'alice' }, '127.0.0.1'), undefined);
  assert.throws(() => new TrustedProxy({ TWS_AUTH_TRUSTED_PROXY_HEADER: 'X-Remote-User' }), /TWS_AUTH_TRUSTED_PROXIES is not/);
});

test('Windows login names come down to the user name', () => {
  assert.equal(windowsUserName('alice'), 'alice');
  assert.equal(windowsUserName('alice@CORP.LOCAL'), 'alice');
  assert.equal(windowsUserName('CORP\\alice'), 'alice');
  assert.equal(windowsUserName('CORP\\alice@CORP.LOCAL'), 'alice');
});
