import { z } from 'zod';

/** One `key=value` attribute of an ODBC connection string, the key as written. */
export interface ConnectionAttribute {
  key: string;
  value: string;
}

/**
 * Parses an ODBC connection string (`Driver={PostgreSQL Unicode};Server=db;Database=crm;`):
 * attributes separated by `;`, a value may be braced (`{a;b}`, `}}` for a `}` inside). Returns
 * why it does not parse instead of throwing.
 */
export function parseConnectionString(s: string): { ok: true; attributes: ConnectionAttribute[] } | { ok: false; problem: string } {
  const attributes: ConnectionAttribute[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ';' || s[i] === ' ') {
      i++;
      continue;
    }
    const eq = s.indexOf('=', i);
    if (eq < 0) return { ok: false, problem: `"${s.slice(i, i + 40)}" has no "=": attributes are key=value separated by ";"` };
    const key = s.slice(i, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9_ -]*$/.test(key)) return { ok: false, problem: `"${key.slice(0, 40)}" is not an attribute name` };
    i = eq + 1;
    while (s[i] === ' ') i++;
    let value = '';
    if (s[i] === '{') {
      i++;
      for (;;) {
        if (i >= s.length) return { ok: false, problem: `the value of ${key} opens "{" without closing it` };
        if (s[i] === '}') {
          if (s[i + 1] === '}') {
            value += '}';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += s[i++];
      }
      while (s[i] === ' ') i++;
      if (i < s.length && s[i] !== ';') return { ok: false, problem: `after the braced value of ${key}, a ";" is expected` };
    } else {
      const end = s.indexOf(';', i);
      value = (end < 0 ? s.slice(i) : s.slice(i, end)).trim();
      i = end < 0 ? s.length : end;
      if (/[{}]/.test(value)) return { ok: false, problem: `the value of ${key} has a brace: brace the whole value ({...}, "}}" for a "}")` };
    }
    attributes.push({ key, value });
  }
  return { ok: true, attributes };
}

/** A value as a connection string attribute: braced when it would not survive as it is. */
export function connectionValue(v: string): string {
  return /[;{}=]|^\s|\s$/.test(v) || v === '' ? `{${v.replace(/}/g, '}}')}}` : v;
}

/**
 * Where a driver or extension library may be loaded from when the connection string gives a path:
 * the system's library folders (Debian puts ODBC drivers in /usr/lib/<arch>/odbc). A name without
 * "/" is looked up by unixODBC in /etc/odbcinst.ini.
 */
const LIBRARY_DIRS = ['/usr/lib/', '/usr/lib64/', '/usr/local/lib/', '/opt/'];
const isSystemLibrary = (p: string) => LIBRARY_DIRS.some((d) => p.startsWith(d)) && !p.split('/').includes('..') && !/[\x00-\x1f]/.test(p);

/** Attributes the administrator may not write in the connection string, with the reason. */
const FORBIDDEN: Record<string, string> = {
  pwd: 'the password goes in the password field, where it is sealed (it would be stored and shown in clear here)',
  password: 'the password goes in the password field, where it is sealed (it would be stored and shown in clear here)',
  savefile: 'SAVEFILE would make the driver manager write a file on the server',
  filedsn: 'file DSNs are not supported: give the attributes here, or a DSN of /etc/odbc.ini',
};

/** Why a connection string is refused; undefined when it is fine. */
export function connectionStringProblem(s: string): string | undefined {
  const parsed = parseConnectionString(s);
  if (!parsed.ok) return parsed.problem;
  if (parsed.attributes.length === 0) return 'no attribute: e.g. Driver={PostgreSQL Unicode};Server=db.example.com;Database=crm';
  const seen = new Set<string>();
  for (const { key, value } of parsed.attributes) {
    const k = key.toLowerCase();
    if (FORBIDDEN[k]) return `${key}: ${FORBIDDEN[k]}`;
    if (seen.has(k)) return `${key} is given twice`;
    seen.add(k);
    if ((k === 'driver' || k === 'loadext') && value.includes('/')) {
      for (const path of k === 'loadext' ? value.split(',') : [value]) {
        if (!isSystemLibrary(path.trim())) return `${key}: a library path must be under ${LIBRARY_DIRS.join(', ')} (or give a driver name of /etc/odbcinst.ini)`;
      }
    }
  }
  if (!seen.has('driver') && !seen.has('dsn')) return 'names neither a Driver nor a DSN: e.g. Driver={PostgreSQL Unicode};Server=db.example.com;Database=crm';
  return undefined;
}

/** A name of a table, view or column part: a plain identifier, or a double-quoted one. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const QUOTED = /^"[^"\x00-\x1f]+"$/;

/**
 * The table (or view) as SQL: one to three parts (`catalog.schema.table`) separated by dots. A
 * plain identifier is written as it is, so the database folds its case as it does in any query
 * (PostgreSQL: `Contacts` is `contacts`); a part in double quotes is kept exactly; any other part
 * (spaces, accents, dashes) is double-quoted for you. Nothing else can reach the SQL text.
 */
export function tableSql(table: string): { ok: true; sql: string } | { ok: false; problem: string } {
  const parts: string[] = [];
  let i = 0;
  const t = table.trim();
  while (i <= t.length) {
    let part: string;
    if (t[i] === '"') {
      const end = t.indexOf('"', i + 1);
      if (end < 0) return { ok: false, problem: 'a double quote is not closed' };
      part = t.slice(i, end + 1);
      i = end + 1;
      if (i < t.length && t[i] !== '.') return { ok: false, problem: 'a "." is expected after a quoted name' };
    } else {
      const end = t.indexOf('.', i);
      part = (end < 0 ? t.slice(i) : t.slice(i, end)).trim();
      i = end < 0 ? t.length : end;
    }
    if (part === '') return { ok: false, problem: 'an empty name (check the dots)' };
    if (QUOTED.test(part) || PLAIN.test(part)) parts.push(part);
    else if (/["\x00-\x1f]/.test(part)) return { ok: false, problem: `"${part}" has a double quote or a control character` };
    else parts.push(`"${part}"`);
    i++;
  }
  if (parts.length > 3) return { ok: false, problem: 'at most catalog.schema.table' };
  return { ok: true, sql: parts.join('.') };
}

/** Default fetch size when the administrator leaves 0. */
export const DEFAULT_ODBC_FETCH_SIZE = 500;

/**
 * An ODBC directory (guide 8.4): a data source — a DSN of /etc/odbc.ini (the guide's *Database*
 * field) or a full connection string — and the table (or view) to read. The user is optional; the
 * password is not here: it is a secret, stored sealed apart, and handed to the driver as PWD.
 */
export const odbcSettingsSchema = z
  .object({
    /** Data Source Name of /etc/odbc.ini (or ODBCINI); "" when a connection string is given. */
    dsn: z
      .string()
      .trim()
      .max(128)
      .regex(/^[^;{}[\]=,?*!@()\x00-\x1f]*$/, 'a data source name has none of ;{}[]=,?*!@() ')
      .default(''),
    /** A full connection string (Driver=...;Server=...;Database=...); "" when a DSN is given. No password here. */
    connectionString: z
      .string()
      .trim()
      .max(2048)
      .default('')
      .superRefine((s, ctx) => {
        const problem = s ? connectionStringProblem(s) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', message: `not a usable connection string: ${problem}` });
      }),
    /** Table or view: `contacts`, `crm.contacts`, `"Contacts"` (exact case), `people list`. */
    table: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(256)
      .superRefine((t, ctx) => {
        const r = tableSql(t);
        if (!r.ok) ctx.addIssue({ code: 'custom', message: `not a table name: ${r.problem}` });
      }),
    /** Given to the driver as UID; "" for none (or the DSN's own). */
    user: z
      .string()
      .trim()
      .max(256)
      .regex(/^[^;{}=\x00-\x1f]*$/, 'a user name has none of ;{}=')
      .default(''),
    /** Rows per page (fetched through the cursor, in smaller pieces when rows are wide); 0: 500. */
    fetchSize: z.number().int().min(0).max(10_000).default(0),
    /** Longest wait for the connection, and for each answer on it. */
    timeoutSeconds: z.number().int().min(1).max(3600).default(30),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.dsn && !s.connectionString) ctx.addIssue({ code: 'custom', path: ['dsn'], message: 'give a DSN or a connection string' });
    if (s.dsn && s.connectionString) ctx.addIssue({ code: 'custom', path: ['connectionString'], message: 'give a DSN or a connection string, not both (set the other to "")' });
    if (s.user && s.connectionString) {
      const parsed = parseConnectionString(s.connectionString);
      if (parsed.ok && parsed.attributes.some((a) => /^(uid|user|username)$/i.test(a.key))) {
        ctx.addIssue({ code: 'custom', path: ['user'], message: 'the connection string already names the user: keep one of them' });
      }
    }
  });
export type OdbcSettings = z.output<typeof odbcSettingsSchema>;

/**
 * Streaming modes of the drivers verified here, turned on unless the connection string sets them:
 * without them psqlODBC holds the whole result in memory (UseDeclareFetch reads it through a
 * server-side cursor, `Fetch` rows at a time) and the SQLite driver grows too (StepAPI steps
 * through the rows). Only when the Driver is named: a DSN's driver is not known here.
 */
const STREAMING: { driver: RegExp; attribute: string }[] = [
  { driver: /psqlodbc|postgres/i, attribute: 'UseDeclareFetch=1' },
  { driver: /sqlite/i, attribute: 'StepAPI=1' },
];

/** The connection string handed to the driver manager, with the streaming mode, the user and the password. */
export function buildConnectionString(s: Pick<OdbcSettings, 'dsn' | 'connectionString' | 'user'>, password: string | null): string {
  const parts = [s.dsn ? `DSN=${s.dsn}` : s.connectionString.replace(/;\s*$/, '')];
  const parsed = s.dsn ? undefined : parseConnectionString(s.connectionString);
  if (parsed?.ok) {
    const driver = parsed.attributes.find((a) => a.key.toLowerCase() === 'driver')?.value ?? '';
    const keys = new Set(parsed.attributes.map((a) => a.key.toLowerCase()));
    for (const m of STREAMING) if (m.driver.test(driver) && !keys.has(m.attribute.split('=')[0]!.toLowerCase())) parts.push(m.attribute);
  }
  if (s.user) parts.push(`UID=${s.user}`);
  if (password) parts.push(`PWD=${connectionValue(password)}`);
  return parts.join(';');
}

/** Where the data comes from, for messages: the DSN, or the connection string's harmless attributes. */
export function describeSource(s: Pick<OdbcSettings, 'dsn' | 'connectionString'>): string {
  if (s.dsn) return `the ODBC data source "${s.dsn}"`;
  const parsed = parseConnectionString(s.connectionString);
  const shown = parsed.ok ? parsed.attributes.filter((a) => /^(dsn|driver|server|servername|host|port|database|dbq)$/i.test(a.key)).map((a) => `${a.key}=${a.value}`) : [];
  return `the ODBC source (${shown.join(';') || 'connection string'})`;
}
