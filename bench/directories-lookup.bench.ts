/**
 * Reverse lookup and search at scale: ~1,000,000 contacts (2 numbers each, plus a switchboard
 * number shared by many) across 10 directories, a user authorized to 5 of them. Reverse lookup
 * goes the way eventservices asks (NATS `tws.dir.lookup`: rights, dialing plan, one indexed
 * query), measured next to a direct LDAP query per call against slapd holding 100,000 entries
 * (what a gateway without a contact store does). Search goes through `tws.dir.search`.
 * Prints p50 / p99 and the query plans; asserts nothing.
 *
 * Needs slapd + ldap-utils, nats-server and a Postgres at TEST_DATABASE_URL.
 * Run: npm run build && node dist/bench/directories-lookup.bench.js
 *      BENCH_CONTACTS_PER_DIRECTORY=10000 BENCH_LDAP_ENTRIES=10000 for a quick run.
 */
import { Client as LdapClient } from 'ldapts';
import { DirectoryLookup, DirectorySearch, type DirectoryLookupResult, type DirectorySearchResult } from '@tws/contracts';
import { startTestSlapd } from '@tws/testing';
import { DirectoriesFixture } from '../test/integration/directories-fixture';
import { personEntry, seedPeople } from './directories-sync.bench';

const PER_DIRECTORY = Number(process.env['BENCH_CONTACTS_PER_DIRECTORY'] ?? 100_000);
const DIRECTORIES = 10;
const LDAP_ENTRIES = Number(process.env['BENCH_LDAP_ENTRIES'] ?? 100_000);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 3000);

const SURNAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefevre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'Andre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'Francois', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guerin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clement', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson'];
const FIRST = ['Jean', 'Marie', 'Pierre', 'Helene', 'Luc', 'Anne', 'Paul', 'Sophie', 'Jacques', 'Chloe', 'Louis', 'Emma', 'Hugo', 'Lea', 'Jules', 'Alice', 'Adam', 'Ines', 'Arthur', 'Manon'];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `p50 ${pct(s, 50).toFixed(2)} ms | p99 ${pct(s, 99).toFixed(2)} ms | mean ${mean.toFixed(2)} ms | n ${s.length}`;
}
async function timed<T>(inputs: readonly T[], op: (input: T) => Promise<unknown>): Promise<number[]> {
  for (const i of inputs.slice(0, 50)) await op(i); // warm-up
  const out: number[] = [];
  for (const i of inputs) {
    const t = performance.now();
    await op(i);
    out.push(performance.now() - t);
  }
  return out;
}
const rnd = (n: number) => Math.floor(Math.random() * n);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

async function main() {
  const f = new DirectoriesFixture();
  const ldap = await startTestSlapd({ sizeLimit: 1000 });
  try {
    await f.start({ LOG_LEVEL: 'warn' });
    const { companyId, domainId } = await f.company('Bench');
    const userId = await f.user(domainId, 'bench', { devices: [{ number: '4711', protocol: 'SIP' }] });
    const dirIds: string[] = [];
    for (let d = 0; d < DIRECTORIES; d++) {
      const dir = await f.ok(f.call('POST', f.dirs(domainId), { name: `Directory ${d}`, serverType: 'tws-contacts', priority: d }), 201);
      dirIds.push(dir.id);
      // Authorization filtering: the user sees every other directory.
      if (d % 2 === 0) await f.grant(companyId, dir.id, domainId, [{ type: 'user', id: userId }]);
    }

    let t = performance.now();
    for (let d = 0; d < DIRECTORIES; d++) {
      // Contact i of directory d: professional +331<d><i>, GSM +336<d><i>, and the switchboard of its
      // company (+3317<i mod 5000>), shared by 20 contacts per directory and 200 in all.
      await f.pg.query(
        `WITH g AS (SELECT i, $2::int AS d FROM generate_series(0, $3::int - 1) AS i),
         c AS (
           INSERT INTO contact (directory_id, external_id, last_name, first_name, company, fields, merge_mail, search_vector, sort_key, content_hash)
           SELECT $1, i::text, s.ln || (i / 50)::text, s.fn, 'Company ' || (i % 5000),
                  jsonb_build_object('lastName', jsonb_build_object('v', s.ln || (i / 50)::text), 'firstName', jsonb_build_object('v', s.fn),
                                     'company', jsonb_build_object('v', 'Company ' || (i % 5000)), 'mail1', jsonb_build_object('v', 'c' || d || '-' || i || '@example.com')),
                  'c' || d || '-' || i || '@example.com',
                  to_tsvector('simple', lower(s.ln || (i / 50)::text || ' ' || s.fn || ' company ' || (i % 5000) || ' c' || d || ' ' || i || ' example com')),
                  lower(s.ln || (i / 50)::text || ' ' || s.fn),
                  md5(i::text)
           FROM g, LATERAL (SELECT ($4::text[])[1 + i % array_length($4::text[], 1)] AS ln, ($5::text[])[1 + (i / 7) % array_length($5::text[], 1)] AS fn) s
           RETURNING id, external_id::int AS i)
         INSERT INTO contact_phone (contact_id, directory_id, kind, number, canonical, red_list, invisible)
         SELECT c.id, $1, k.kind, k.number, k.canonical, k.red, false FROM c, LATERAL (VALUES
           ('professional', '01 ' || lpad(($2::int * 1000000 + c.i)::text, 8, '0'), '+331' || lpad(($2::int * 1000000 + c.i)::text, 8, '0'), c.i % 100 = 0),
           ('gsm', '06 ' || lpad(($2::int * 1000000 + c.i)::text, 8, '0'), '+336' || lpad(($2::int * 1000000 + c.i)::text, 8, '0'), false),
           ('standard', '01 7' || lpad((c.i % 5000)::text, 7, '0'), '+3317' || lpad((c.i % 5000)::text, 7, '0'), false)) AS k(kind, number, canonical, red)`,
        [dirIds[d], d, PER_DIRECTORY, SURNAMES, FIRST],
      );
    }
    await f.pg.query('VACUUM ANALYZE contact');
    await f.pg.query('VACUUM ANALYZE contact_phone');
    const loadS = (performance.now() - t) / 1000;
    const [{ contacts, phones, size }] = (
      await f.pg.query(
        `SELECT (SELECT count(*) FROM contact) AS contacts, (SELECT count(*) FROM contact_phone) AS phones,
                pg_size_pretty(pg_total_relation_size('contact') + pg_total_relation_size('contact_phone')) AS size`,
      )
    ).rows;
    console.log(`\n${Number(contacts).toLocaleString('en')} contacts, ${Number(phones).toLocaleString('en')} numbers in ${DIRECTORIES} directories (user authorized to ${DIRECTORIES / 2}), loaded in ${loadS.toFixed(0)} s, ${size} with indexes`);

    t = performance.now();
    if (LDAP_ENTRIES > 0) seedPeople(ldap, LDAP_ENTRIES, personEntry(ldap.suffix));
    console.log(`slapd: ${LDAP_ENTRIES.toLocaleString('en')} entries seeded in ${((performance.now() - t) / 1000).toFixed(0)} s (no index on telephoneNumber: the harness default)`);

    // Numbers as the PBX presents them (French plan, no remove): national forms.
    const authorized = Array.from({ length: CALLS }, () => `01${pad(2 * rnd(DIRECTORIES / 2) * 1000000 + rnd(PER_DIRECTORY), 8)}`);
    const unauthorized = Array.from({ length: CALLS }, () => `06${pad((2 * rnd(DIRECTORIES / 2) + 1) * 1000000 + rnd(PER_DIRECTORY), 8)}`);
    const unknown = Array.from({ length: CALLS }, () => `09${pad(rnd(1e8), 8)}`);
    const shared = Array.from({ length: CALLS }, () => `017${pad(rnd(5000), 7)}`);
    const lookup = async (number: string) => (await f.m.request(DirectoryLookup, [], { userId, number })) as DirectoryLookupResult;
    const check = await lookup(authorized[0]!);
    if (!check.match) throw new Error(`expected a match for ${authorized[0]}: ${JSON.stringify(check)}`);
    if ((await lookup(unauthorized[0]!)).match) throw new Error('authorization filtering failed');
    if ((await lookup(shared[0]!)).match?.directory?.priority !== 0) throw new Error('priority failed');

    const rows: [string, number[]][] = [];
    rows.push(['lookup, hit in an authorized directory', await timed(authorized, lookup)]);
    rows.push(['lookup, number only in unauthorized directories (fallback)', await timed(unauthorized, lookup)]);
    rows.push(['lookup, unknown number (fallback)', await timed(unknown, lookup)]);
    rows.push(['lookup, switchboard number held by 200 contacts (priority)', await timed(shared, lookup)]);

    if (LDAP_ENTRIES > 0) {
      const client = new LdapClient({ url: ldap.url });
      await client.bind(`cn=reader,${ldap.suffix}`, 'reader-secret');
      const ldapNumbers = Array.from({ length: Math.min(CALLS, 1000) }, () => {
        const n = pad(rnd(LDAP_ENTRIES), 8);
        // The exact stored form: an LDAP filter matches strings, not numbers.
        return `01 ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6)}`;
      });
      const filter = (n: string) => `(telephoneNumber=${n})`;
      rows.push([`direct LDAP query per call, (telephoneNumber=…), ${LDAP_ENTRIES.toLocaleString('en')} entries`, await timed(ldapNumbers, (n) => client.search(`ou=people,${ldap.suffix}`, { filter: filter(n), attributes: ['sn', 'givenName', 'o'] }))]);
      await client.unbind();
    }

    const search = async (query: string) => (await f.m.request(DirectorySearch, [], { userId, query, limit: 20 })) as DirectorySearchResult;
    const some = <T>(list: readonly T[], n = 300) => Array.from({ length: n }, () => list[rnd(list.length)]!);
    rows.push(['search, 3-letter prefix of a surname ("ber", thousands of matches)', await timed(some(SURNAMES.map((s) => s.slice(0, 3).toLowerCase())), search)]);
    rows.push(['search, surname + first-name prefix ("martin12 je")', await timed(some(SURNAMES.map((s) => `${s}${rnd(2000)} ${FIRST[rnd(FIRST.length)]!.slice(0, 2)}`)), search)]);
    rows.push(['search, company ("company 4711")', await timed(some(Array.from({ length: 100 }, () => `company ${rnd(5000)}`)), search)]);
    rows.push(['search, full number', await timed(some(authorized), search)]);
    // The first 7 digits of a number: 1,000 numbers start with them.
    rows.push(['search, number prefix ("01 00 01 2", ~1,000 matches)', await timed(some(authorized).map((n) => `${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6, 7)}`), search)]);
    // The first 4 digits: every number of a directory (100,000) starts with them.
    rows.push(['search, short number prefix ("01 02": ~100,000 matches)', await timed(some(authorized).map((n) => `${n.slice(0, 2)} ${n.slice(2, 4)}`), search)]);

    console.log('\ncase | latency (sequential, NATS round trip included)');
    for (const [name, samples] of rows) console.log(`${name} | ${stats(samples)}`);

    const plan = async (label: string, sql: string, params: unknown[]) => {
      const r = await f.pg.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
      console.log(`\n${label}\n${r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')}`);
    };
    const visible = dirIds.filter((_, d) => d % 2 === 0);
    await plan(
      'Plan: reverse lookup (switchboard number)',
      `SELECT c.id FROM contact_phone p JOIN directory d ON d.id = p.directory_id JOIN contact c ON c.id = p.contact_id
       WHERE p.canonical = $3 AND p.directory_id = ANY($1::uuid[]) AND d.id = ANY($1::uuid[]) AND d.type <> 'draft' AND (d.type <> 'private' OR c.owner_user_id = $2)
         AND (p.canonical LIKE '+%' OR d.domain_id = $4)
       ORDER BY d.priority, lower(d.name), d.id, c.sort_key, c.id LIMIT 1`,
      [visible, userId, '+33170000042', domainId],
    );
    // Search walks each directory in priority order (see LookupRepository.searchWords): the plan of
    // the first step (last names starting with the word, name index in order, bitmap scans off as
    // in the repository) and of the rare-words step (the text index once for every directory).
    await f.pg.query('SET enable_bitmapscan = off');
    await plan(
      'Plan: search, last names starting with "ber" in the first directory',
      `SELECT c.id FROM contact c JOIN directory d ON d.id = c.directory_id
       WHERE c.directory_id = $1 AND c.sort_key LIKE 'ber%' AND c.search_vector @@ to_tsquery('simple', 'ber:*')
       ORDER BY c.sort_key, c.id LIMIT 21`,
      [visible[0]],
    );
    await f.pg.query('RESET enable_bitmapscan');
    await plan(
      'Plan: search, number prefix "+33104012" (each authorized directory walked from the prefix, up to the page end)',
      `WITH v AS (SELECT d.id, row_number() OVER (ORDER BY d.priority, lower(d.name), d.id) AS ord FROM directory d WHERE d.id = ANY($1::uuid[])),
       m AS (SELECT v.ord, x.contact_id, x.canonical FROM v CROSS JOIN unnest($2::text[], $3::text[]) AS r(lo, hi)
             CROSS JOIN LATERAL (SELECT p.contact_id, p.canonical FROM contact_phone p
               WHERE p.directory_id = v.id AND p.canonical ~>=~ r.lo AND p.canonical ~<~ r.hi AND p.canonical IS NOT NULL AND NOT p.red_list AND NOT p.invisible
               ORDER BY p.canonical USING ~<~ LIMIT 105) x)
       SELECT ord, contact_id, min(canonical COLLATE "C") AS first FROM m GROUP BY ord, contact_id ORDER BY ord, first, contact_id LIMIT 21`,
      [visible, ['+33104012'], ['+33104013']],
    );
    await plan(
      'Plan: search, rare words "company 4711" in every authorized directory',
      `SELECT c.id FROM contact c JOIN directory d ON d.id = c.directory_id
       WHERE c.directory_id = ANY($1::uuid[]) AND (d.type <> 'private' OR c.owner_user_id = $2)
         AND c.sort_key NOT LIKE 'company%' AND c.search_vector @@ to_tsquery('simple', 'company:* & 4711:*')
       ORDER BY d.priority, lower(d.name), d.id, c.sort_key || '', c.id LIMIT 21`,
      [visible, userId],
    );
  } finally {
    await f.stop();
    await ldap.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
