import type { QueryRunner } from 'typeorm';
import type { MappedContact } from '@tws/directories-mapping';

/** A contact row with its phones, as the readers of this library return it. */
export interface ContactRow {
  id: string;
  directoryId: string;
  ownerUserId: string | null;
  externalId: string;
  lastName: string;
  firstName: string;
  company: string;
  fields: MappedContact['fields'];
  vip: string | null;
  mergeMail: string | null;
  updatedAt: Date;
  phones: { kind: string; number: string; canonical: string | null; redList: boolean; invisible: boolean }[];
}

/** Columns of ContactRow from `contact c`, phones aggregated. */
export const CONTACT_COLUMNS = `c.id, c.directory_id AS "directoryId", c.owner_user_id AS "ownerUserId", c.external_id AS "externalId",
  c.last_name AS "lastName", c.first_name AS "firstName", c.company, c.fields, c.vip, c.merge_mail AS "mergeMail", c.updated_at AS "updatedAt",
  (SELECT coalesce(json_agg(json_build_object('kind', x.kind, 'number', x.number, 'canonical', x.canonical, 'redList', x.red_list, 'invisible', x.invisible)), '[]'::json)
     FROM contact_phone x WHERE x.contact_id = c.id) AS phones`;

const RECORD_COLUMNS = `external_id text, last_name text, first_name text, company text, fields jsonb, vip text, merge_mail text, search_text text, sort_key text, hash text`;

const toRecord = (c: MappedContact) => ({
  external_id: c.externalId,
  last_name: c.lastName,
  first_name: c.firstName,
  company: c.company,
  fields: c.fields,
  vip: c.vip,
  merge_mail: c.mergeMail,
  search_text: c.searchText,
  sort_key: c.sortKey,
  hash: c.hash,
});

type Runner = Pick<QueryRunner, 'query'>;

/**
 * Inserts or updates contacts of a directory by (directory, ID), in one statement; a contact whose
 * content hash did not change is not written. Returns the written ones (id, ID, inserted or not).
 */
export async function upsertContacts(
  q: Runner,
  directoryId: string,
  ownerUserId: string | null,
  contacts: MappedContact[],
): Promise<{ id: string; externalId: string; inserted: boolean }[]> {
  if (contacts.length === 0) return [];
  const r = await q.query(
    `INSERT INTO contact AS c (directory_id, owner_user_id, external_id, last_name, first_name, company, fields, vip, merge_mail, search_vector, sort_key, content_hash)
     SELECT $1, $2, r.external_id, r.last_name, r.first_name, r.company, r.fields, r.vip, r.merge_mail, to_tsvector('simple', r.search_text), r.sort_key, r.hash
     FROM jsonb_to_recordset($3::jsonb) AS r(${RECORD_COLUMNS})
     ON CONFLICT (directory_id, external_id) DO UPDATE SET
       last_name = EXCLUDED.last_name, first_name = EXCLUDED.first_name, company = EXCLUDED.company, fields = EXCLUDED.fields,
       vip = EXCLUDED.vip, merge_mail = EXCLUDED.merge_mail, search_vector = EXCLUDED.search_vector, sort_key = EXCLUDED.sort_key,
       content_hash = EXCLUDED.content_hash, updated_at = now()
     WHERE c.content_hash IS DISTINCT FROM EXCLUDED.content_hash
     RETURNING c.id, c.external_id AS "externalId", (xmax = 0) AS inserted`,
    [directoryId, ownerUserId, JSON.stringify(contacts.map(toRecord))],
    true,
  );
  const written = r.records as { id: string; externalId: string; inserted: boolean }[];
  if (written.length === 0) return written;
  // The phones of the written contacts are replaced as a whole.
  const byId = new Map(contacts.map((c) => [c.externalId, c]));
  const phones = written.flatMap((w) =>
    byId.get(w.externalId)!.phones.map((p) => ({ contact_id: w.id, kind: p.kind, number: p.number, canonical: p.canonical, red_list: p.redList, invisible: p.invisible })),
  );
  const updated = written.filter((w) => !w.inserted).map((w) => w.id);
  if (updated.length) await q.query('DELETE FROM contact_phone WHERE contact_id = ANY($1::uuid[])', [updated]);
  if (phones.length) {
    await q.query(
      `INSERT INTO contact_phone (contact_id, directory_id, kind, number, canonical, red_list, invisible)
       SELECT p.contact_id, $1, p.kind, p.number, p.canonical, p.red_list, p.invisible
       FROM jsonb_to_recordset($2::jsonb) AS p(contact_id uuid, kind text, number text, canonical text, red_list boolean, invisible boolean)`,
      [directoryId, JSON.stringify(phones)],
    );
  }
  return written;
}
