import { Client, InvalidCredentialsError, NoSuchObjectError, type Entry } from 'ldapts';
import { ConnectorError, type ConnectorSource, type DirectoryConnector, type ReadOptions, type SourceRecord, type SourceValue } from '@tws/directories-mapping';
import { DEFAULT_LDAP_PAGE_SIZE, ldapPort, type LdapSettings } from './ldap-settings';

/** Attributes read as bytes: ldapts would otherwise decode them as text and damage them. */
const BINARY_ATTRIBUTES = ['objectGUID', 'objectguid', 'objectSid', 'objectsid', 'jpegPhoto', 'jpegphoto', 'thumbnailPhoto', 'thumbnailphoto'];

/**
 * Active Directory's objectGUID in its usual text form. The first three groups are stored little
 * endian: bytes 00 11 22 33 44 55 66 77 ... read "33221100-5544-7766-...".
 */
export function formatObjectGuid(b: Buffer): string | undefined {
  if (b.length !== 16) return undefined;
  const h = b.toString('hex');
  const le = (s: string) => s.match(/../g)!.reverse().join('');
  return `${le(h.slice(0, 8))}-${le(h.slice(8, 12))}-${le(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** ldapts entry → source record: attribute names in lower case; AD objectGUID (or entryUUID) as stable id. */
export function toSourceRecord(entry: Entry): SourceRecord {
  const values = new Map<string, SourceValue[]>();
  for (const [name, v] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const list = (Array.isArray(v) ? v : [v]) as SourceValue[];
    if (list.length === 0) continue;
    const key = name.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), ...list]);
  }
  const guid = values.get('objectguid')?.[0];
  let stableId: string | undefined;
  if (Buffer.isBuffer(guid)) stableId = formatObjectGuid(guid);
  if (stableId) values.set('objectguid', [stableId]);
  const uuid = values.get('entryuuid')?.[0];
  stableId ??= typeof uuid === 'string' && uuid ? uuid.toLowerCase() : undefined;
  return { ref: entry.dn, values, stableId };
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET']);

/**
 * LDAP and Active Directory (guide 8.3) with ldapts: binds (anonymous when no user is set), then
 * reads the base DN with the filter through the paged-results control, one page at a time — the
 * next page is asked for only when the previous one has been written. Attribute names are
 * lower-cased; binary attributes (objectGUID, photos) stay bytes.
 */
export class LdapConnector implements DirectoryConnector<LdapSettings> {
  readonly serverType = 'ldap';

  async *read(source: ConnectorSource<LdapSettings>, opts: ReadOptions): AsyncGenerator<SourceRecord[]> {
    const s = source.settings;
    const host = s.host.includes(':') ? `[${s.host}]` : s.host;
    const url = `${s.tls ? 'ldaps' : 'ldap'}://${host}:${ldapPort(s)}`;
    // ldapts speaks TLS as soon as tlsOptions are given, even on ldap://: only for LDAPS.
    const client = new Client({ url, connectTimeout: 10_000, timeout: s.timeoutSeconds * 1000, ...(s.tls ? { tlsOptions: { rejectUnauthorized: s.tlsVerify } } : {}) });
    const abort = () => void client.unbind().catch(() => undefined);
    opts.signal.addEventListener('abort', abort, { once: true });
    let read = 0;
    let stage: 'bind' | 'search' = 'bind';
    try {
      if (s.bindDn) await client.bind(s.bindDn, source.password ?? '');
      stage = 'search';
      const pages = client.searchPaginated(s.baseDn, {
        scope: 'sub',
        filter: s.filter,
        attributes: [...new Set([...opts.attributes, 'objectGUID', 'entryUUID'])],
        explicitBufferAttributes: BINARY_ATTRIBUTES,
        paged: { pageSize: s.pageSize || DEFAULT_LDAP_PAGE_SIZE },
        sizeLimit: s.sizeLimit,
      });
      for await (const page of pages) {
        if (opts.signal.aborted) break;
        read += page.searchEntries.length;
        yield page.searchEntries.map(toSourceRecord);
      }
      if (opts.signal.aborted) throw new ConnectorError('cancelled', `cancelled after ${read} entries`);
      if (s.sizeLimit > 0 && read >= s.sizeLimit) {
        opts.onTruncated(`the size limit (${s.sizeLimit}) was reached: entries beyond it were not read, so contacts not seen were kept`);
      }
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      if (opts.signal.aborted) throw new ConnectorError('cancelled', `cancelled after ${read} entries`, { cause: e });
      throw describeFailure(e, { url, bindDn: s.bindDn, baseDn: s.baseDn, stage, read });
    } finally {
      opts.signal.removeEventListener('abort', abort);
      await client.unbind().catch(() => undefined);
    }
  }
}

function describeFailure(e: unknown, at: { url: string; bindDn: string; baseDn: string; stage: 'bind' | 'search'; read: number }): ConnectorError {
  const err = e as Error & { code?: string | number };
  const code = typeof err.code === 'string' ? err.code : undefined;
  if (e instanceof InvalidCredentialsError) {
    return new ConnectorError('credentials', `${at.url} refused the bind of "${at.bindDn}" (invalid credentials): check the user and password`, { cause: e });
  }
  if (e instanceof NoSuchObjectError) {
    return new ConnectorError('configuration', `${at.url} has no entry "${at.baseDn}": check the connection string (base DN)`, { cause: e });
  }
  if (at.read === 0 && ((code && NETWORK.has(code)) || /Connection timeout/.test(err.message ?? ''))) {
    return new ConnectorError('unreachable', `${at.url} is unreachable (${code ?? err.message}): check the host, the port and TLS`, { cause: e });
  }
  if (at.stage === 'search' && at.read > 0) {
    return new ConnectorError('interrupted', `${at.url} stopped answering after ${at.read} entries (${firstLine(err.message)}): the read is incomplete`, { cause: e });
  }
  return new ConnectorError(at.stage === 'bind' ? 'credentials' : 'interrupted', `${at.url} failed during the ${at.stage}: ${firstLine(err.message ?? String(e))}`, { cause: e });
}

const firstLine = (s: string) => s.split('\n')[0]!;
