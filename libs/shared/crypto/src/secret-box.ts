import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts secrets at rest (PBX, LDAP, SMTP, SIP, voicemail passwords) with AES-256-GCM.
 * Stored form: `v1:<iv b64>:<tag b64>:<ciphertext b64>`. The key comes from TWS_SECRET_KEY.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new Error('secret key must be 32 bytes (base64)');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  /** An optional secret of an admin input: null (no secret) and undefined (left unchanged) pass through. */
  sealOptional(plain: string): string;
  sealOptional(plain: string | null): string | null;
  sealOptional(plain: string | null | undefined): string | null | undefined;
  sealOptional(plain: string | null | undefined): string | null | undefined {
    return plain === undefined || plain === null ? plain : this.seal(plain);
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed secret (expected v1:iv:tag:data)');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt secret: wrong TWS_SECRET_KEY or corrupted value');
    }
  }
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('base64');
}
