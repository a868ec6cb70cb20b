import { isIP } from 'node:net';
import { FilterParser } from 'ldapts';
import { z } from 'zod';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** An IPv4/IPv6 address or a host name. */
export function isLdapHost(s: string): boolean {
  return isIP(s) !== 0 || (HOST_NAME.test(s) && !/^[0-9.]+$/.test(s));
}

/** Why an LDAP filter (RFC 4515) does not parse; undefined when it does. */
export function ldapFilterProblem(filter: string): string | undefined {
  try {
    FilterParser.parseString(filter);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Default page size when the administrator leaves 0 (the guide's default): under AD's 1,000 cap. */
export const DEFAULT_LDAP_PAGE_SIZE = 500;

/**
 * An LDAP / Active Directory connector (guide 8.3): the Connector tab (host, port, user, base DN
 * as "connection string") and the Advanced tab (page size, size limit, filter). The password is
 * not here: it is a secret, stored sealed apart.
 */
export const ldapSettingsSchema = z
  .object({
    host: z.string().trim().min(1, 'must not be empty').max(253).refine(isLdapHost, 'an IPv4 or IPv6 address or a host name'),
    /** 389 for LDAP, 636 for LDAPS. */
    port: z.number().int().min(1).max(65535).optional(),
    /** LDAPS (TLS from the first byte). */
    tls: z.boolean().default(false),
    /** Check the server's certificate (turn off only for a test server with a self-signed one). */
    tlsVerify: z.boolean().default(true),
    /** Bind user ("User" in the guide), e.g. cn=Manager,dc=domain,dc=com or user@domain for AD; empty: anonymous. */
    bindDn: z.string().trim().max(1024).default(''),
    /** Base DN ("Connection string" in the guide): ou=people, ou=local, o=ARDA, dc=domain, dc=com. */
    baseDn: z.string().trim().min(1, 'must not be empty').max(1024).refine((s) => s.includes('='), 'a DN such as ou=people,dc=example,dc=com'),
    filter: z
      .string()
      .trim()
      .max(2048)
      .default('(objectClass=*)')
      .superRefine((f, ctx) => {
        const problem = ldapFilterProblem(f);
        if (problem) ctx.addIssue({ code: 'custom', message: `not an LDAP filter: ${problem}` });
      }),
    /** Entries per page of the paged-results control; 0: 500. Paging is always on, so AD's 1,000 cap never truncates. */
    pageSize: z.number().int().min(0).max(10_000).default(0),
    /** Maximum number of entries read; 0: no limit. */
    sizeLimit: z.number().int().min(0).max(10_000_000).default(0),
    /** Longest wait for one answer of the server. */
    timeoutSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict();
export type LdapSettings = z.output<typeof ldapSettingsSchema>;

/** The port to use: the one set, or 389 (LDAP) / 636 (LDAPS). */
export const ldapPort = (s: Pick<LdapSettings, 'port' | 'tls'>): number => s.port ?? (s.tls ? 636 : 389);
