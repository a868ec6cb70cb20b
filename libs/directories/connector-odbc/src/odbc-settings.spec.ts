import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConnectionString, connectionStringProblem, describeSource, odbcSettingsSchema, parseConnectionString, tableSql } from './odbc-settings';

test('connection strings parse as ODBC writes them: braces, "}}", spaces', () => {
  const r = parseConnectionString('Driver={PostgreSQL Unicode}; Server=db.example.com;Port=5432;Database=crm;Extra={a;b}}c};');
  assert.ok(r.ok);
  assert.deepEqual(
    r.attributes.map((a) => [a.key, a.value]),
    [
      ['Driver', 'PostgreSQL Unicode'],
      ['Server', 'db.example.com'],
      ['Port', '5432'],
      ['Database', 'crm'],
      ['Extra', 'a;b}c'],
    ],
  );
  assert.equal(parseConnectionString('Driver={x').ok, false);
  assert.equal(parseConnectionString('Server').ok, false);
  assert.equal(parseConnectionString('Driver=a{b}').ok, false);
});

test('a connection string with a password, a file-writing option or a library outside the system folders is refused', () => {
  assert.equal(connectionStringProblem('Driver={PostgreSQL Unicode};Server=db;Database=crm'), undefined);
  assert.equal(connectionStringProblem('Driver=/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so;Database=/srv/c.db;LoadExt=/usr/lib/x86_64-linux-gnu/libsqlite3_mod_csvtable.so'), undefined);
  assert.equal(connectionStringProblem('DSN=crm'), undefined);
  assert.match(connectionStringProblem('Driver=x;Server=db;PWD=secret')!, /^PWD: the password goes in the password field/);
  assert.match(connectionStringProblem('Driver=x;password=secret')!, /^password: /);
  assert.match(connectionStringProblem('Driver=x;SAVEFILE=/tmp/x')!, /write a file/);
  assert.match(connectionStringProblem('Driver=/tmp/evil.so')!, /a library path must be under/);
  assert.match(connectionStringProblem('Driver=/usr/lib/../../tmp/evil.so')!, /a library path must be under/);
  assert.match(connectionStringProblem('Driver=x;LoadExt=/home/me/ext.so')!, /a library path must be under/);
  assert.match(connectionStringProblem('Server=db;Database=crm')!, /neither a Driver nor a DSN/);
  assert.match(connectionStringProblem('Driver=a;driver=b')!, /given twice/);
});

test('table names: plain identifiers as written, quoted ones kept, others quoted; nothing else reaches the SQL', () => {
  const sql = (t: string) => {
    const r = tableSql(t);
    return r.ok ? r.sql : `! ${r.problem}`;
  };
  assert.equal(sql('contacts'), 'contacts');
  assert.equal(sql('crm.Contacts'), 'crm.Contacts');
  assert.equal(sql('"Contacts"'), '"Contacts"');
  assert.equal(sql('people list'), '"people list"');
  assert.equal(sql('annuaire.société'), 'annuaire."société"');
  assert.equal(sql('a.b.c'), 'a.b.c');
  assert.match(sql('a.b.c.d'), /^! at most/);
  assert.match(sql('x"; DROP TABLE contact; --'), /^! .*double quote/);
  assert.equal(sql('contacts;DROP TABLE x'), '"contacts;DROP TABLE x"', 'only ever a quoted name');
  assert.match(sql('a..b'), /^! an empty name/);
  assert.match(sql('"a'), /^! a double quote is not closed/);
});

test('settings: a DSN or a connection string, defaults, every problem at once', () => {
  const s = odbcSettingsSchema.parse({ dsn: 'crm', table: 'contacts' });
  assert.deepEqual([s.connectionString, s.user, s.fetchSize, s.timeoutSeconds], ['', '', 0, 30]);
  assert.equal(buildConnectionString(s, null), 'DSN=crm');
  assert.equal(buildConnectionString({ ...s, user: 'reader' }, 'p;w}d'), 'DSN=crm;UID=reader;PWD={p;w}}d}');
  assert.equal(buildConnectionString({ dsn: '', connectionString: 'Driver=x;Server=db;', user: '' }, 'plain'), 'Driver=x;Server=db;PWD=plain');
  assert.equal(buildConnectionString({ dsn: '', connectionString: 'Driver={PostgreSQL Unicode};Server=db', user: '' }, null), 'Driver={PostgreSQL Unicode};Server=db;UseDeclareFetch=1', 'psqlODBC streams through a cursor');
  assert.equal(buildConnectionString({ dsn: '', connectionString: 'Driver={PostgreSQL Unicode};usedeclarefetch=0', user: '' }, null), 'Driver={PostgreSQL Unicode};usedeclarefetch=0', 'unless told otherwise');
  assert.equal(buildConnectionString({ dsn: '', connectionString: 'Driver=/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so;Database=/srv/a.db', user: '' }, null), 'Driver=/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so;Database=/srv/a.db;StepAPI=1');
  assert.equal(describeSource({ dsn: '', connectionString: 'Driver={PostgreSQL Unicode};Server=db;UID=u;Database=crm' }), 'the ODBC source (Driver=PostgreSQL Unicode;Server=db;Database=crm)');

  const none = odbcSettingsSchema.safeParse({ table: 'contacts' });
  assert.deepEqual(none.error!.issues.map((i) => [i.path.join('.'), i.message]), [['dsn', 'give a DSN or a connection string']]);
  const both = odbcSettingsSchema.safeParse({ dsn: 'crm', connectionString: 'DSN=crm', table: 'contacts' });
  assert.deepEqual(both.error!.issues.map((i) => i.path.join('.')), ['connectionString']);
  const bad = odbcSettingsSchema.safeParse({ connectionString: 'Driver=x;PWD=secret', table: 'x"y', fetchSize: -1, dsn: 'a;b', extra: 1 });
  assert.deepEqual(bad.error!.issues.map((i) => i.path.join('.')).sort(), ['', 'connectionString', 'connectionString', 'dsn', 'fetchSize', 'table']);
  const twice = odbcSettingsSchema.safeParse({ connectionString: 'Driver=x;UID=a', user: 'b', table: 't' });
  assert.deepEqual(twice.error!.issues.map((i) => i.path.join('.')), ['user']);
});
