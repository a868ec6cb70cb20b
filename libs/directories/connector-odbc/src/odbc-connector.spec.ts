import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError, type SourceRecord } from '@tws/directories-mapping';
import { describeFailure, fitFetchSize, loadOdbc, OdbcConnector, rowBufferBytes, toSourceRecord, type OdbcLib } from './odbc-connector';
import { odbcSettingsSchema } from './odbc-settings';

const odbcError = (state: string, message: string) => Object.assign(new Error('[odbc] Error connecting to the database'), { odbcErrors: [{ state, code: 1, message }] });

/** A driver manager that serves `rows` by pages of `fetchSize`, and records what it was asked. */
function fakeOdbc(rows: Record<string, unknown>[], fail?: { at: 'connect' | 'query' | 'fetch'; error: Error; afterFetches?: number }, columns = [{ name: 'ID', dataType: 4, columnSize: 10 }]) {
  const calls: string[] = [];
  let open = 0;
  const lib: OdbcLib = {
    async connect(p) {
      calls.push(`connect ${p.connectionString}`);
      if (fail?.at === 'connect') throw fail.error;
      open++;
      return {
        async query(sql: string, o?: { fetchSize: number }): Promise<any> {
          if (!o) {
            calls.push(`describe ${sql}`);
            if (fail?.at === 'query') throw fail.error;
            return Object.assign([], { columns });
          }
          calls.push(`query ${sql} ${o.fetchSize}`);
          let at = 0;
          let fetches = 0;
          const cursor = {
            noData: false,
            async fetch() {
              if (fail?.at === 'fetch' && fetches++ >= (fail.afterFetches ?? 0)) throw fail.error;
              const page = rows.slice(at, at + o.fetchSize);
              at += page.length;
              cursor.noData = at >= rows.length;
              calls.push(`fetch ${page.length}`);
              return page;
            },
            async close() {
              calls.push('cursor closed');
            },
          };
          return cursor;
        },
        async close() {
          open--;
          calls.push('connection closed');
        },
      };
    },
  };
  return { lib, calls, open: () => open };
}

const settings = (extra: object = {}) => odbcSettingsSchema.parse({ connectionString: 'Driver={PostgreSQL Unicode};Server=db;Database=crm', table: 'contacts', user: 'reader', ...extra });
const source = (extra: object = {}) => ({ directoryId: 'd', domainId: 'x', settings: settings(extra), password: 's3cret' });

async function readAll(c: OdbcConnector, src = source(), signal = new AbortController().signal, attributes: string[] = []): Promise<SourceRecord[][]> {
  const pages: SourceRecord[][] = [];
  for await (const p of c.read(src, { signal, attributes, onTruncated: () => undefined })) pages.push(p);
  return pages;
}

test('rows become records: names in lower case, NULL and blank left out, numbers as text, bytes kept, row number as reference', () => {
  const r = toSourceRecord({ ID: 7, LastName: 'Müller', GSM: null, Note: '  ', Photo: new Uint8Array([1, 2]).buffer, Vip: true, Big: 12n }, 42);
  assert.equal(r.ref, 'row 42');
  assert.equal(r.stableId, undefined);
  assert.deepEqual([...r.values.keys()], ['id', 'lastname', 'photo', 'vip', 'big']);
  assert.deepEqual(r.values.get('id'), ['7']);
  assert.deepEqual(r.values.get('photo'), [Buffer.from([1, 2])]);
  assert.deepEqual([...toSourceRecord({ ID: 1, Other: 'x' }, 1, new Set(['id'])).values.keys()], ['id'], 'only the mapped columns are kept');
});

test('reads through a cursor page by page, with the user and password in the connection string, and closes everything', async () => {
  const rows = Array.from({ length: 12 }, (_, i) => ({ id: i, lastname: `N${i}` }));
  const odbc = fakeOdbc(rows);
  const pages = await readAll(new OdbcConnector(async () => odbc.lib), source({ fetchSize: 5 }));
  assert.deepEqual(pages.map((p) => p.length), [5, 5, 2]);
  assert.equal(pages[2]![1]!.ref, 'row 12');
  assert.deepEqual(odbc.calls.slice(0, 3), ['connect Driver={PostgreSQL Unicode};Server=db;Database=crm;UseDeclareFetch=1;UID=reader;PWD=s3cret', 'describe SELECT * FROM contacts WHERE 1=0', 'query SELECT * FROM contacts 5']);
  assert.deepEqual(odbc.calls.slice(-2), ['cursor closed', 'connection closed']);
  assert.equal(odbc.open(), 0);
});

test('wide rows are fetched in smaller pieces, still written by pages of the page size', async () => {
  const wide = Array.from({ length: 4 }, (_, i) => ({ name: `t${i}`, dataType: -1, columnSize: 65536 }));
  const odbc = fakeOdbc(Array.from({ length: 100 }, (_, i) => ({ id: i })), undefined, wide);
  const pages = await readAll(new OdbcConnector(async () => odbc.lib), source({ fetchSize: 40 }));
  assert.ok(odbc.calls.includes('query SELECT * FROM contacts 15'), 'SQLite-sized TEXT columns: 15 rows per fetch');
  assert.deepEqual(pages.map((p) => p.length), [40, 40, 20]);
  assert.deepEqual([pages[0]![0]!.ref, pages[2]![19]!.ref], ['row 1', 'row 100']);
});

test('the fetch size shrinks for wide rows so that one fetch binds at most 16 MiB', () => {
  const text = (size: number, dataType = -1) => ({ name: 'c', dataType, columnSize: size });
  assert.equal(fitFetchSize([text(8190), text(8190), { name: 'n', dataType: 4, columnSize: 10 }], 500), 256, 'psqlODBC text: 2 × 32,761 bytes + 4 per row');
  assert.equal(fitFetchSize(Array.from({ length: 4 }, () => text(65536)), 500), 15, 'SQLite TEXT: 262,145 bytes per column');
  assert.equal(fitFetchSize([text(255, 12), text(100, -9)], 500), 500, 'narrow columns: the page size as set');
  assert.equal(fitFetchSize(Array.from({ length: 100 }, () => text(65536)), 500), 1, 'never 0');
  assert.equal(rowBufferBytes([text(0, 12), text(0, -4)]), 0, 'size 0: read with SQLGetData, nothing bound');
});

test('a cancelled read stops between pages and closes the connection', async () => {
  const odbc = fakeOdbc(Array.from({ length: 100 }, (_, i) => ({ id: i })));
  const ac = new AbortController();
  const c = new OdbcConnector(async () => odbc.lib);
  let seen = 0;
  await assert.rejects(
    (async () => {
      for await (const p of c.read(source({ fetchSize: 10 }), { signal: ac.signal, attributes: [], onTruncated: () => undefined })) {
        seen += p.length;
        ac.abort();
      }
    })(),
    (e: unknown) => e instanceof ConnectorError && e.kind === 'cancelled' && e.message === 'cancelled after 10 entries',
  );
  assert.equal(seen, 10);
  assert.equal(odbc.open(), 0);
});

test('failures are told by kind, with what to check, and never with the password', async () => {
  const kinds = async (fail: Parameters<typeof fakeOdbc>[1]) => {
    const odbc = fakeOdbc([{ id: 1 }, { id: 2 }, { id: 3 }], fail);
    const e = await readAll(new OdbcConnector(async () => odbc.lib), source({ fetchSize: 1 })).then(
      () => assert.fail('should fail'),
      (err: unknown) => err as ConnectorError,
    );
    assert.ok(e instanceof ConnectorError);
    assert.ok(!e.message.includes('s3cret'));
    assert.equal(odbc.open(), 0, 'the connection is closed');
    return [e.kind, e.message];
  };
  const refused = await kinds({ at: 'connect', error: odbcError('08001', 'connection to server at "db", port 5432 failed: Connection refused\n\tIs the server running?') });
  assert.deepEqual(refused, ['unreachable', 'the ODBC source (Driver=PostgreSQL Unicode;Server=db;Database=crm) is unreachable (connection to server at "db", port 5432 failed: Connection refused): check the server, the port and that the database accepts connections']);
  assert.equal((await kinds({ at: 'connect', error: odbcError('08001', 'FATAL:  password authentication failed for user "reader"') }))[0], 'credentials');
  assert.match((await kinds({ at: 'connect', error: odbcError('IM002', '[unixODBC][Driver Manager]Data source name not found and no default driver specified') }))[1]!, /is not defined .*check the DSN/);
  assert.match((await kinds({ at: 'connect', error: odbcError('01000', "[unixODBC][Driver Manager]Can't open lib 'x' : file not found") }))[1]!, /^the ODBC driver of .* cannot be loaded/);
  assert.deepEqual(await kinds({ at: 'query', error: odbcError('42P01', 'ERROR: relation "contacts" does not exist;\nError while executing the query') }), [
    'configuration',
    'the ODBC source (Driver=PostgreSQL Unicode;Server=db;Database=crm) has no table "contacts" (ERROR: relation "contacts" does not exist;): check the table name (and its schema)',
  ]);
  assert.equal((await kinds({ at: 'query', error: odbcError('42501', 'ERROR: permission denied for table contacts') }))[0], 'credentials');
  assert.match((await kinds({ at: 'query', error: odbcError('HY000', '[SQLite]no such module: csvtable (1)') }))[1]!, /LoadExt=/);
  assert.deepEqual((await kinds({ at: 'fetch', afterFetches: 2, error: odbcError('08S01', 'server closed the connection unexpectedly') }))[0], 'interrupted');
  assert.match((await kinds({ at: 'fetch', afterFetches: 2, error: odbcError('08S01', 'server closed the connection unexpectedly') }))[1]!, /stopped answering after 2 rows/);
  assert.equal(describeFailure(new Error('boom'), { where: 'w', table: 't', stage: 'connect', read: 0 }).kind, 'unreachable');
});

test('without the odbc package (or unixODBC), the read fails with what to install', async () => {
  await assert.rejects(loadOdbc('odbc-package-that-is-not-there'), (e: unknown) => e instanceof ConnectorError && e.kind === 'configuration' && /unixODBC\) is not installed or the npm package "odbc" is not built/.test(e.message));
});
