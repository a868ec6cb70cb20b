import { PHONE_KINDS } from '@tws/contracts';
import { InvalidPhoneNumberError, type DialingPlan } from '@tws/dialing-plan';
import { finishContact, VIP_LABEL, type MappedContact, type MappedPhone, type StoredField } from '@tws/directories-mapping';
import { badRequest } from '@tws/service';
import type { AdminContact } from './directories.mappers';
import type { CreateContact } from './directories.schemas';

/** The contact fields of the API, the same for create and for a full update (admin and user routes). */
export type ContactInput = Omit<CreateContact, 'ownerUserId'>;

/**
 * The stored form of a contact written in TWS (administrator's TWS contacts, users' private
 * contacts): numbers normalized with the dialing plan of the directory's domain; 400 naming the
 * field for a number the plan cannot read, or an empty contact.
 */
export function buildTwsContact(plan: DialingPlan | undefined, externalId: string, c: ContactInput): MappedContact {
  const fields: Record<string, StoredField> = {};
  const put = (k: string, v: string | undefined, label?: string) => {
    if (v) fields[k] = { v, ...(label !== undefined ? { label } : {}) };
  };
  put('lastName', c.lastName);
  put('firstName', c.firstName);
  put('company', c.company);
  put('picture', c.picture);
  put('mail1', c.mail1);
  put('mail2', c.mail2);
  put('url', c.url);
  for (const p of c.privateFields) put(`private${p.index}`, p.value, p.label);
  const phones: MappedPhone[] = [];
  for (const kind of PHONE_KINDS) {
    const p = c.phones[kind];
    if (!p) continue;
    let canonical: string | null = null;
    try {
      canonical = plan ? plan.toCanonical(p.number, 'directory') : null;
    } catch (e) {
      if (!(e instanceof InvalidPhoneNumberError)) throw e;
      throw badRequest(`invalid body: phones.${kind}.number: ${e.message}`, [{ path: `phones.${kind}.number`, message: e.message }]);
    }
    phones.push({ kind, number: p.number, canonical, redList: p.redList, invisible: false });
  }
  if (!c.lastName && !c.firstName && !c.company && phones.length === 0 && !c.mail1 && !c.mail2) {
    throw badRequest('invalid body: a contact needs a name, a company, a number or an e-mail', [{ path: 'lastName', message: 'a contact needs a name, a company, a number or an e-mail' }]);
  }
  return finishContact({ externalId, lastName: c.lastName, firstName: c.firstName, company: c.company, fields, vip: c.vip || null, phones });
}

/** The API input that gives this contact back (for updates that change a few fields). */
export function contactInputOf(c: AdminContact): ContactInput {
  return {
    lastName: c.lastName,
    firstName: c.firstName,
    company: c.company,
    ...(c.picture !== null ? { picture: c.picture } : {}),
    ...(c.mail1 !== null ? { mail1: c.mail1 } : {}),
    ...(c.mail2 !== null ? { mail2: c.mail2 } : {}),
    ...(c.url !== null ? { url: c.url } : {}),
    phones: Object.fromEntries(c.phones.map((p) => [p.kind, { number: p.number, redList: p.redList }])),
    privateFields: c.privateFields.filter((p) => p.label !== VIP_LABEL).map((p) => ({ index: p.index, label: p.label, value: p.value })),
    ...(c.vip !== null ? { vip: c.vip } : {}),
  };
}
