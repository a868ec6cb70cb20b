import { ConnectorError, type ConnectorSource, type DirectoryConnector, type ReadOptions, type SourceRecord, type SourceValue } from '@tws/directories-mapping';
import { buildConnectionString, DEFAULT_ODBC_FETCH_SIZE, describeSource, tableSql, type OdbcSettings } from './odbc-settings';

/** The part of the npm package `odbc` used here (it is an optional, native dependency). */
export interface OdbcLib {
  connect(params: { connectionString: string; loginTimeout?: number; connectionTimeout?: number }): Promise<OdbcConnection>;
}
export interface OdbcConnection {
  /** A whole result (used with "WHERE 1=0": the columns and their sizes, no rows). */
  query(sql: string): Promise<Record<string, unknown>[] & { columns?: OdbcColumn[] }>;
  query(sql: string, options: { cursor: true; fetchSize: number; initialBufferSize?: number }): Promise<OdbcCursor>;
  close(): Promise<void>;
}
/** A column as the driver describes it (SQLDescribeCol). */
export interface OdbcColumn {
  name: string;
  /** The ODBC SQL type (SQL_VARCHAR = 12, SQL_WLONGVARCHAR = -10...). */
  dataType: number;
  columnSize: number;
}
export interface OdbcCursor {
  noData: boolean;
  fetch(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
/** What the package throws: the driver manager's and the driver's diagnostics. */
interface OdbcFailure extends Error {
  odbcErrors?: { state?: string; code?: number; message?: string }[];
}

/**
 * Loads the `odbc` package at first use, so that services start where unixODBC is absent; there
 * an ODBC directory fails with a sentence saying what to install.
 */
export async function loadOdbc(name = 'odbc'): Promise<OdbcLib> {
  try {
    const mod = (await import(name)) as OdbcLib & { default?: OdbcLib };
    return typeof mod.connect === 'function' ? mod : mod.default!;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]!;
    if (/libodbc/.test(why)) {
      throw new ConnectorError('configuration', `the ODBC driver manager (unixODBC) is not installed (${why}): install it (Debian: apt-get install unixodbc) and the ODBC driver of the database`, { cause: e });
    }
    throw new ConnectorError(
      'configuration',
      `the ODBC driver manager (unixODBC) is not installed or the npm package "odbc" is not built (${why}): install unixodbc and unixodbc-dev (Debian), then npm rebuild odbc`,
      { cause: e },
    );
  }
}

/** One row of the cursor → a source record: column names in lower case, NULL and "" left out, bytes kept. */
export function toSourceRecord(row: Record<string, unknown>, rowNumber: number, wanted?: ReadonlySet<string>): SourceRecord {
  const values = new Map<string, SourceValue[]>();
  for (const [name, v] of Object.entries(row)) {
    const key = name.toLowerCase();
    if (wanted && !wanted.has(key)) continue;
    const value = sourceValue(v);
    if (value === undefined) continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return { ref: `row ${rowNumber}`, values };
}

function sourceValue(v: unknown): SourceValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

type Stage = 'connect' | 'query' | 'fetch';

/** Memory the package may bind for one fetch: rows × the row's buffers stay under it. */
export const FETCH_BUFFER_BUDGET = 16 * 1024 * 1024;
/** First buffer for a long column read with SQLGetData (grows when a value is longer). */
const LONG_DATA_BUFFER = 4096;

/**
 * The bytes the `odbc` package binds for one row of these columns (it allocates
 * fetch size × column size for each column; a character column takes 4 bytes per character).
 */
export function rowBufferBytes(columns: readonly OdbcColumn[]): number {
  let bytes = 0;
  for (const c of columns) {
    const size = Math.max(0, c.columnSize || 0);
    switch (c.dataType) {
      case -8: // SQL_WCHAR
      case -9: // SQL_WVARCHAR
      case -10: // SQL_WLONGVARCHAR
        bytes += size === 0 ? 0 : (size + 1) * 2;
        break;
      case -2: // SQL_BINARY
      case -3: // SQL_VARBINARY
      case -4: // SQL_LONGVARBINARY
        bytes += size;
        break;
      case 2: // SQL_NUMERIC
      case 3: // SQL_DECIMAL
      case 7: // SQL_REAL
        bytes += size + 2;
        break;
      case 4: // SQL_INTEGER
      case -6: // SQL_TINYINT
      case 5: // SQL_SMALLINT
        bytes += 4;
        break;
      case -5: // SQL_BIGINT
      case 6: // SQL_FLOAT
      case 8: // SQL_DOUBLE
        bytes += 8;
        break;
      default: // SQL_CHAR, SQL_VARCHAR, SQL_LONGVARCHAR, dates...
        bytes += size === 0 ? 0 : size * 4 + 1;
    }
  }
  return bytes;
}

/**
 * The rows per fetch: the administrator's page size, lowered so the buffers of one fetch stay under
 * FETCH_BUFFER_BUDGET — drivers describe text columns with their maximum size (SQLite 65,536,
 * psqlODBC 8,190 characters), and the package binds that much for every row of a fetch.
 */
export function fitFetchSize(columns: readonly OdbcColumn[], wanted: number): number {
  const row = rowBufferBytes(columns);
  return Math.max(1, Math.min(wanted, row === 0 ? wanted : Math.floor(FETCH_BUFFER_BUDGET / row)));
}

/**
 * ODBC (guide 8.4) through unixODBC and the npm package `odbc`: connects with the DSN or the
 * connection string (user and password added as UID/PWD), then reads `SELECT * FROM <table>`
 * through a cursor and yields pages of `fetchSize` rows (fetched in smaller pieces when the columns
 * are wide, see fitFetchSize) — the next fetch only when the previous page has been written.
 * Column names are lower-cased; the row number is the entry's reference (a table has no stable id
 * of its own: map the ID field).
 */
export class OdbcConnector implements DirectoryConnector<OdbcSettings> {
  readonly serverType = 'odbc';

  constructor(private readonly load: () => Promise<OdbcLib> = loadOdbc) {}

  async *read(source: ConnectorSource<OdbcSettings>, opts: ReadOptions): AsyncGenerator<SourceRecord[]> {
    const s = source.settings;
    const where = describeSource(s);
    const table = tableSql(s.table);
    if (!table.ok) throw new ConnectorError('configuration', `the table "${s.table}" is not a table name (${table.problem})`);
    const lib = await this.load();
    const wanted = opts.attributes.length > 0 ? new Set(opts.attributes.map((a) => a.toLowerCase())) : undefined;
    let connection: OdbcConnection | undefined;
    let cursor: OdbcCursor | undefined;
    let stage: Stage = 'connect';
    let read = 0;
    const cancelled = () => new ConnectorError('cancelled', `cancelled after ${read} entries`);
    try {
      if (opts.signal.aborted) throw cancelled();
      connection = await lib.connect({ connectionString: buildConnectionString(s, source.password), loginTimeout: s.timeoutSeconds, connectionTimeout: s.timeoutSeconds });
      stage = 'query';
      if (opts.signal.aborted) throw cancelled();
      const described = await connection.query(`SELECT * FROM ${table.sql} WHERE 1=0`);
      const pageSize = s.fetchSize || DEFAULT_ODBC_FETCH_SIZE;
      const fetchSize = fitFetchSize(described.columns ?? [], pageSize);
      if (opts.signal.aborted) throw cancelled();
      cursor = await connection.query(`SELECT * FROM ${table.sql}`, { cursor: true, fetchSize, initialBufferSize: LONG_DATA_BUFFER });
      stage = 'fetch';
      let page: SourceRecord[] = [];
      while (!cursor.noData) {
        if (opts.signal.aborted) throw cancelled();
        const rows = await cursor.fetch();
        if (rows.length === 0) break;
        for (const row of rows) page.push(toSourceRecord(row, ++read, wanted));
        while (page.length >= pageSize) {
          yield page.slice(0, pageSize);
          page = page.slice(pageSize);
        }
      }
      if (page.length > 0) yield page;
      if (opts.signal.aborted) throw cancelled();
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      if (opts.signal.aborted) throw new ConnectorError('cancelled', `cancelled after ${read} entries`, { cause: e });
      throw describeFailure(e, { where, table: s.table, stage, read });
    } finally {
      await cursor?.close().catch(() => undefined);
      await connection?.close().catch(() => undefined);
    }
  }
}

/** The diagnostics of an ODBC failure: SQLSTATEs and the first line of each message. */
function diagnostics(e: unknown): { states: string[]; text: string } {
  const err = e as OdbcFailure;
  const list = Array.isArray(err.odbcErrors) ? err.odbcErrors : [];
  const states = list.map((d) => String(d.state ?? ''));
  const messages = list.map((d) => firstLine(String(d.message ?? ''))).filter((m) => m !== '');
  return { states, text: (messages.length > 0 ? messages.join('; ') : firstLine(err.message ?? String(e))).slice(0, 500) };
}

const CREDENTIALS = /password authentication failed|role \S+ does not exist|authentication failed|access denied|login failed|invalid (user|password|authorization)|no password supplied|permission denied|not authorized/i;
const NO_TABLE = /no such table|does not exist|doesn'?t exist|invalid object name|unknown table|not found/i;
const NETWORK = /connection refused|could not translate host|name or service not known|no route to host|timed? ?out|could not connect|server closed the connection|connection reset|broken pipe|communication link/i;

/** An ODBC failure → a ConnectorError whose kind drives the report and whose sentence says what to check. */
export function describeFailure(e: unknown, at: { where: string; table: string; stage: Stage; read: number }): ConnectorError {
  const { states, text } = diagnostics(e);
  const has = (...s: string[]) => states.some((x) => s.includes(x));
  const fail = (kind: ConnectorError['kind'], message: string) => new ConnectorError(kind, message, { cause: e });
  if (at.stage === 'fetch' || (at.stage === 'query' && at.read > 0)) {
    return fail('interrupted', `${at.where} stopped answering after ${at.read} rows (${text}): the read is incomplete`);
  }
  if (has('28000', '28P01') || CREDENTIALS.test(text)) {
    return at.stage === 'connect'
      ? fail('credentials', `${at.where} refused the login (${text}): check the user and password`)
      : fail('credentials', `${at.where} refused to read the table "${at.table}" (${text}): check the rights of the user on it`);
  }
  if (at.stage === 'connect') {
    if (has('IM002')) return fail('configuration', `${at.where} is not defined (${text}): check the DSN (in /etc/odbc.ini) or the Driver of the connection string (in /etc/odbcinst.ini)`);
    if (has('IM003') || /can't open lib|file not found|cannot open shared object/i.test(text)) {
      return fail('configuration', `the ODBC driver of ${at.where} cannot be loaded (${text}): check the Driver (a name of /etc/odbcinst.ini or the path of its .so) and that its package is installed`);
    }
    if (/database .* does not exist|unknown database|cannot open database|unable to open database/i.test(text)) {
      return fail('configuration', `${at.where} has no such database (${text}): check the database name or file`);
    }
    if (has('08001', '08S01', 'HYT00', 'HYT01') || NETWORK.test(text)) {
      return fail('unreachable', `${at.where} is unreachable (${text}): check the server, the port and that the database accepts connections`);
    }
    return fail('unreachable', `${at.where} cannot be opened (${text}): check the connection string or the DSN`);
  }
  if (/no such module: csvtable/i.test(text)) {
    return fail('configuration', `the table "${at.table}" is a CSV virtual table but its module is not loaded (${text}): add LoadExt=/usr/lib/x86_64-linux-gnu/libsqlite3_mod_csvtable.so to the connection string`);
  }
  if (has('42S02', '42P01') || NO_TABLE.test(text)) {
    return fail('configuration', `${at.where} has no table "${at.table}" (${text}): check the table name (and its schema)`);
  }
  if (has('08S01') || NETWORK.test(text)) return fail('unreachable', `${at.where} stopped answering (${text}): check the server`);
  return fail('configuration', `${at.where} refused to read the table "${at.table}" (${text})`);
}

const firstLine = (s: string) => s.split('\n')[0]!.trim();
