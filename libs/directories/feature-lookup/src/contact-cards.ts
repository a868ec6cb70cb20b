import { PHONE_KINDS, type ContactCard, type ContactView, type PhoneKind } from '@tws/contracts';
import type { ExtensionUserRow, VisibleContactRow } from '@tws/directories-data-access';

const TEXT_FIELDS = ['lastName', 'firstName', 'company', 'picture', 'mail1', 'mail2', 'url'] as const;
const LINKABLE = ['lastName', 'firstName', 'company', 'mail1', 'mail2', 'url'] as const;
const kindOrder = (k: string) => PHONE_KINDS.indexOf(k as PhoneKind);

/** Does the card need the mapping website (a field with option a that the view shows)? */
export function needsMapUrl(row: VisibleContactRow, view: ContactView): boolean {
  return Object.values(row.fields).some((f) => f.a && (view === 'alerter' || !f.i));
}

export function displayName(card: Pick<ContactCard, 'firstName' | 'lastName' | 'company'>, fallback: string): string {
  return [card.firstName, card.lastName].filter(Boolean).join(' ') || card.company || fallback;
}

/**
 * A contact as users see it (8.1, 8.2.4): red-listed numbers without their number, fields with
 * option i only in the Alerter view, mapping links for fields with option a.
 */
export function contactCard(row: VisibleContactRow, view: ContactView, mapServiceUrl: string | undefined): ContactCard {
  const shown = (k: string) => {
    const f = row.fields[k];
    return f && (view === 'alerter' || !f.i) ? f : undefined;
  };
  const text = Object.fromEntries(TEXT_FIELDS.map((k) => [k, shown(k)?.v ?? null])) as Record<(typeof TEXT_FIELDS)[number], string | null>;
  const link = (v: string) => (mapServiceUrl ? `${mapServiceUrl}${encodeURIComponent(v)}` : undefined);
  const mapUrls: Record<string, string> = {};
  for (const k of LINKABLE) {
    const f = shown(k);
    const url = f?.a ? link(f.v) : undefined;
    if (url) mapUrls[k] = url;
  }
  const privateFields = Object.keys(row.fields)
    .filter((k) => /^private[0-9]$/.test(k) && shown(k))
    .map((k) => {
      const f = row.fields[k]!;
      const url = f.a ? link(f.v) : undefined;
      return { index: Number(k.slice(7)), label: f.label ?? '', value: f.v, ...(url ? { mapUrl: url } : {}) };
    })
    .sort((a, b) => a.index - b.index);
  const phones = row.phones
    .filter((p) => view === 'alerter' || !p.invisible)
    .sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind))
    .map((p) => ({ kind: p.kind as PhoneKind, number: p.redList ? null : p.number, canonical: p.redList ? null : p.canonical, redList: p.redList }));
  const card: ContactCard = {
    source: 'directory',
    contactId: row.id,
    userId: null,
    directory: { id: row.directoryId, name: row.directoryName, priority: row.priority },
    externalId: row.externalId,
    displayName: '',
    lastName: text.lastName ?? '',
    firstName: text.firstName ?? '',
    company: text.company ?? '',
    picture: text.picture,
    mail1: text.mail1,
    mail2: text.mail2,
    url: text.url,
    phones,
    privateFields,
    mapUrls,
    vip: row.vip,
    mergedFrom: [],
  };
  return { ...card, displayName: displayName(card, row.externalId) };
}

/**
 * Merge (8.2.2): the card of the winning contact, completed with what the other contacts (same
 * e-mail, merge-enabled directories, by priority) have and it lacks: names, company, picture,
 * e-mails, URL, private fields, phones of other kinds, the VIP text.
 */
export function mergeCards(main: ContactCard, others: ContactCard[]): ContactCard {
  const merged: ContactCard = { ...main, phones: [...main.phones], privateFields: [...main.privateFields], mapUrls: { ...main.mapUrls }, mergedFrom: [...main.mergedFrom] };
  for (const o of others) {
    let used = false;
    for (const k of ['lastName', 'firstName', 'company'] as const) {
      if (!merged[k] && o[k]) {
        merged[k] = o[k];
        used = true;
      }
    }
    for (const k of ['picture', 'mail1', 'mail2', 'url', 'vip'] as const) {
      if (merged[k] === null && o[k] !== null) {
        merged[k] = o[k];
        used = true;
      }
    }
    for (const p of o.phones) {
      if (!merged.phones.some((m) => m.kind === p.kind)) {
        merged.phones.push(p);
        used = true;
      }
    }
    for (const p of o.privateFields) {
      if (!merged.privateFields.some((m) => m.index === p.index)) {
        merged.privateFields.push(p);
        used = true;
      }
    }
    for (const [k, v] of Object.entries(o.mapUrls)) merged.mapUrls[k] ??= v;
    if (used && o.contactId && o.directory) merged.mergedFrom.push({ directoryId: o.directory.id, contactId: o.contactId });
  }
  merged.phones.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind));
  merged.privateFields.sort((a, b) => a.index - b.index);
  return { ...merged, displayName: displayName(merged, main.displayName) };
}

/** An internal extension resolved to its TWS user (no directory holds it). */
export function userCard(u: ExtensionUserRow): ContactCard {
  const card: ContactCard = {
    source: 'tws-user',
    contactId: null,
    userId: u.id,
    directory: null,
    externalId: null,
    displayName: '',
    lastName: u.lastName,
    firstName: u.firstName,
    company: '',
    picture: null,
    mail1: u.email,
    mail2: null,
    url: null,
    phones: [
      { kind: 'professional', number: u.number, canonical: u.number, redList: false },
      ...(u.gsm ? [{ kind: 'gsm' as const, number: u.gsm, canonical: null, redList: false }] : []),
    ],
    privateFields: [],
    mapUrls: {},
    vip: null,
    mergedFrom: [],
  };
  return { ...card, displayName: displayName(card, u.username) };
}
