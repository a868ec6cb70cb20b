import { Injectable } from '@nestjs/common';
import { PHONE_KINDS } from '@tws/contracts';
import { DatabaseService } from '@tws/service';
import { CONTACT_COLUMNS, type ContactRow } from './contact-store';

/** A contact with what users see of its directory. */
export interface VisibleContactRow extends ContactRow {
  directoryName: string;
  priority: number;
  directoryDomainId: string;
  merge: boolean;
}

/** A TWS user reached by its extension (8.1 "TWS users"). */
export interface ExtensionUserRow {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  gsm: string | null;
  number: string;
}

/** What a reader may see: these directories (effective rights), not drafts; a private one only for its owner's contacts. */
interface Scope {
  directoryIds: string[];
  userId: string;
}

/** Rows of a directory, in name order, in which search first looks for matches of common words. */
const SEARCH_WINDOW = 500;

const VISIBLE_COLUMNS = `${CONTACT_COLUMNS}, d.name AS "directoryName", d.priority, d.domain_id AS "directoryDomainId", d.merge`;
const VISIBLE = `d.id = ANY($1::uuid[]) AND d.type <> 'draft' AND (d.type <> 'private' OR c.owner_user_id = $2)`;

/**
 * The queries of search and reverse lookup. Reverse lookup is an equality on the canonical number
 * (index `contact_phone_canonical_idx`), filtered on the directories the user may see and ordered by
 * directory priority: one index probe per call whatever the size of the directories.
 */
@Injectable()
export class LookupRepository {
  constructor(private readonly db: DatabaseService) {}

  async userDomain(userId: string): Promise<string | undefined> {
    const r: { domain_id: string }[] = await this.db.dataSource.query('SELECT domain_id FROM tws_user WHERE id = $1', [userId]);
    return r[0]?.domain_id;
  }

  /**
   * The contact holding `canonical` in the lowest-priority visible directory. A number that is not
   * E.164 (an extension, a facility) is looked up only in directories of the reader's domain
   * (`readerDomainId`): extensions are per domain.
   */
  async byNumber(s: Scope, canonical: string, readerDomainId: string): Promise<(VisibleContactRow & { matchedKind: string }) | undefined> {
    if (s.directoryIds.length === 0) return undefined;
    const r = await this.db.dataSource.query(
      `SELECT ${VISIBLE_COLUMNS}, p.kind AS "matchedKind"
       FROM contact_phone p JOIN directory d ON d.id = p.directory_id JOIN contact c ON c.id = p.contact_id
       WHERE p.canonical = $3 AND p.directory_id = ANY($1::uuid[]) AND ${VISIBLE} AND (p.canonical LIKE '+%' OR d.domain_id = $4)
       ORDER BY d.priority, lower(d.name), d.id, c.sort_key, c.id
       LIMIT 1`,
      [s.directoryIds, s.userId, canonical, readerDomainId],
    );
    return r[0];
  }

  /** Other contacts with the same e-mail in merge-enabled visible directories (8.2.2), by priority. */
  mergeCandidates(s: Scope, mergeMail: string, exceptContactId: string): Promise<VisibleContactRow[]> {
    return this.db.dataSource.query(
      `SELECT ${VISIBLE_COLUMNS} FROM contact c JOIN directory d ON d.id = c.directory_id
       WHERE c.merge_mail = $3 AND c.id <> $4 AND d.merge AND ${VISIBLE}
       ORDER BY d.priority, lower(d.name), d.id, c.id LIMIT 20`,
      [s.directoryIds, s.userId, mergeMail, exceptContactId],
    );
  }

  /**
   * The contacts of merge-enabled visible directories holding one of these e-mails (8.2.2), at
   * most 21 per e-mail, each e-mail's in priority order: the merge partners of a page of search
   * results in one query.
   */
  mergeCandidatesOf(s: Scope, mergeMails: string[]): Promise<VisibleContactRow[]> {
    if (mergeMails.length === 0 || s.directoryIds.length === 0) return Promise.resolve([]);
    return this.db.dataSource.query(
      `SELECT * FROM (
         SELECT ${VISIBLE_COLUMNS}, row_number() OVER (PARTITION BY c.merge_mail ORDER BY d.priority, lower(d.name), d.id, c.id) AS rank
         FROM contact c JOIN directory d ON d.id = c.directory_id
         WHERE c.merge_mail = ANY($3::text[]) AND d.merge AND ${VISIBLE}) m
       WHERE m.rank <= 21 ORDER BY m."mergeMail", m.rank`,
      [s.directoryIds, s.userId, mergeMails],
    );
  }

  /** A user of the domain by the number of one of its devices. */
  async userByExtension(domainId: string, number: string): Promise<ExtensionUserRow | undefined> {
    const r: ExtensionUserRow[] = await this.db.dataSource.query(
      `SELECT u.id, u.username, u.first_name AS "firstName", u.last_name AS "lastName", u.email, u.gsm, d.number
       FROM device d JOIN tws_user u ON u.id = d.user_id WHERE d.domain_id = $1 AND d.number = $2 LIMIT 1`,
      [domainId, number],
    );
    return r[0];
  }

  /** The readable directories of a scope, in priority order (lowest first). */
  async visibleDirectories(s: Scope): Promise<{ id: string; type: string }[]> {
    if (s.directoryIds.length === 0) return [];
    return this.db.dataSource.query(`SELECT id, type FROM directory WHERE id = ANY($1::uuid[]) AND type <> 'draft' ORDER BY priority, lower(name), id`, [s.directoryIds]);
  }

  /**
   * Contacts whose names, company or e-mails have words starting with the query's words (`tsquery`
   * of prefixes): directory by directory in priority order, and in each one first the contacts
   * whose last name starts with the first word, then the others, each in name order. Every step
   * walks the index `(directory_id, sort_key)` and stops at the end of the page (or lets Postgres
   * use the text index when the words are rare), so a common prefix among a million contacts
   * costs a few index pages, not a sort of every match. Returns rows `offset .. offset + limit`.
   */
  async searchWords(s: Scope, words: readonly string[], tsquery: string, page: { offset: number; limit: number }): Promise<VisibleContactRow[]> {
    const wanted = page.offset + page.limit;
    const rows: VisibleContactRow[] = [];
    const lastNamePrefix = `${words[0]}%`;
    const q = (sql: string, params: unknown[]): Promise<VisibleContactRow[]> => this.db.dataSource.query(sql, params);
    const dirs = await this.visibleDirectories(s);
    let rare: VisibleContactRow[] | undefined;
    for (const [index, d] of dirs.entries()) {
      const need = wanted - rows.length;
      if (need <= 0) break;
      const owner = d.type === 'private' ? 'AND c.owner_user_id = $5' : '';
      const base = [d.id, tsquery, lastNamePrefix, need, ...(owner ? [s.userId] : [])];
      // 1. Last names starting with the first word: a range of the name index, read in order until
      //    the page is full. Left to itself, the planner often prefers the text index or a bitmap
      //    of the whole range followed by a sort (it underestimates how many rows match): both
      //    read every match of the range, thousands of rows for a short prefix among a million.
      const first: VisibleContactRow[] = await this.db.dataSource.transaction(async (tx) => {
        await tx.query(`SELECT set_config('enable_bitmapscan', 'off', true)`);
        return tx.query(
          `SELECT ${VISIBLE_COLUMNS} FROM contact c JOIN directory d ON d.id = c.directory_id
           WHERE c.directory_id = $1 ${owner} AND c.sort_key LIKE $3 AND c.search_vector @@ to_tsquery('simple', $2)
           ORDER BY c.sort_key, c.id LIMIT $4`,
          base,
        );
      });
      rows.push(...first);
      const rest = need - first.length;
      if (rest <= 0) continue;
      // 2. The other matches, in name order. Common words: the first rows of the directory in name
      //    order hold enough of them (a bounded window of the index); rare words: the text index,
      //    then a sort of the few matches. (Left to itself, the planner sometimes walks a whole
      //    directory in name order looking for a rare word.)
      const rareQuery = () =>
        q(
          `SELECT ${VISIBLE_COLUMNS} FROM contact c JOIN directory d ON d.id = c.directory_id
           WHERE c.directory_id = ANY($1::uuid[]) AND (d.type <> 'private' OR c.owner_user_id = $5)
             AND c.sort_key NOT LIKE $3 AND c.search_vector @@ to_tsquery('simple', $2)
           ORDER BY d.priority, lower(d.name), d.id, c.sort_key || '', c.id LIMIT $4`,
          [dirs.slice(index).map((x) => x.id), tsquery, lastNamePrefix, wanted, s.userId],
        );
      let other: VisibleContactRow[];
      if (rare) {
        other = rare.filter((r) => r.directoryId === d.id).slice(0, rest);
      } else {
        const ownerRest = owner ? 'AND c.owner_user_id = $5' : 'AND $5::uuid IS NULL';
        other = await q(
          `SELECT ${VISIBLE_COLUMNS}
           FROM (SELECT * FROM contact c WHERE c.directory_id = $1 ${ownerRest} ORDER BY c.sort_key, c.id LIMIT $6) c JOIN directory d ON d.id = c.directory_id
           WHERE c.sort_key NOT LIKE $3 AND c.search_vector @@ to_tsquery('simple', $2)
           ORDER BY c.sort_key, c.id LIMIT $4`,
          [d.id, tsquery, lastNamePrefix, rest, owner ? s.userId : null, SEARCH_WINDOW],
        );
        if (other.length < rest) {
          // Rare words: one query through the text index for this directory and the ones after
          // it (the index is not per directory: asking it once per directory repeats the same
          // work). Rows come in the final order, so the cut at `wanted` never drops a row the
          // page needs; the next directories take their rows from it.
          rare = await rareQuery();
          other = rare.filter((r) => r.directoryId === d.id).slice(0, rest);
        }
      }
      rows.push(...other);
    }
    return rows.slice(page.offset, wanted);
  }

  /**
   * Contacts with a number equal to, or starting with, one of the prefixes (canonical forms):
   * directories in priority order, in each one exact matches first, then by number. In one
   * statement, each (directory, prefix) walks the index `contact_phone (directory_id, canonical
   * text_pattern_ops)` (partial: only the numbers a search may match) from the prefix and stops
   * after `offset + limit` contacts' worth of numbers, so a short prefix among millions of numbers
   * reads a few index pages, and a full number one probe per directory. Red-listed numbers and
   * numbers with option i are never matched: a search must not reveal them. Numbers that are not
   * E.164 (extensions) only match in directories of the reader's domain. Returns rows
   * `offset .. offset + limit`.
   */
  async searchNumber(s: Scope, prefixes: string[], exact: string | null, readerDomainId: string, page: { offset: number; limit: number }): Promise<VisibleContactRow[]> {
    if (s.directoryIds.length === 0 || prefixes.length === 0) return [];
    const wanted = page.offset + page.limit;
    // The range [prefix, prefix with its last character + 1) in byte order (the `~<~` family of
    // text_pattern_ops): a LIKE pattern would not use the index with a prefix known at run time only.
    const upper = (p: string) => `${p.slice(0, -1)}${String.fromCharCode(p.charCodeAt(p.length - 1) + 1)}`;
    const rows: VisibleContactRow[] = await this.db.dataSource.query(
      `WITH v AS (
         SELECT d.id, d.type, d.domain_id, row_number() OVER (ORDER BY d.priority, lower(d.name), d.id) AS ord
         FROM directory d WHERE d.id = ANY($1::uuid[]) AND d.type <> 'draft'),
       m AS (
         SELECT v.ord, x.contact_id, x.canonical
         FROM v CROSS JOIN unnest($3::text[], $4::text[]) AS r(lo, hi)
         CROSS JOIN LATERAL (
           -- A contact has at most one number per kind: enough numbers for the page contacts.
           SELECT p.contact_id, p.canonical FROM contact_phone p
           WHERE p.directory_id = v.id AND p.canonical ~>=~ r.lo AND p.canonical ~<~ r.hi
             AND p.canonical IS NOT NULL AND NOT p.red_list AND NOT p.invisible
             AND (v.type <> 'private' OR EXISTS (SELECT 1 FROM contact o WHERE o.id = p.contact_id AND o.owner_user_id = $2))
           ORDER BY p.canonical USING ~<~ LIMIT $5) x
         WHERE r.lo LIKE '+%' OR v.domain_id = $6),
       h AS (
         SELECT ord, contact_id, coalesce(bool_or(canonical = $7), false) AS exact, min(canonical COLLATE "C") AS first
         FROM m GROUP BY ord, contact_id ORDER BY ord, exact DESC, first, contact_id LIMIT $8)
       SELECT ${VISIBLE_COLUMNS}
       FROM h JOIN contact c ON c.id = h.contact_id JOIN directory d ON d.id = c.directory_id
       ORDER BY h.ord, h.exact DESC, h.first, c.id`,
      [s.directoryIds, s.userId, prefixes, prefixes.map(upper), wanted * PHONE_KINDS.length, readerDomainId, exact, wanted],
    );
    return rows.slice(page.offset, wanted);
  }
}
