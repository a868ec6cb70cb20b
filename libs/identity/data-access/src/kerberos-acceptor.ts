import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * WindowsSecurity with Kerberos in TWS itself (HTTP `Negotiate`, SPNEGO, RFC 4559): the client
 * sends a Kerberos service ticket for TWS, checked with the service key from a keytab. Off unless
 * a keytab is configured. Uses the `kerberos` package (MIT GSSAPI), an optional dependency.
 */
export const kerberosEnvSchema = z.object({
  /** Keytab holding the key of TWS's service principal (e.g. HTTP/tws.example.com@EXAMPLE.COM). Unset: off. */
  TWS_AUTH_KERBEROS_KEYTAB: z.string().min(1).optional(),
  /**
   * Acceptor name, `service@host` (e.g. `HTTP@tws.example.com`); unset: any principal of the
   * keytab (what clients ask for depends on the host name they use).
   */
  TWS_AUTH_KERBEROS_SERVICE: z
    .string()
    .regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+$/, 'must be service@host, e.g. HTTP@tws.example.com')
    .optional(),
});
export type KerberosEnv = z.output<typeof kerberosEnvSchema>;

/** The part of the `kerberos` package used here. */
interface KerberosLib {
  initializeServer(service: string): Promise<{ step(token: string): Promise<string>; username: string; response: string; contextComplete: boolean }>;
}

/** A Negotiate token that could not be accepted (forged, for another service, expired...). */
export class KerberosRejected extends Error {
  override name = 'KerberosRejected';
}

export class KerberosAcceptor {
  private constructor(
    private readonly lib: KerberosLib | undefined,
    private readonly service: string,
  ) {}

  /** Off when no keytab is configured; throws (at boot) when one is but cannot be used. */
  static async create(env: Partial<KerberosEnv>): Promise<KerberosAcceptor> {
    const keytab = env.TWS_AUTH_KERBEROS_KEYTAB;
    if (!keytab) return new KerberosAcceptor(undefined, '');
    if (!existsSync(keytab)) throw new Error(`TWS_AUTH_KERBEROS_KEYTAB: ${keytab} does not exist`);
    let lib: KerberosLib;
    try {
      // A variable, so that the build does not need the optional package.
      const name = 'kerberos';
      const mod = (await import(name)) as KerberosLib & { default?: KerberosLib };
      lib = mod.default ?? mod;
    } catch (e) {
      throw new Error(
        `TWS_AUTH_KERBEROS_KEYTAB is set but the kerberos package cannot be loaded (${(e as Error).message}): install libkrb5-dev, then npm ci (it builds the optional dependency "kerberos")`,
      );
    }
    // MIT Kerberos reads the acceptor's keytab from KRB5_KTNAME.
    process.env['KRB5_KTNAME'] = `FILE:${keytab}`;
    return new KerberosAcceptor(lib, env.TWS_AUTH_KERBEROS_SERVICE ?? '');
  }

  get enabled(): boolean {
    return this.lib !== undefined;
  }

  /**
   * The client principal (`alice@EXAMPLE.COM`) of an `Authorization: Negotiate <token>` header,
   * with the token to send back for mutual authentication; undefined when there is no such
   * header or Kerberos is off. Throws KerberosRejected for a token that does not verify.
   */
  async accept(headers: Record<string, string | string[] | undefined>): Promise<{ principal: string; response?: string } | undefined> {
    const raw = headers['authorization'];
    const token = /^Negotiate\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec((Array.isArray(raw) ? raw[0] : raw) ?? '')?.[1];
    if (!token || !this.lib) return undefined;
    try {
      const server = await this.lib.initializeServer(this.service);
      await server.step(token);
      if (!server.contextComplete || !server.username) throw new Error('the Kerberos exchange did not complete in one step');
      return { principal: server.username, ...(server.response ? { response: server.response } : {}) };
    } catch (e) {
      throw new KerberosRejected((e as Error).message);
    }
  }
}
