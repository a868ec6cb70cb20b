import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collaborationServerIssues, createVtiXmlLinkSchema, dialableNumber, isHost, isHttpUrl } from './telephony.schemas';

test('hosts: IPv4, IPv6 and host names; not addresses out of range, spaces, schemes or ports', () => {
  for (const ok of ['192.0.2.10', '0.0.0.0', '2001:db8::1', 'pbx', 'pbx-1.acme.test', 'server_exchange.local']) assert.equal(isHost(ok), true, ok);
  for (const bad of ['999.1.2.3', '192.0.2', 'pbx acme', 'http://pbx', 'pbx:3199', '-pbx', 'a..b', '']) assert.equal(isHost(bad), false, bad);
});

test('URLs: absolute http(s) only', () => {
  for (const ok of ['http://www.ecosms.fr/ecosms.wsdl', 'https://outlook.office365.com/ews/Exchange.asmx', 'https://10.0.0.5:8443/x']) assert.equal(isHttpUrl(ok), true, ok);
  for (const bad of ['www.ecosms.fr/ecosms.wsdl', 'ftp://x/y.wsdl', 'file:///etc/passwd', 'javascript:alert(1)', 'http://']) assert.equal(isHttpUrl(bad), false, bad);
});

test('numbers: dialable characters only, "+" first', () => {
  for (const ok of ['4001', '+33155171889', '*8198', '#21#']) assert.equal(dialableNumber.safeParse(ok).success, true, ok);
  for (const bad of ['', '40 01', '40-01', '33+1', '4001a', '1'.repeat(33)]) assert.equal(dialableNumber.safeParse(bad).success, false, bad);
});

test('VTI-XML defaults and site.cluster in either notation of the guide', () => {
  assert.deepEqual(createVtiXmlLinkSchema.parse({ host: '192.1.3.253' }), { host: '192.1.3.253', port: 3199, siteCluster: '0.0', capacity: 500, audit: 5000, enabled: true });
  assert.equal(createVtiXmlLinkSchema.parse({ host: 'x', siteCluster: '2,15' }).siteCluster, '2.15');
  assert.equal(createVtiXmlLinkSchema.safeParse({ host: 'x', siteCluster: '2' }).success, false);
});

test('collaboration servers: the host each type needs', () => {
  assert.deepEqual(collaborationServerIssues({ type: 'Exchange 2010', host: 'https://ex/ews/Exchange.asmx', msDomain: null }), []);
  assert.deepEqual(collaborationServerIssues({ type: 'Exchange', host: 'ex.local', msDomain: null }).map((i) => i.path), ['host']);
  assert.deepEqual(collaborationServerIssues({ type: 'Lotus', host: 'domino.acme', msDomain: null }), []);
  assert.deepEqual(collaborationServerIssues({ type: 'Google Apps', host: 'anything at all', msDomain: null }).map((i) => i.path), ['msDomain']);
});
