import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys of licence files. The product only ever holds the PUBLIC key (configuration
 * `TWS_LICENCE_PUBLIC_KEY`); the private key stays with whoever issues licences.
 */

/**
 * The public key from configuration: PEM (`-----BEGIN PUBLIC KEY-----`, real or `\n`-escaped
 * line breaks, as environment variables often carry them) or base64 of the DER SPKI (one line).
 * Throws, saying what is wrong, for anything that is not an Ed25519 public key — a private key
 * included, so that one is never configured by mistake.
 */
export function parseLicencePublicKey(text: string): KeyObject {
  const value = text.trim();
  if (/PRIVATE KEY/.test(value)) throw new Error('this is a private key: configure the public key only (licence-tool keygen writes both)');
  let key: KeyObject;
  try {
    key = value.includes('-----BEGIN')
      ? createPublicKey(value.replace(/\\n/g, '\n'))
      : createPublicKey({ key: Buffer.from(value.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('not a public key: expected PEM ("-----BEGIN PUBLIC KEY-----") or base64 of the DER SPKI');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 public key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** A PKCS#8 PEM Ed25519 private key (licence-tool only; never in the product). */
export function parseLicencePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('not a private key: expected PEM ("-----BEGIN PRIVATE KEY-----")');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 private key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** Short, stable name of a public key (first 16 hex digits of the SHA-256 of its DER SPKI). */
export function licenceKeyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export interface LicenceKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  /** One-line form of the public key, for `TWS_LICENCE_PUBLIC_KEY`. */
  publicKeyBase64: string;
  keyId: string;
}

/** A new Ed25519 key pair for signing licence files. */
export function generateLicenceKeyPair(): LicenceKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    keyId: licenceKeyId(publicKey),
  };
}
