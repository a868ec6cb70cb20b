import { z } from 'zod';
import { applyTransforms, parseFieldSpec, type FieldSpec, type SourceRecord, type SourceValue } from '@tws/directories-mapping';
import type { ImportRow, SourceEntry } from './user-import.plan';

export const SOURCE_TYPES = ['ldap', 'active-directory'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** User fields an import maps (guide 7.2.3's Fields frame and the user fields of 3.3.4). */
export const USER_FIELD_KEYS = ['id', 'username', 'lastName', 'firstName', 'email', 'number', 'gsm', 'culture'] as const;
export type UserFieldKey = (typeof USER_FIELD_KEYS)[number];

/** The mapping as the administrator writes it: source field names, options after "|" as for directories (`sn|u`). */
export type UserFieldMapping = { [K in UserFieldKey]?: string } & { private?: { index: number; field: string }[] };

/**
 * "All standard fields are pre-filled" (7.2.1, 7.2.2): the LDAP (inetOrgPerson) and Active
 * Directory defaults. An empty ID means the source's stable id (AD objectGUID, OpenLDAP entryUUID).
 */
export const DEFAULT_FIELDS: Record<SourceType, UserFieldMapping> = {
  ldap: { id: '', username: 'uid', lastName: 'sn', firstName: 'givenname', email: 'mail', number: 'telephonenumber', gsm: 'mobile' },
  'active-directory': { id: '', username: 'samaccountname', lastName: 'sn', firstName: 'givenname', email: 'mail', number: 'telephonenumber', gsm: 'mobile' },
};

export interface CompiledUserMapping {
  fields: Partial<Record<UserFieldKey, FieldSpec>>;
  private: { index: number; spec: FieldSpec }[];
  /** Source attributes to read, lower case. */
  sources: string[];
}

/** Parses every field (options included); every problem at once, each with its path (`fields.username`). */
export function compileUserMapping(input: UserFieldMapping): { ok: true; mapping: CompiledUserMapping } | { ok: false; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const fields: CompiledUserMapping['fields'] = {};
  const parse = (path: string, text: string | undefined): FieldSpec | undefined => {
    if (text === undefined) return undefined;
    const r = parseFieldSpec(text);
    if (!r.ok) issues.push({ path, message: r.reason });
    else if (r.spec && (r.spec.invisible || r.spec.address)) issues.push({ path, message: 'options a and i are for directories: a user import does not use them' });
    return r.ok ? (r.spec ?? undefined) : undefined;
  };
  for (const k of USER_FIELD_KEYS) {
    const spec = parse(`fields.${k}`, input[k]);
    if (spec) fields[k] = spec;
  }
  if (!fields.username && !issues.some((i) => i.path === 'fields.username')) issues.push({ path: 'fields.username', message: 'required: the source field holding the login' });
  if (!fields.number && !issues.some((i) => i.path === 'fields.number')) issues.push({ path: 'fields.number', message: 'required: the source field holding the telephone number' });
  const privates: CompiledUserMapping['private'] = [];
  const seen = new Set<number>();
  (input.private ?? []).forEach((p, i) => {
    if (seen.has(p.index)) issues.push({ path: `fields.private.${i}.index`, message: `private field ${p.index} is mapped twice` });
    seen.add(p.index);
    const spec = parse(`fields.private.${i}.field`, p.field);
    if (spec) privates.push({ index: p.index, spec });
  });
  if (issues.length) return { ok: false, issues };
  const sources = [...new Set([...Object.values(fields).map((s) => s.source), ...privates.map((p) => p.spec.source)])].sort();
  return { ok: true, mapping: { fields, private: privates.sort((a, b) => a.index - b.index), sources } };
}

const USERNAME = /^[^\s@/\\]{1,128}$/;
const DEVICE_NUMBER = /^[0-9*#+]{1,32}$/;
const GSM = /^[0-9+*#() .-]{0,32}$/;
const CULTURE = /^[a-z]{2}(-[A-Z]{2})?$/;
const email = z.email().max(254);

/** `fr`, `fr-FR`, `fr_fr`, `FR-fr` → the culture form of 3.3.4 (`fr`, `fr-FR`); undefined when it is not one. */
export function normalizeCulture(value: string): string | undefined {
  const m = /^([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const c = m[2] ? `${m[1]!.toLowerCase()}-${m[2].toUpperCase()}` : m[1]!.toLowerCase();
  return CULTURE.test(c) ? c : undefined;
}

export interface MapOptions {
  /** 'auto' (the mapped culture field, else en-US) or a fixed culture. */
  culture: string;
  /** The number as the device gets it: the dialing plan's dialable form when "customize" is on; null when it is not a number. */
  deviceNumber(raw: string): string | null;
}

class Refused extends Error {}

const text = (v: SourceValue): string => (typeof v === 'string' ? v : v.toString('utf8'));

/**
 * One source entry → a user row, or the reason it is ignored: no login, no telephone number (the
 * guide's one reason), a number that is not a device number, an invalid e-mail, login or GSM, a
 * value too long. The ID is the mapped ID field, else the source's stable id, else the login.
 */
export function mapUserEntry(record: SourceRecord, m: CompiledUserMapping, opts: MapOptions): SourceEntry {
  const value = (spec: FieldSpec | undefined, max = 1024): string => {
    const v = spec ? record.values.get(spec.source)?.[0] : undefined;
    if (v === undefined || !spec) return '';
    const s = text(v).trim();
    if (s.includes('\u0000')) throw new Refused(`the field "${spec.source}" holds a NUL character`);
    const out = applyTransforms(spec, s);
    if (out.length > max) throw new Refused(`the field "${spec.source}" is longer than ${max} characters`);
    return out;
  };
  let externalId: string | undefined;
  try {
    const f = m.fields;
    const username = value(f.username, 128);
    externalId = (f.id ? value(f.id, 512) : record.stableId) || (username ? `login:${username.toLowerCase()}` : undefined);
    if (!externalId) return { ok: false, ref: record.ref, reason: f.id ? `no ID (the field "${f.id.source}" is empty or missing)` : 'no login and no stable ID' };
    if (externalId.length > 512) return { ok: false, ref: record.ref, reason: 'ID longer than 512 characters (use option h to hash it)' };
    if (!username) return { ok: false, ref: record.ref, externalId, reason: `no login (the field "${f.username!.source}" is empty or missing)` };
    if (!USERNAME.test(username)) return { ok: false, ref: record.ref, externalId, reason: `the login "${username}" is not valid (no spaces, "@", "/" or "\\")` };
    const rawNumber = value(f.number, 64);
    if (!rawNumber) return { ok: false, ref: record.ref, externalId, reason: 'no telephone number' };
    const number = opts.deviceNumber(rawNumber);
    if (number === null || !DEVICE_NUMBER.test(number)) {
      return { ok: false, ref: record.ref, externalId, reason: `the telephone number "${rawNumber}" is not a device number (digits, "*", "#" or "+", at most 32)` };
    }
    const mail = value(f.email, 254);
    if (mail && !email.safeParse(mail).success) return { ok: false, ref: record.ref, externalId, reason: `the e-mail "${mail}" is not valid` };
    const gsm = value(f.gsm, 32);
    if (!GSM.test(gsm)) return { ok: false, ref: record.ref, externalId, reason: `the GSM number "${gsm}" is not a phone number` };
    const mappedCulture = f.culture ? normalizeCulture(value(f.culture, 16)) : undefined;
    const culture = opts.culture === 'auto' ? (mappedCulture ?? 'en-US') : opts.culture;
    const privateFields: Record<string, string> = {};
    for (const p of m.private) privateFields[String(p.index)] = value(p.spec, 500);
    const row: ImportRow = {
      ref: record.ref,
      externalId,
      username,
      lastName: value(f.lastName, 100),
      firstName: value(f.firstName, 100),
      email: f.email ? mail || null : null,
      gsm: f.gsm ? gsm || null : null,
      culture,
      number,
      privateFields,
    };
    return { ok: true, row };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, ref: record.ref, reason: e.message, ...(externalId ? { externalId } : {}) };
    throw e;
  }
}
