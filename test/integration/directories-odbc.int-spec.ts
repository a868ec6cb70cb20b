import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@tws/db';
import { loadOdbc, type OdbcLib } from '@tws/directories-connector-odbc';
import { freePort, waitFor } from '@tws/testing';
import { DirectoriesFixture } from './directories-fixture';

/** Debian's drivers (odbc-postgresql, libsqliteodbc, libsqlite3-mod-csvtable). */
const ODBC_DIR = ['/usr/lib/x86_64-linux-gnu/odbc', '/usr/lib/aarch64-linux-gnu/odbc'].find((d) => existsSync(d)) ?? '/usr/lib/x86_64-linux-gnu/odbc';
const SQLITE_DRIVER = join(ODBC_DIR, 'libsqlite3odbc.so');
const CSV_MODULE = join(ODBC_DIR, '..', 'libsqlite3_mod_csvtable.so');

/**
 * ODBC directories through unixODBC with real drivers: psqlODBC against a table of the test
 * database (more rows than the fetch size, accents, NULLs, a red-list column, a row without ID), the
 * SQLite ODBC driver on a database file, and a CSV file through the SQLite driver's csvtable
 * module. A failing source — unreachable server, unknown DSN, missing table, wrong password, a
 * server that stops in the middle — leaves the previous contacts as they were.
 */
describe('ODBC directories: PostgreSQL and SQLite drivers, CSV, failures', () => {
  const f = new DirectoriesFixture();
  const id: Record<string, string> = {};
  let odbc: OdbcLib;
  let pgAt: { host: string; port: string; user: string; password: string | null; database: string };
  let work = '';
  let secure: EmbeddedPostgresHandle | undefined;
  const ROWS = 1234;
  const FETCH = 100;

  const pgConnection = (extra = '') => `Driver={PostgreSQL Unicode};Server=${pgAt.host};Port=${pgAt.port};Database=${pgAt.database};Fetch=${FETCH}${extra}`;
  const dir = (directoryId: string) => `${f.dirs(id['domain']!)}/${directoryId}`;
  const contactsOf = async (directoryId: string, search = '') => f.ok(f.call('GET', `${dir(directoryId)}/contacts?limit=500${search ? `&search=${encodeURIComponent(search)}` : ''}`));
  /** Runs SQL on an SQLite file through the same driver the directory uses. */
  const sqlite = async (file: string, statements: string[], loadExt = false) => {
    const c = await odbc.connect({ connectionString: `Driver=${SQLITE_DRIVER};Database=${file}${loadExt ? `;LoadExt=${CSV_MODULE}` : ''}` });
    try {
      for (const s of statements) await (c as unknown as { query(sql: string): Promise<unknown> }).query(s);
    } finally {
      await c.close();
    }
  };
  const national = (i: number) => `01 55 17 ${String(1000 + i).slice(0, 2)} ${String(1000 + i).slice(2)}`;

  before(async () => {
    odbc = await loadOdbc();
    work = mkdtempSync(join(tmpdir(), 'tws-odbc-'));
    // A DSN of the service's own odbc.ini (unixODBC reads $ODBCINI), on a driver named in /etc/odbcinst.ini.
    writeFileSync(join(work, 'odbc.ini'), `[Annuaire]\nDriver = SQLite3\nDatabase = ${join(work, 'annuaire.db')}\nStepAPI = 1\n`);
    await f.start({ ODBCINI: join(work, 'odbc.ini') });
    const u = new URL(f.db.url);
    pgAt = { host: u.hostname, port: u.port || '5432', user: decodeURIComponent(u.username), password: u.password ? decodeURIComponent(u.password) : null, database: f.db.name };
    await f.pg.query(`
      CREATE TABLE crm_contacts (id text, "LastName" text, firstname text, company text, tel1 text, gsm text, redlist text, mail text);
      INSERT INTO crm_contacts SELECT 'c' || i, 'Person' || i, 'Test', 'Acme', '01 55 17 ' || substr((1000 + i)::text, 1, 2) || ' ' || substr((1000 + i)::text, 3), NULL, NULL, 'p' || i || '@example.com'
        FROM generate_series(0, ${ROWS - 5}) AS i;
      INSERT INTO crm_contacts VALUES
        ('helene', 'Déné', 'Hélène', 'Société Générale', '+33 (0)1 44 55 66 77', '06 11 22 33 44', 'LR', 'helene@example.com'),
        ('jurgen', 'Müller', 'Jürgen', NULL, '+49 40 1234567', NULL, 'no', NULL),
        ('nulls', 'Onlyname', NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, 'Noid', 'Row', NULL, '01 99 99 99 99', NULL, NULL, NULL);
    `);
    ({ companyId: id['company']!, domainId: id['domain']! } = await f.company('Odbc Corp'));
    id['alice'] = await f.user(id['domain']!, 'alice');
  });
  after(async () => {
    await f.stop();
    await secure?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('an ODBC directory is refused with every reason at once, then created with the guide\'s default mapping', async () => {
    const bad = await f.call('POST', f.dirs(id['domain']!), {
      name: 'Crm',
      serverType: 'odbc',
      connector: { connectionString: 'Driver=/tmp/evil.so;Server=db;PWD=secret', table: 'x"; DROP TABLE contact; --', fetchSize: -1 },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.details.map((d: { path: string }) => d.path), ['connector.connectionString', 'connector.table', 'connector.fetchSize']);
    assert.match(bad.body.message, /a library path must be under/);
    const neither = await f.call('POST', f.dirs(id['domain']!), { name: 'Crm', serverType: 'odbc', connector: { table: 'crm_contacts' } });
    assert.deepEqual([neither.status, neither.body.details.map((d: { path: string; message: string }) => `${d.path}: ${d.message}`)], [400, ['connector.dsn: give a DSN or a connection string']]);
    const withPwd = await f.call('POST', f.dirs(id['domain']!), { name: 'Crm', serverType: 'odbc', connector: { connectionString: pgConnection(';PWD=x'), table: 'crm_contacts' } });
    assert.match(withPwd.body.details[0].message, /PWD: the password goes in the password field/);

    const created = await f.ok(
      f.call('POST', f.dirs(id['domain']!), {
        name: 'Crm',
        serverType: 'odbc',
        priority: 5,
        connector: { connectionString: pgConnection(), table: 'crm_contacts', user: pgAt.user, fetchSize: FETCH },
        ...(pgAt.password ? { password: pgAt.password } : {}),
      }),
      201,
    );
    id['crm'] = created.id;
    assert.deepEqual(created.fields, { id: 'id', lastName: 'lastname', firstName: 'firstname', company: 'company', professionalPhone: 'tel1' }, 'the guide\'s example (8.4.2)');
    assert.deepEqual(created.connector, { dsn: '', connectionString: pgConnection(), table: 'crm_contacts', user: pgAt.user, fetchSize: FETCH, timeoutSeconds: 30 });
    await f.ok(
      f.call('PATCH', dir(created.id), {
        fields: {
          id: 'ID',
          lastName: 'LastName',
          firstName: 'firstname|m',
          company: 'company',
          professionalPhone: 'tel1',
          professionalRedList: 'redlist',
          gsmPhone: 'gsm',
          gsmRedList: 'redlist',
          mail1: 'mail',
        },
      }),
    );
    await f.grant(id['company']!, created.id, id['domain']!, [{ type: 'user', id: id['alice']! }]);
  });

  test('psqlODBC: every row through the cursor, accents, NULLs, red list; the row without ID is ignored with the reason', async () => {
    const run = await f.sync(id['domain']!, id['crm']!);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual([run.read, run.created, run.updated, run.deleted, run.ignored], [ROWS, ROWS - 1, 0, 0, 1], `${ROWS} rows, fetched ${FETCH} at a time`);
    assert.deepEqual(run.ignoredReasons, [{ reason: 'no ID (field "id" is empty or missing)', count: 1, examples: [`row ${ROWS}`] }]);
    assert.equal(await f.contactCount(id['crm']!), ROWS - 1);

    const helene = (await contactsOf(id['crm']!, 'dene')).items[0];
    assert.deepEqual([helene.externalId, helene.lastName, helene.firstName, helene.company, helene.mail1], ['helene', 'Déné', 'Hélène', 'Société Générale', 'helene@example.com']);
    assert.deepEqual(
      helene.phones.map((p: { kind: string; canonical: string; redList: boolean }) => [p.kind, p.canonical, p.redList]),
      [
        ['professional', '+33144556677', true],
        ['gsm', '+33611223344', true],
      ],
    );
    const nulls = (await contactsOf(id['crm']!, 'onlyname')).items[0];
    assert.deepEqual([nulls.firstName, nulls.company, nulls.phones, nulls.mail1], ['', '', [], null], 'NULL columns are empty fields');

    const r = await f.lookup(id['domain']!, id['alice']!, '+33 1 55 17 10 07', '&origin=directory');
    assert.deepEqual([r.match?.lastName, r.match?.directory?.name, r.matchedKind], ['Person7', 'Crm', 'professional']);
    const red = await f.lookup(id['domain']!, id['alice']!, '01 44 55 66 77', '&origin=directory');
    assert.equal(red.displayName, 'Hélène Déné', 'a red-listed number still names the caller');
    assert.equal(red.match.phones[0].number, null);
    assert.deepEqual((await f.search(id['domain']!, id['alice']!, 'mul jur')).items.map((c: { lastName: string }) => c.lastName), ['Müller']);
  });

  test('the next synchronization upserts by ID and deletes the rows that vanished', async () => {
    await f.pg.query(`UPDATE crm_contacts SET "LastName" = 'Renamed' WHERE id = 'c1'; DELETE FROM crm_contacts WHERE id = 'c2'; INSERT INTO crm_contacts (id, "LastName") VALUES ('new', 'Newcomer')`);
    const run = await f.sync(id['domain']!, id['crm']!);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual([run.read, run.created, run.updated, run.deleted, run.ignored], [ROWS, 1, 1, 1, 1]);
    assert.equal((await contactsOf(id['crm']!, 'renamed')).total, 1);
    assert.equal((await f.lookup(id['domain']!, id['alice']!, national(2), '&origin=directory')).match, null, 'c2 is gone');
  });

  test('an unreachable server, an unknown DSN, a missing table: the run fails, says what to check, and changes nothing', async () => {
    const before = await f.contactCount(id['crm']!);
    const failed = async (connector: object, pattern: RegExp) => {
      await f.ok(f.call('PATCH', dir(id['crm']!), { connector }));
      const run = await f.sync(id['domain']!, id['crm']!);
      assert.equal(run.status, 'failed', JSON.stringify(run));
      assert.match(run.error, pattern);
      assert.match(run.error, /nothing was changed: the contacts from before the synchronization are kept$/);
      assert.equal(await f.contactCount(id['crm']!), before);
    };
    const port = await freePort();
    await failed({ connectionString: pgConnection().replace(`Port=${pgAt.port}`, `Port=${port}`) }, new RegExp(`is unreachable \\(connection to server at "${pgAt.host}", port ${port} failed: Connection refused\\): check the server, the port`));
    await failed({ connectionString: '', dsn: 'NoSuchSource' }, /^the ODBC data source "NoSuchSource" is not defined \(.*Data source name not found.*\): check the DSN/);
    await failed({ connectionString: pgConnection(), dsn: '', table: 'no_such_table' }, /has no table "no_such_table" \(ERROR: relation "no_such_table" does not exist.*\): check the table name/);
    await f.ok(f.call('PATCH', dir(id['crm']!), { connector: { table: 'crm_contacts' } }));
    assert.equal((await f.sync(id['domain']!, id['crm']!)).status, 'succeeded');
  });

  test('a wrong password is refused by a server that checks it; the previous contacts stay', async () => {
    // The test Postgres trusts local connections: a private one with scram-sha-256 checks passwords.
    const root = mkdtempSync(join(tmpdir(), 'tws-odbc-pg-'));
    chmodSync(root, 0o755);
    const port = await freePort();
    secure = await startEmbeddedPostgres({ dataDir: join(root, 'data'), port, database: 'crm' });
    const admin = new Client({ connectionString: secure.url });
    await admin.connect();
    await admin.query(`CREATE ROLE reader LOGIN PASSWORD 'pa;ss}w{rd'; CREATE TABLE people (id int PRIMARY KEY, lastname text, tel1 text); INSERT INTO people VALUES (1, 'Secure', '01 40 00 00 01'), (2, 'Locked', '01 40 00 00 02'); GRANT SELECT ON people TO reader;`);
    await admin.end();
    const created = await f.ok(
      f.call('POST', f.dirs(id['domain']!), {
        name: 'Secure',
        serverType: 'odbc',
        connector: { connectionString: `Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=${port};Database=crm`, table: 'people', user: 'reader' },
        password: 'pa;ss}w{rd',
      }),
      201,
    );
    id['secure'] = created.id;
    assert.equal(created.passwordSet, true);
    const ok = await f.sync(id['domain']!, created.id);
    assert.equal(ok.status, 'succeeded', `a password with ";", "{" and "}" reaches the driver intact: ${JSON.stringify(ok)}`);
    assert.equal(ok.created, 2);
    await f.ok(f.call('PATCH', dir(created.id), { password: 'wrong' }));
    const denied = await f.sync(id['domain']!, created.id);
    assert.equal(denied.status, 'failed');
    assert.match(denied.error, /^the ODBC source \(Driver=PostgreSQL Unicode;Server=127\.0\.0\.1;Port=\d+;Database=crm\) refused the login \(.*password authentication failed for user "reader".*\): check the user and password — nothing was changed/);
    assert.ok(!denied.error.includes('wrong'));
    assert.equal(await f.contactCount(created.id), 2);
    await secure.stop();
    secure = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  test('a server that stops answering in the middle of the read: interrupted, nothing changed', async () => {
    await f.pg.query(`CREATE TABLE crm_big AS SELECT 'b' || i AS id, 'Big' || i AS lastname, '+33 2 40 ' || (100000 + i) AS tel1 FROM generate_series(1, 20000) AS i`);
    const big = await f.ok(
      f.call('POST', f.dirs(id['domain']!), {
        name: 'Big',
        serverType: 'odbc',
        priority: 50,
        connector: { connectionString: pgConnection().replace(`Fetch=${FETCH}`, 'Fetch=20'), table: 'crm_big', user: pgAt.user, fetchSize: 20 },
        ...(pgAt.password ? { password: pgAt.password } : {}),
      }),
      201,
    );
    assert.equal((await f.sync(id['domain']!, big.id)).created, 20000);
    const run = await f.ok(f.call('POST', `${dir(big.id)}/sync`), 202);
    await waitFor('the read to be under way', async () => (await f.ok(f.call('GET', `${dir(big.id)}/sync-runs/${run.id}`))).read >= 200, 30_000, 10);
    // psqlODBC reads through a server-side cursor (UseDeclareFetch, turned on by the connector);
    // the database ends the driver's session (as a server restart would).
    const killed = await f.pg.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%SQL_CUR%'`);
    assert.equal(killed.rowCount, 1, 'the ODBC session was found');
    const failed = await f.runEnd(id['domain']!, big.id, run.id);
    assert.equal(failed.status, 'failed', JSON.stringify(failed));
    assert.ok(failed.read >= 200 && failed.read < 20000, `stopped in the middle: ${failed.read} rows read`);
    assert.match(failed.error, /stopped answering after \d+ rows \(.*\): the read is incomplete — nothing was changed/);
    assert.equal(await f.contactCount(big.id), 20000);
  });

  test('SQLite ODBC driver on a database file, by connection string and by DSN', async () => {
    const file = join(work, 'annuaire.db');
    await sqlite(file, [
      'CREATE TABLE annuaire (id INTEGER PRIMARY KEY, lastname TEXT, firstname TEXT, company TEXT, tel1 TEXT)',
      "INSERT INTO annuaire VALUES (1, 'Léa', 'Zoé', 'Crèmerie', '01 47 00 00 01'), (2, 'Noël', NULL, NULL, '01 47 00 00 02'), (3, 'Nonumber', NULL, NULL, NULL)",
    ]);
    const created = await f.ok(f.call('POST', f.dirs(id['domain']!), { name: 'SQLite', serverType: 'odbc', priority: 20, connector: { connectionString: `Driver=${SQLITE_DRIVER};Database=${file}`, table: 'annuaire' } }), 201);
    await f.grant(id['company']!, created.id, id['domain']!, [{ type: 'user', id: id['alice']! }]);
    const run = await f.sync(id['domain']!, created.id);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual([run.read, run.created, run.ignored], [3, 3, 0]);
    const lea = await f.lookup(id['domain']!, id['alice']!, '+33147000001', '&origin=directory');
    assert.deepEqual([lea.match?.lastName, lea.match?.firstName, lea.match?.company], ['Léa', 'Zoé', 'Crèmerie']);
    const byDsn = await f.ok(f.call('POST', f.dirs(id['domain']!), { name: 'SQLite DSN', serverType: 'odbc', priority: 25, connector: { dsn: 'Annuaire', table: 'annuaire' } }), 201);
    const dsnRun = await f.sync(id['domain']!, byDsn.id);
    assert.deepEqual([dsnRun.status, dsnRun.created], ['succeeded', 3], `the same file through the DSN: ${JSON.stringify(dsnRun)}`);
    await f.ok(f.call('PATCH', dir(created.id), { connector: { table: 'missing' } }));
    const missing = await f.sync(id['domain']!, created.id);
    assert.match(missing.error, /has no table "missing" \(\[SQLite\]no such table: missing.*\): check the table name/);
  });

  test('CSV through the SQLite driver: a csvtable virtual table reads the file at every synchronization', async () => {
    const csv = join(work, 'contacts.csv');
    writeFileSync(csv, 'id,lastname,firstname,company,tel1\n1,Dupont,Élodie,"Dupont, Père & Fils",01 48 00 00 01\n2,Øster,Åsa,,01 48 00 00 02\n,Noid,,,01 48 00 00 03\n');
    const file = join(work, 'csv.db');
    // Once, by the administrator (sqlite3 CLI: .load the module, then the same statement).
    await sqlite(file, [`CREATE VIRTUAL TABLE contacts USING csvtable('${csv.replace(/'/g, "''")}', 1)`], true);
    const connectionString = `Driver=${SQLITE_DRIVER};Database=${file};LoadExt=${CSV_MODULE}`;
    const created = await f.ok(f.call('POST', f.dirs(id['domain']!), { name: 'Csv', serverType: 'odbc', priority: 30, connector: { connectionString, table: 'contacts' } }), 201);
    const run = await f.sync(id['domain']!, created.id);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual([run.read, run.created, run.ignored], [3, 2, 1]);
    assert.deepEqual(run.ignoredReasons[0].examples, ['row 3']);
    const dupont = (await contactsOf(created.id, 'dupont')).items[0];
    assert.deepEqual([dupont.firstName, dupont.company, dupont.phones[0].canonical], ['Élodie', 'Dupont, Père & Fils', '+33148000001']);
    assert.equal((await contactsOf(created.id)).items.find((c: { lastName: string }) => c.lastName === 'Øster')?.firstName, 'Åsa');

    writeFileSync(csv, readFileSync(csv, 'utf8').replace('Dupont,Élodie', 'Durand,Élodie'));
    const again = await f.sync(id['domain']!, created.id);
    assert.deepEqual([again.status, again.updated], ['succeeded', 1], 'the file is read anew');
    assert.equal((await contactsOf(created.id, 'durand')).total, 1);

    await f.ok(f.call('PATCH', dir(created.id), { connector: { connectionString: `Driver=${SQLITE_DRIVER};Database=${file}` } }));
    const noModule = await f.sync(id['domain']!, created.id);
    assert.equal(noModule.status, 'failed');
    assert.match(noModule.error, /its module is not loaded .*: add LoadExt=.*libsqlite3_mod_csvtable\.so to the connection string/);
    assert.equal(await f.contactCount(created.id), 2);
  });
});
