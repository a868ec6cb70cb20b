import { createHash } from 'node:crypto';
import { PHONE_KINDS, type PhoneKind } from '@tws/contracts';
import type { SourceRecord, SourceValue } from './connector';
import { applyTransforms, parseFieldSpec, type FieldSpec } from './field-options';
import { normalizeSearchText } from './search-text';

/** The fields of the guide's Fields tab (8.1, 8.2.4), private fields aside. */
export const CONTACT_FIELD_KEYS = [
  'id',
  'lastName',
  'firstName',
  'company',
  'picture',
  'assistantPhone',
  'assistantRedList',
  'standardPhone',
  'standardRedList',
  'professionalPhone',
  'professionalRedList',
  'gsmPhone',
  'gsmRedList',
  'personalPhone',
  'personalRedList',
  'mail1',
  'mail2',
  'url',
] as const;
export type ContactFieldKey = (typeof CONTACT_FIELD_KEYS)[number];

/** The label that makes a private field the VIP field (8.2.3). */
export const VIP_LABEL = '[VIP]';

/** A field mapping as the administrator writes it: source field names with their options. */
export type FieldMappingInput = { [K in ContactFieldKey]?: string } & {
  /** Private fields 0–9, named by the administrator; the one labelled `[VIP]` marks VIP contacts. */
  private?: { index: number; label: string; field: string }[];
};

export interface CompiledFieldMapping {
  fields: Partial<Record<ContactFieldKey, FieldSpec>>;
  private: { index: number; label: string; vip: boolean; spec: FieldSpec }[];
  /** Every source field the mapping reads, lower case (what a connector asks its source for). */
  sources: string[];
}

export type FieldMappingIssue = { path: string; message: string };

const RED_LIST_VALUES = new Set(['1', 'true', 'yes', 'y', 'lr', 'rf']);

/** True for the red-list values of 8.2.4: 1, true, yes, y, lr, rf, whatever the case. */
export function isRedListed(value: string | undefined): boolean {
  return value !== undefined && RED_LIST_VALUES.has(value.trim().toLowerCase());
}

/**
 * Parses every field of a mapping (options included) and checks that it makes sense; returns
 * every problem at once, each naming its field (`fields.lastName`, `fields.private.2.field`).
 * `allowedSources` restricts the source names (TWS users have a fixed set of columns).
 */
export function compileFieldMapping(
  input: FieldMappingInput,
  opts: { allowedSources?: readonly string[]; path?: string } = {},
): { ok: true; mapping: CompiledFieldMapping } | { ok: false; issues: FieldMappingIssue[] } {
  const base = opts.path ?? 'fields';
  const issues: FieldMappingIssue[] = [];
  const allowed = opts.allowedSources ? new Set(opts.allowedSources) : undefined;
  const check = (path: string, text: string | undefined, what: { isId?: boolean; isRedList?: boolean }): FieldSpec | undefined => {
    if (text === undefined) return undefined;
    const r = parseFieldSpec(text);
    if (!r.ok) {
      issues.push({ path, message: r.reason });
      return undefined;
    }
    const spec = r.spec;
    if (!spec) return undefined;
    if (allowed && !allowed.has(spec.source)) {
      issues.push({ path, message: `no field "${spec.source}" in this source: use one of ${[...allowed].join(', ')}` });
    }
    if ((what.isId || what.isRedList) && (spec.invisible || spec.address)) {
      issues.push({ path, message: `options a and i do not apply to ${what.isId ? 'the ID' : 'a red-list field'}` });
    }
    return spec;
  };
  const fields: CompiledFieldMapping['fields'] = {};
  for (const key of CONTACT_FIELD_KEYS) {
    const spec = check(`${base}.${key}`, input[key], { isId: key === 'id', isRedList: key.endsWith('RedList') });
    if (spec) fields[key] = spec;
  }
  const privates: CompiledFieldMapping['private'] = [];
  const seen = new Set<number>();
  (input.private ?? []).forEach((p, i) => {
    if (seen.has(p.index)) issues.push({ path: `${base}.private.${i}.index`, message: `private field ${p.index} is mapped twice` });
    seen.add(p.index);
    const spec = check(`${base}.private.${i}.field`, p.field, {});
    if (spec) privates.push({ index: p.index, label: p.label.trim(), vip: p.label.trim().toUpperCase() === VIP_LABEL, spec });
  });
  if (privates.filter((p) => p.vip).length > 1) issues.push({ path: `${base}.private`, message: `only one private field may be labelled ${VIP_LABEL}` });
  if (issues.length) return { ok: false, issues };
  privates.sort((a, b) => a.index - b.index);
  const sources = [...new Set([...Object.values(fields).map((s) => s.source), ...privates.map((p) => p.spec.source)])].sort();
  return { ok: true, mapping: { fields, private: privates, sources } };
}

/** A displayed field of a contact: value and the options users see the effect of. */
export interface StoredField {
  v: string;
  /** option i */
  i?: true;
  /** option a */
  a?: true;
  /** private fields: the administrator's name */
  label?: string;
}

export interface MappedPhone {
  kind: PhoneKind;
  number: string;
  canonical: string | null;
  redList: boolean;
  invisible: boolean;
}

/** A contact ready to be stored. */
export interface MappedContact {
  externalId: string;
  lastName: string;
  firstName: string;
  company: string;
  /** lastName, firstName, company, picture, mail1, mail2, url, private0..private9 */
  fields: Record<string, StoredField>;
  vip: string | null;
  mergeMail: string | null;
  searchText: string;
  /** "lastname firstname" (or the company) without accents, lower case: search order and last-name prefixes. */
  sortKey: string;
  phones: MappedPhone[];
  hash: string;
}

/** Something the administrator should know that did not stop the entry: `about` groups them in the report. */
export interface MappingWarning {
  about: string;
  example: string;
}

export type MapOutcome =
  | { ok: true; contact: MappedContact; warnings: MappingWarning[] }
  /** `externalId` when the entry could be identified: its previous version stays as it was. */
  | { ok: false; reason: string; externalId?: string };

export const MAX_VALUE_LENGTH = 1024;
export const MAX_ID_LENGTH = 512;
export const MAX_PICTURE_BYTES = 64 * 1024;

/** Text of a value; binary values are read as UTF-8 (pictures are handled apart). */
const text = (v: SourceValue): string => (typeof v === 'string' ? v : v.toString('utf8'));

function pictureOf(v: SourceValue): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? undefined : v;
  const mime = v[0] === 0xff && v[1] === 0xd8 ? 'image/jpeg' : v[0] === 0x89 && v[1] === 0x50 ? 'image/png' : v.subarray(0, 4).toString('latin1') === 'GIF8' ? 'image/gif' : undefined;
  return mime ? `data:${mime};base64,${v.toString('base64')}` : undefined;
}

class Malformed extends Error {}

/** What a contact is made of before its derived columns (merge key, search text, hash). */
export type ContactParts = Pick<MappedContact, 'externalId' | 'lastName' | 'firstName' | 'company' | 'fields' | 'vip' | 'phones'>;

/**
 * Completes a contact: Mail 1 as merge key (8.2.2), the search text (names, company and e-mails
 * that are not invisible), and the hash that spares the write of an unchanged contact.
 */
export function finishContact(p: ContactParts): MappedContact {
  const f = p.fields;
  const searchable = ['lastName', 'firstName', 'company', 'mail1', 'mail2'].filter((k) => f[k] && !f[k].i).map((k) => f[k]!.v);
  const contact: Omit<MappedContact, 'hash'> = {
    externalId: p.externalId,
    lastName: p.lastName,
    firstName: p.firstName,
    company: p.company,
    fields: p.fields,
    vip: p.vip,
    mergeMail: f['mail1']?.v ? f['mail1'].v.toLowerCase() : null,
    searchText: normalizeSearchText(searchable.join(' ')),
    sortKey: normalizeSearchText(`${p.lastName} ${p.firstName}`) || normalizeSearchText(p.company),
    phones: p.phones,
  };
  return { ...contact, hash: createHash('sha1').update(JSON.stringify(contact)).digest('base64') };
}

/**
 * One source entry → one contact, with the mapping's options applied. Numbers get their canonical
 * form through `canonical` (the domain's dialing plan; null when the value is not a number: the
 * number is then kept for display only, with a warning). Entries without an ID, with a value that
 * cannot be stored (a NUL character, longer than 1,024 characters) or with nothing to show are
 * refused with the reason.
 */
export function mapRecord(record: SourceRecord, mapping: CompiledFieldMapping, canonical: (number: string) => string | null): MapOutcome {
  const warnings: MappingWarning[] = [];
  const raw = (spec: FieldSpec | undefined): SourceValue | undefined => (spec ? record.values.get(spec.source)?.[0] : undefined);
  const value = (spec: FieldSpec | undefined): string => {
    const v = raw(spec);
    if (v === undefined || !spec) return '';
    const s = text(v).trim();
    if (s.includes('\u0000')) throw new Malformed(`field "${spec.source}" holds a NUL character`);
    if (s.length > MAX_VALUE_LENGTH) throw new Malformed(`field "${spec.source}" is longer than ${MAX_VALUE_LENGTH} characters`);
    return applyTransforms(spec, s);
  };

  let externalId: string;
  try {
    const idSpec = mapping.fields.id;
    externalId = idSpec ? value(idSpec) : (record.stableId ?? '');
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, reason: `unusable ID: ${e.message}` };
    throw e;
  }
  if (externalId === '') return { ok: false, reason: mapping.fields.id ? `no ID (field "${mapping.fields.id.source}" is empty or missing)` : 'no ID (the source gives no stable identifier: map the ID field)' };
  if (externalId.length > MAX_ID_LENGTH) return { ok: false, reason: `ID longer than ${MAX_ID_LENGTH} characters (use option h to hash it)` };

  try {
    const fields: Record<string, StoredField> = {};
    const put = (key: string, spec: FieldSpec | undefined, v: string, label?: string) => {
      if (!spec || v === '') return;
      fields[key] = { v, ...(spec.invisible ? { i: true as const } : {}), ...(spec.address ? { a: true as const } : {}), ...(label !== undefined ? { label } : {}) };
    };
    const f = mapping.fields;
    const lastName = value(f.lastName);
    const firstName = value(f.firstName);
    const company = value(f.company);
    put('lastName', f.lastName, lastName);
    put('firstName', f.firstName, firstName);
    put('company', f.company, company);
    for (const key of ['mail1', 'mail2', 'url'] as const) put(key, f[key], value(f[key]));
    if (f.picture) {
      const p = raw(f.picture);
      const picture = p === undefined ? undefined : pictureOf(p);
      if (p !== undefined && picture === undefined) warnings.push({ about: 'pictures that are not JPEG, PNG or GIF images (left out)', example: record.ref });
      else if (picture !== undefined && picture.length > (MAX_PICTURE_BYTES * 4) / 3 + 64) warnings.push({ about: `pictures larger than ${MAX_PICTURE_BYTES / 1024} KB (left out)`, example: record.ref });
      else if (picture !== undefined) put('picture', f.picture, picture.trim());
    }
    let vip: string | null = null;
    for (const p of mapping.private) {
      const v = value(p.spec);
      if (p.vip) vip = v === '' ? null : v;
      else put(`private${p.index}`, p.spec, v, p.label);
    }

    const phones: MappedPhone[] = [];
    for (const kind of PHONE_KINDS) {
      const spec = f[`${kind}Phone`];
      const number = value(spec);
      if (number === '') continue;
      const c = canonical(number);
      if (c === null) warnings.push({ about: 'values of phone fields that are not phone numbers (shown, but reverse lookup cannot find them)', example: `${record.ref}: ${kind} "${number}"` });
      phones.push({ kind, number, canonical: c, redList: isRedListed(value(f[`${kind}RedList`])), invisible: spec!.invisible });
    }

    const mail1 = fields['mail1']?.v;
    const mail2 = fields['mail2']?.v;
    if (!lastName && !firstName && !company && phones.length === 0 && !mail1 && !mail2) {
      return { ok: false, reason: 'nothing to show: no name, company, number or e-mail', externalId };
    }
    return { ok: true, contact: finishContact({ externalId, lastName, firstName, company, fields, vip, phones }), warnings };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, reason: `malformed entry: ${e.message}`, externalId };
    throw e;
  }
}
