import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * WindowsSecurity through a trusted reverse proxy (off by default): a proxy that has already
 * authenticated the user (Kerberos/SPNEGO in Apache mod_auth_gssapi, nginx, IIS ARR...) passes the
 * login name in a header. The header is believed only from the listed proxy addresses; from any
 * other peer it is ignored.
 */
export const trustedProxyEnvSchema = z.object({
  /** Header carrying the login name the proxy authenticated, e.g. `X-Remote-User`. Unset: off. */
  TWS_AUTH_TRUSTED_PROXY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name such as X-Remote-User')
    .optional(),
  /** Addresses (or CIDR ranges) of the proxies allowed to send it, comma-separated. */
  TWS_AUTH_TRUSTED_PROXIES: z
    .string()
    .refine((v) => v.split(',').every((p) => parseAddressOrRange(p.trim()) !== undefined), 'must be IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.5,10.1.0.0/16)')
    .optional(),
});
export type TrustedProxyEnv = z.output<typeof trustedProxyEnvSchema>;

function parseAddressOrRange(text: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefix, extra] = text.split('/');
  if (!address || extra !== undefined) return undefined;
  const v = isIP(address);
  if (!v) return undefined;
  const family = v === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return { address, family };
  const n = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || n > (v === 4 ? 32 : 128)) return undefined;
  return { address, prefix: n, family };
}

/** Decides whether a request comes from a trusted proxy and, if so, whose login it vouches for. */
export class TrustedProxy {
  private readonly header?: string;
  private readonly proxies = new BlockList();

  /** Throws when the header is set without the proxies allowed to send it (checked at boot). */
  constructor(env: Partial<TrustedProxyEnv>) {
    if (env.TWS_AUTH_TRUSTED_PROXY_HEADER && !env.TWS_AUTH_TRUSTED_PROXIES) {
      throw new Error('TWS_AUTH_TRUSTED_PROXY_HEADER is set but TWS_AUTH_TRUSTED_PROXIES is not: list the addresses of the proxies allowed to send the header');
    }
    this.header = env.TWS_AUTH_TRUSTED_PROXY_HEADER?.toLowerCase();
    for (const p of (env.TWS_AUTH_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const a = parseAddressOrRange(p);
      if (!a) continue;
      if (a.prefix === undefined) this.proxies.addAddress(a.address, a.family);
      else this.proxies.addSubnet(a.address, a.prefix, a.family);
    }
  }

  get enabled(): boolean {
    return this.header !== undefined;
  }

  /** Whether `peer` (the TCP peer address) is one of the trusted proxies. */
  trusts(peer: string | undefined): boolean {
    if (!this.enabled || !peer) return false;
    const address = peer.startsWith('::ffff:') && isIP(peer.slice(7)) === 4 ? peer.slice(7) : peer;
    const v = isIP(address);
    return v !== 0 && this.proxies.check(address, v === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * The login name the proxy vouches for (header value as sent, trimmed), when the request comes
   * from a trusted proxy and carries the header; undefined otherwise (header ignored).
   */
  identity(headers: Record<string, string | string[] | undefined>, peer: string | undefined): string | undefined {
    if (!this.header || !this.trusts(peer)) return undefined;
    const raw = headers[this.header];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    return value && value.length <= 256 ? value : undefined;
  }
}

/**
 * The user name inside a Windows/Kerberos login name: `alice@EXAMPLE.COM` (Kerberos principal or
 * UPN) and `EXAMPLE\alice` (down-level logon name) both give `alice`. The guide asks TWS user
 * names to be "identical to the names of domain users" (6.2.1).
 */
export function windowsUserName(login: string): string {
  const afterBackslash = login.includes('\\') ? login.slice(login.lastIndexOf('\\') + 1) : login;
  const at = afterBackslash.lastIndexOf('@');
  return (at > 0 ? afterBackslash.slice(0, at) : afterBackslash).trim();
}
