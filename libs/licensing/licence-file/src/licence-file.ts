import { randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { APPLICATION_CODES, APPLICATIONS, issuesToDetails, type ApplicationCode } from '@tws/contracts';
import { licenceKeyId } from './licence-keys';

/**
 * The licence file (guide 3.3.1, 3.3.2): which installation it is for and, per application of the
 * guide's table, how many licences are available; signed with Ed25519. Format: docs/licences.md.
 *
 * ```json
 * { "format": "tws-licence/1",
 *   "licence": { "licenceId": "<uuid>", "issuedTo": "SSDEI", "issuedAt": "2025-11-28T10:00:00.000Z",
 *                "expiresAt": "2027-12-31T23:59:59.999Z" | null, "installationId": "<16 hex>",
 *                "applications": { "caller": 400, "toolkit": 202 } },
 *   "signature": { "algorithm": "Ed25519", "keyId": "<16 hex>", "value": "<base64>" } }
 * ```
 * The signature covers `tws-licence/1` + LF + the canonical JSON of `licence` (see canonicalJson).
 */
export const LICENCE_FORMAT = 'tws-licence/1';
/** Upper bound of one count (a sanity limit, far above any real installation). */
export const MAX_LICENCE_COUNT = 1_000_000;
/** The installation ("dongle") id: 16 hexadecimal digits. */
export const INSTALLATION_ID_PATTERN = /^[0-9A-Fa-f]{16}$/;

export interface LicencePayload {
  licenceId: string;
  issuedTo: string;
  issuedAt: string;
  /** Last instant (inclusive, UTC) the licence is valid; null: never expires. */
  expiresAt: string | null;
  installationId: string;
  /** Application code → number available; an application not listed has none. */
  applications: Record<string, number>;
}

/** A licence whose signature, shape and counts have been checked. */
export interface Licence {
  licenceId: string;
  issuedTo: string;
  issuedAt: Date;
  expiresAt: Date | null;
  /** Upper-case. */
  installationId: string;
  /** Every application of the guide's table, in its order (0 when the file does not list it). */
  applications: Record<ApplicationCode, number>;
  /** Name of the key that signed it, as the file says (informative, not signed). */
  keyId?: string;
}

/** Why a licence file is refused. */
export type LicenceRefusal = 'malformed' | 'bad_signature' | 'unknown_application' | 'negative_count' | 'wrong_installation' | 'expired';

export class LicenceFileError extends Error {
  constructor(
    readonly reason: LicenceRefusal,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'LicenceFileError';
  }
}

/**
 * Deterministic JSON: object keys sorted (UTF-16 code-unit order), no whitespace, strings and
 * numbers as JSON.stringify writes them — RFC 8785 (JCS) for the values a licence holds (ASCII
 * keys, integers). The same value always gives the same bytes, whatever the key order or the
 * indentation of the file.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot serialize a ${typeof value}`);
}

/** The exact bytes that are signed: the format name, a line feed, the canonical payload. */
export function signingBytes(payload: object): Buffer {
  return Buffer.from(`${LICENCE_FORMAT}\n${canonicalJson(payload)}`, 'utf8');
}

/**
 * Signs a payload as it is and returns the file's text. Low level: it does not check the
 * payload (tests use it to make deliberately wrong files); createLicence does.
 */
export function signLicence(payload: object, privateKey: KeyObject): string {
  const doc = {
    format: LICENCE_FORMAT,
    licence: payload,
    signature: { algorithm: 'Ed25519', keyId: licenceKeyId(privateKey), value: sign(null, signingBytes(payload), privateKey).toString('base64') },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export interface CreateLicenceInput {
  installationId: string;
  issuedTo: string;
  applications: Partial<Record<string, number>>;
  expiresAt?: Date | null;
  licenceId?: string;
  issuedAt?: Date;
}

/** Checks the input as a load would, then signs: the text of a licence file and what it says. */
export function createLicence(input: CreateLicenceInput, privateKey: KeyObject): { text: string; licence: Licence } {
  const applications: Record<string, number> = {};
  const known = new Set<string>(APPLICATION_CODES);
  // Guide order first, so the file reads like the licences view; unknown codes are refused below.
  for (const code of [...APPLICATION_CODES, ...Object.keys(input.applications).filter((c) => !known.has(c))]) {
    const n = input.applications[code];
    if (n !== undefined) applications[code] = n;
  }
  const payload: LicencePayload = {
    licenceId: input.licenceId ?? randomUUID(),
    issuedTo: input.issuedTo.trim(),
    issuedAt: (input.issuedAt ?? new Date()).toISOString(),
    expiresAt: input.expiresAt ? input.expiresAt.toISOString() : null,
    installationId: input.installationId.toUpperCase(),
    applications,
  };
  const licence = checkPayload(payload);
  return { text: signLicence(payload, privateKey), licence: { ...licence, keyId: licenceKeyId(privateKey) } };
}

const envelopeSchema = z
  .object({
    format: z.literal(LICENCE_FORMAT, { error: `must be "${LICENCE_FORMAT}"` }),
    licence: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
    signature: z
      .object({
        algorithm: z.literal('Ed25519', { error: 'must be "Ed25519"' }),
        keyId: z.string().max(64).optional(),
        value: z.base64('must be base64'),
      })
      .strict(),
  })
  .strict();

const isoInstant = z.iso.datetime({ error: 'must be an ISO 8601 UTC date-time (2027-12-31T23:59:59.999Z)' });

const payloadSchema = z
  .object({
    licenceId: z.uuid(),
    issuedTo: z.string().trim().min(1, 'must not be empty').max(200),
    issuedAt: isoInstant,
    expiresAt: isoInstant.nullable(),
    installationId: z.string().regex(INSTALLATION_ID_PATTERN, 'must be 16 hexadecimal digits'),
    // Sign is checked apart, to refuse negative counts with their own reason.
    applications: z.record(z.string(), z.number().int('must be a whole number').max(MAX_LICENCE_COUNT)),
  })
  .strict();

const describe = (details: { path: string; message: string }[]) => details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ');

/** Shape, application codes and counts of a (signed) payload. */
function checkPayload(raw: unknown): Licence {
  const r = payloadSchema.safeParse(raw);
  if (!r.success) {
    const details = issuesToDetails(r.error).map((d) => ({ ...d, path: `licence.${d.path}` }));
    throw new LicenceFileError('malformed', `malformed licence file: ${describe(details)}`, details);
  }
  const p = r.data;
  const known = new Set<string>(APPLICATION_CODES);
  const unknown = Object.keys(p.applications).filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new LicenceFileError(
      'unknown_application',
      `unknown application codes: ${unknown.join(', ')} (known: ${APPLICATION_CODES.join(', ')})`,
      unknown.map((application) => ({ application })),
    );
  }
  const negative = Object.entries(p.applications).filter(([, n]) => n < 0);
  if (negative.length > 0) {
    throw new LicenceFileError(
      'negative_count',
      `negative licence counts: ${negative.map(([c, n]) => `${c}=${n}`).join(', ')}`,
      negative.map(([application, count]) => ({ application, count })),
    );
  }
  return {
    licenceId: p.licenceId,
    issuedTo: p.issuedTo,
    issuedAt: new Date(p.issuedAt),
    expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt),
    installationId: p.installationId.toUpperCase(),
    applications: Object.fromEntries(APPLICATIONS.map((a) => [a.code, p.applications[a.code] ?? 0])) as Record<ApplicationCode, number>,
  };
}

/**
 * Reads a licence file and checks, in this order: it is a licence document, its signature
 * matches `publicKey` (so nothing else in it is trusted before), its fields, application codes
 * and counts. Throws LicenceFileError with the reason; the installation and the expiry are
 * checked by checkLicenceApplies.
 */
export function verifyLicence(text: string, publicKey: KeyObject): Licence {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LicenceFileError('malformed', `not a licence file: not JSON (${(e as Error).message})`);
  }
  const env = envelopeSchema.safeParse(json);
  if (!env.success) {
    const details = issuesToDetails(env.error);
    throw new LicenceFileError('malformed', `not a licence file: ${describe(details)}`, details);
  }
  const { licence, signature } = env.data;
  const ok = verify(null, signingBytes(licence), publicKey, Buffer.from(signature.value, 'base64'));
  if (!ok) {
    const expected = licenceKeyId(publicKey);
    const why =
      signature.keyId && signature.keyId !== expected
        ? `it was signed with key ${signature.keyId}, this installation trusts key ${expected} (TWS_LICENCE_PUBLIC_KEY)`
        : 'the file was altered after it was signed';
    throw new LicenceFileError('bad_signature', `the licence signature does not match: ${why} — load the file exactly as received`, [
      { keyId: signature.keyId ?? null, trustedKeyId: expected },
    ]);
  }
  return { ...checkPayload(licence), keyId: signature.keyId };
}

/** True once `now` is past the licence's last valid instant. */
export function isLicenceExpired(licence: Pick<Licence, 'expiresAt'>, now: Date = new Date()): boolean {
  return licence.expiresAt !== null && now.getTime() > licence.expiresAt.getTime();
}

/** Refuses a verified licence meant for another installation, or past its expiry. */
export function checkLicenceApplies(licence: Licence, target: { installationId: string; now?: Date }): void {
  const here = target.installationId.toUpperCase();
  if (licence.installationId !== here) {
    throw new LicenceFileError(
      'wrong_installation',
      `this licence is for installation ${licence.installationId}, this installation is ${here} — ask for a licence file for ${here} (Security / Licences shows it)`,
      [{ licenceInstallationId: licence.installationId, installationId: here }],
    );
  }
  if (isLicenceExpired(licence, target.now)) {
    throw new LicenceFileError('expired', `this licence expired on ${licence.expiresAt!.toISOString()}`, [{ expiresAt: licence.expiresAt!.toISOString() }]);
  }
}

/**
 * An expiry as people write it: a day (`2027-12-31`, valid through the end of that day, UTC) or
 * an ISO 8601 instant. Throws for anything else, impossible dates (2027-02-30) included.
 */
export function parseExpiry(text: string): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const end = new Date(Date.UTC(y, m - 1, d, 23, 59, 59, 999));
    if (end.getUTCFullYear() !== y || end.getUTCMonth() !== m - 1 || end.getUTCDate() !== d) throw new Error(`not a date: ${text}`);
    return end;
  }
  if (isoInstant.safeParse(text).success) return new Date(text);
  throw new Error(`not a date: ${text} (expected 2027-12-31 or 2027-12-31T23:59:59Z)`);
}
