import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  canonicalJson,
  checkLicenceApplies,
  createLicence,
  isLicenceExpired,
  LicenceFileError,
  parseExpiry,
  signLicence,
  verifyLicence,
  type LicenceRefusal,
} from './licence-file';
import { generateLicenceKeyPair, licenceKeyId, parseLicencePrivateKey, parseLicencePublicKey } from './licence-keys';

const pair = generateLicenceKeyPair();
const privateKey = parseLicencePrivateKey(pair.privateKeyPem);
const publicKey = parseLicencePublicKey(pair.publicKeyPem);
const INSTALLATION = '0123456789ABCDEF';

const make = (over: Partial<Parameters<typeof createLicence>[0]> = {}) =>
  createLicence({ installationId: INSTALLATION, issuedTo: 'SSDEI', applications: { caller: 400, toolkit: 202, 'toolkit-runtime': 400 }, ...over }, privateKey);

/** Asserts `fn` throws a LicenceFileError with this reason; returns it. */
function refused(fn: () => unknown, reason: LicenceRefusal): LicenceFileError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof LicenceFileError, `expected a LicenceFileError (${reason}), got ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  return caught;
}

/** Edits the parsed file and serializes it back (what someone tampering with it would do). */
const edit = (text: string, change: (doc: any) => void) => {
  const doc = JSON.parse(text);
  change(doc);
  return JSON.stringify(doc, null, 2);
};

describe('licence file: sign and verify', () => {
  test('a created file verifies and says what was created, every application of the table listed', () => {
    const { text, licence } = make({ expiresAt: new Date('2027-12-31T23:59:59.999Z') });
    const sut = verifyLicence(text, publicKey);
    assert.deepEqual(sut, licence);
    assert.equal(sut.installationId, INSTALLATION);
    assert.equal(sut.issuedTo, 'SSDEI');
    assert.equal(sut.expiresAt?.toISOString(), '2027-12-31T23:59:59.999Z');
    assert.equal(sut.keyId, pair.keyId);
    assert.equal(Object.keys(sut.applications).length, 17);
    assert.equal(Object.keys(sut.applications)[0], 'toolkit-runtime', 'in the order of the guide');
    assert.equal(sut.applications.caller, 400);
    assert.equal(sut.applications['smart-attendant'], 0, 'not listed: none');
    const doc = JSON.parse(text);
    assert.equal(doc.format, 'tws-licence/1');
    assert.equal(doc.signature.algorithm, 'Ed25519');
    assert.match(doc.licence.licenceId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(doc.licence.applications), ['toolkit-runtime', 'caller', 'toolkit'], 'the file lists what was given, in guide order');
  });

  test('the signature covers the content, not its layout: re-indented, keys reordered, still valid', () => {
    const { text } = make();
    const doc = JSON.parse(text);
    const reordered = { signature: doc.signature, licence: Object.fromEntries(Object.entries(doc.licence).reverse()), format: doc.format };
    assert.equal(verifyLicence(JSON.stringify(reordered), publicKey).applications.caller, 400);
  });

  test('canonical JSON sorts keys at every level and drops no value', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } }), '{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}');
    assert.equal(canonicalJson('é"\n'), JSON.stringify('é"\n'));
    assert.throws(() => canonicalJson({ n: Number.NaN }), /finite/);
  });

  test('any change to what is signed is detected', () => {
    const { text } = make();
    const tamperings: ((d: any) => void)[] = [
      (d) => (d.licence.applications.caller = 4000),
      (d) => (d.licence.applications.rules = 10),
      (d) => (d.licence.installationId = 'FEDCBA9876543210'),
      (d) => (d.licence.issuedTo = 'Someone else'),
      (d) => (d.licence.expiresAt = '2099-12-31T23:59:59.999Z'),
      (d) => (d.licence.extra = 1),
      (d) => (d.signature.value = Buffer.from(Buffer.from(d.signature.value, 'base64').map((b: number, i: number) => (i === 5 ? b ^ 1 : b))).toString('base64')),
    ];
    for (const t of tamperings) {
      const e = refused(() => verifyLicence(edit(text, t), publicKey), 'bad_signature');
      assert.match(e.message, /altered/);
    }
  });

  test('a file signed with another key is refused, naming both keys', () => {
    const other = generateLicenceKeyPair();
    const { text } = createLicence({ installationId: INSTALLATION, issuedTo: 'x', applications: { caller: 1 } }, parseLicencePrivateKey(other.privateKeyPem));
    const e = refused(() => verifyLicence(text, publicKey), 'bad_signature');
    assert.match(e.message, new RegExp(`signed with key ${other.keyId}, this installation trusts key ${pair.keyId}`));
  });

  test('what is not a licence document is malformed, naming the field', () => {
    assert.match(refused(() => verifyLicence('hello', publicKey), 'malformed').message, /not JSON/);
    assert.match(refused(() => verifyLicence('[]', publicKey), 'malformed').message, /\(root\)/);
    const { text } = make();
    assert.match(refused(() => verifyLicence(edit(text, (d) => delete d.signature), publicKey), 'malformed').message, /signature/);
    assert.match(refused(() => verifyLicence(edit(text, (d) => (d.format = 'tws-licence/9')), publicKey), 'malformed').message, /format: must be "tws-licence\/1"/);
    assert.match(refused(() => verifyLicence(edit(text, (d) => (d.signature.value = 'not base64!')), publicKey), 'malformed').message, /signature\.value/);
    assert.match(refused(() => verifyLicence(edit(text, (d) => (d.signature.algorithm = 'RSA')), publicKey), 'malformed').message, /signature\.algorithm/);
  });

  test('a signed file with a wrong field, unknown codes or negative counts is refused with its own reason', () => {
    const base = { licenceId: '6f1c1c9e-8a53-4b0e-9a43-5b1f3f0c7c11', issuedTo: 'SSDEI', issuedAt: '2025-11-28T10:00:00.000Z', expiresAt: null, installationId: INSTALLATION };
    const signed = (payload: object) => signLicence(payload, privateKey);
    assert.match(refused(() => verifyLicence(signed({ ...base, applications: { caller: 1.5 } }), publicKey), 'malformed').message, /licence\.applications\.caller: must be a whole number/);
    assert.match(refused(() => verifyLicence(signed({ ...base, issuedAt: 'yesterday', applications: {} }), publicKey), 'malformed').message, /licence\.issuedAt/);
    const { installationId: _dropped, ...noInstallation } = base;
    assert.match(refused(() => verifyLicence(signed({ ...noInstallation, applications: {} }), publicKey), 'malformed').message, /licence\.installationId/);
    const unknown = refused(() => verifyLicence(signed({ ...base, applications: { caller: 1, fax: 3, pager: 1 } }), publicKey), 'unknown_application');
    assert.match(unknown.message, /unknown application codes: fax, pager/);
    assert.deepEqual(unknown.details, [{ application: 'fax' }, { application: 'pager' }]);
    const negative = refused(() => verifyLicence(signed({ ...base, applications: { caller: 1, stats: -3 } }), publicKey), 'negative_count');
    assert.match(negative.message, /stats=-3/);
  });

  test('createLicence refuses what a load would refuse', () => {
    refused(() => make({ applications: { fax: 1 } }), 'unknown_application');
    refused(() => make({ applications: { caller: -1 } }), 'negative_count');
    assert.match(refused(() => make({ installationId: 'XYZ' }), 'malformed').message, /installationId: must be 16 hexadecimal digits/);
    refused(() => make({ issuedTo: '  ' }), 'malformed');
    assert.equal(make({ installationId: 'abcdef0123456789' }).licence.installationId, 'ABCDEF0123456789', 'upper-cased');
  });
});

describe('licence file: installation and expiry', () => {
  test('valid up to and including its last instant, expired one millisecond later', () => {
    const last = new Date('2027-12-31T23:59:59.999Z');
    const { licence } = make({ expiresAt: last });
    assert.equal(isLicenceExpired(licence, new Date('2027-12-31T23:59:59.998Z')), false);
    assert.equal(isLicenceExpired(licence, last), false);
    assert.equal(isLicenceExpired(licence, new Date('2028-01-01T00:00:00.000Z')), true);
    checkLicenceApplies(licence, { installationId: INSTALLATION, now: last });
    const e = refused(() => checkLicenceApplies(licence, { installationId: INSTALLATION, now: new Date('2028-01-01T00:00:00.000Z') }), 'expired');
    assert.match(e.message, /expired on 2027-12-31T23:59:59.999Z/);
    assert.equal(isLicenceExpired(make({ expiresAt: null }).licence, new Date('2999-01-01')), false, 'no expiry: never');
  });

  test('a licence for another installation is refused, naming both ids', () => {
    const { licence } = make();
    const e = refused(() => checkLicenceApplies(licence, { installationId: 'FEDCBA9876543210' }), 'wrong_installation');
    assert.match(e.message, /for installation 0123456789ABCDEF, this installation is FEDCBA9876543210/);
    checkLicenceApplies(licence, { installationId: INSTALLATION.toLowerCase() });
  });

  test('expiry as people write it: a day means through its end, UTC', () => {
    assert.equal(parseExpiry('2027-12-31').toISOString(), '2027-12-31T23:59:59.999Z');
    assert.equal(parseExpiry('2028-02-29').toISOString(), '2028-02-29T23:59:59.999Z');
    assert.equal(parseExpiry('2027-06-30T12:00:00Z').toISOString(), '2027-06-30T12:00:00.000Z');
    assert.throws(() => parseExpiry('2027-02-29'), /not a date/);
    assert.throws(() => parseExpiry('2027-13-01'), /not a date/);
    assert.throws(() => parseExpiry('next year'), /not a date/);
  });
});

describe('licence keys', () => {
  test('the public key is read from PEM, PEM with escaped line breaks, or one-line base64 SPKI', () => {
    for (const text of [pair.publicKeyPem, pair.publicKeyPem.replace(/\n/g, '\\n'), pair.publicKeyBase64, `  ${pair.publicKeyBase64}\n`]) {
      assert.equal(licenceKeyId(parseLicencePublicKey(text)), pair.keyId);
    }
    assert.equal(licenceKeyId(privateKey), pair.keyId, 'the key id of a private key is its public half');
  });

  test('anything else is refused, a private key above all', () => {
    assert.throws(() => parseLicencePublicKey(pair.privateKeyPem), /private key: configure the public key only/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(() => parseLicencePublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()), /Ed25519 public key, not rsa/);
    assert.throws(() => parseLicencePublicKey('hello'), /not a public key/);
    assert.throws(() => parseLicencePrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), /Ed25519 private key, not rsa/);
    assert.throws(() => parseLicencePrivateKey(pair.publicKeyPem), /not a private key/);
    assert.equal(createPrivateKey(pair.privateKeyPem).asymmetricKeyType, 'ed25519');
  });
});
