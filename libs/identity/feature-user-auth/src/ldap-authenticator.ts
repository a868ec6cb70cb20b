import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, InvalidDNSyntaxError, NoSuchObjectError, SizeLimitExceededError, type DN } from 'ldapts';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape';

/** The LDAP settings that apply to a user (application parameters of 6.3, resolved for the user). */
export interface LdapSettings {
  server: string;
  port: number;
  /** AuthLdapDn: "?" is replaced by the DN-escaped user name. */
  dnTemplate: string;
  security: 'None' | 'StartTLS' | 'LDAPS';
  /** Search mode when set. */
  searchBase: string;
  searchFilter: string;
  bindDn: string;
  bindPassword: string;
}

/** The directory could not give an answer (down, unreachable, TLS refused, misconfigured): not the user's fault. */
export class LdapUnavailableError extends Error {
  override name = 'LdapUnavailableError';
}

/**
 * LDAP authentication (guide 6.3): a simple bind as the user, with the DN built from AuthLdapDn
 * or, in search mode, found by a service account. TLS (LDAPS or StartTLS) always checks the
 * server's certificate and name. Says `accepted` or `rejected`; throws LdapUnavailableError
 * when the directory cannot tell.
 */
export class LdapAuthenticator {
  private readonly ca?: string;

  constructor(private readonly opts: { timeoutMs: number; caFile?: string }) {
    if (opts.caFile) {
      try {
        this.ca = readFileSync(opts.caFile, 'utf8');
      } catch (e) {
        throw new Error(`TWS_AUTH_LDAP_CA_FILE: cannot read ${opts.caFile}: ${(e as Error).message}`);
      }
    }
  }

  async check(s: LdapSettings, username: string, password: string): Promise<'accepted' | 'rejected'> {
    // An empty password is an "unauthenticated bind" (RFC 4513 §5.1.2) that many servers accept: never a login.
    if (!password) return 'rejected';
    if (!s.server) throw new LdapUnavailableError('LDAP authentication is not configured for this user: set the AuthLdapServer parameter');
    const where = `${s.server}:${s.port}`;
    const host = s.server.replace(/^\[(.*)\]$/, '$1');
    const tls: ConnectionOptions = {
      ...(this.ca ? { ca: [this.ca] } : {}),
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    };
    const client = new Client({
      url: `${s.security === 'LDAPS' ? 'ldaps' : 'ldap'}://${isIP(host) === 6 ? `[${host}]` : host}:${s.port}`,
      timeout: this.opts.timeoutMs,
      connectTimeout: this.opts.timeoutMs,
      // Only for LDAPS: ldapts opens a TLS connection whenever it is given TLS options.
      ...(s.security === 'LDAPS' ? { tlsOptions: tls } : {}),
      strictDN: false,
    });
    let stage = 'connect';
    try {
      if (s.security === 'StartTLS') {
        stage = 'StartTLS';
        await client.startTLS(tls);
      }
      let dn: string;
      if (s.searchBase) {
        stage = 'service bind';
        if (s.bindDn) await client.bind(asDn(s.bindDn), s.bindPassword);
        stage = 'search';
        const found = await client.search(s.searchBase, { scope: 'sub', filter: fillTemplate(s.searchFilter || '(uid=?)', escapeFilterValue(username)), sizeLimit: 2, attributes: ['1.1'] });
        // None, or several (ambiguous): the login does not name one person.
        if (found.searchEntries.length !== 1) return 'rejected';
        dn = found.searchEntries[0]!.dn;
      } else {
        dn = fillTemplate(s.dnTemplate || '?', escapeDnValue(username));
      }
      stage = 'bind';
      await client.bind(asDn(dn), password);
      return 'accepted';
    } catch (e) {
      if (stage === 'bind' && (e instanceof InvalidCredentialsError || e instanceof InvalidDNSyntaxError || e instanceof NoSuchObjectError)) return 'rejected';
      if (stage === 'search' && (e instanceof SizeLimitExceededError || e instanceof NoSuchObjectError)) return 'rejected';
      throw new LdapUnavailableError(describe(e, stage, where));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/**
 * ldapts treats a bind "DN" spelled like a SASL mechanism (`PLAIN`, `EXTERNAL`...) as a SASL
 * bind: a user named so must still get a simple bind, so the DN is handed over as an object.
 */
function asDn(dn: string): DN {
  return { toString: () => dn } as unknown as DN;
}

function describe(e: unknown, stage: string, where: string): string {
  const err = e as Error & { code?: string | number };
  const msg = err?.message ?? String(e);
  if (stage === 'service bind' && e instanceof InvalidCredentialsError) {
    return `LDAP server ${where} refused the service account (AuthLdapBindDn / AuthLdapBindPassword): check them`;
  }
  if (typeof err?.code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ERR_TLS/.test(err.code)) {
    return `LDAP server ${where}: its TLS certificate is not trusted (${err.code}: ${msg}); add its CA to TWS_AUTH_LDAP_CA_FILE or use the host name the certificate names`;
  }
  if (/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timeout|timed out|ECONNRESET|closed/i.test(`${err?.code ?? ''} ${msg}`)) {
    return `LDAP server ${where} is not reachable (${stage}: ${msg}); check AuthLdapServer / AuthLdapPort and that the directory is up`;
  }
  return `LDAP server ${where} failed during ${stage}: ${msg}`;
}
