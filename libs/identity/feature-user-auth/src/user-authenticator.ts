import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthMethod } from '@tws/contracts';
import { DUMMY_PASSWORD_HASH, SecretBox, verifyPassword } from '@tws/crypto';
import type { Logger } from '@tws/logging';
import type { LoginCandidate } from '@tws/identity-data-access';
import { PARAMETER_CATALOGUE, ParameterRepository, resolveParameters } from '@tws/parameters-data-access';
import { TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { parseAuthMethods } from './auth-methods';
import { LdapAuthenticator, LdapUnavailableError, type LdapSettings } from './ldap-authenticator';

/** Injection token of the LdapAuthenticator (built from the configuration at boot). */
export const LDAP_AUTHENTICATOR = Symbol('LDAP_AUTHENTICATOR');

const AUTH_PARAMETERS = new Set([
  'AuthMethods',
  'AuthLdapServer',
  'AuthLdapPort',
  'AuthLdapDn',
  'AuthLdapSecurity',
  'AuthLdapSearchBase',
  'AuthLdapSearchFilter',
  'AuthLdapBindDn',
  'AuthLdapBindPassword',
]);
const DEFINITIONS = PARAMETER_CATALOGUE.filter((d) => AUTH_PARAMETERS.has(d.name));

export interface Credentials {
  /** The user, or undefined when the domain or user name is unknown (then nothing succeeds). */
  user: LoginCandidate | undefined;
  /** Domain of the login, when it exists (its parameters apply to an unknown user name). */
  domainId: string | undefined;
  username: string;
  password: string | undefined;
  /** Login name a trusted reverse proxy vouched for, reduced to the user name (WindowsSecurity). */
  windowsUser: string | undefined;
}

export type Outcome =
  | { ok: true; method: AuthMethod }
  /** `unavailable`: why a method could not decide (LDAP down...), when no other method succeeded. */
  | { ok: false; methods: AuthMethod[]; unavailable?: string };

/**
 * Runs the user's `AuthMethods` (guide 6.1), in order, until one accepts. An unknown user name
 * goes through the same steps with its domain's settings and always fails, so that neither
 * the answer nor the time taken tells whether the user exists.
 */
@Injectable()
export class UserAuthenticator {
  private readonly box: SecretBox;

  constructor(
    private readonly parameters: ParameterRepository,
    @Inject(LDAP_AUTHENTICATOR) private readonly ldap: LdapAuthenticator,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.box = new SecretBox(config.TWS_SECRET_KEY);
  }

  /** The AuthMethods and LDAP settings that apply to a user (user > group > domain > default). */
  async settings(userId: string | undefined, domainId: string | undefined): Promise<{ methods: AuthMethod[]; ldap: LdapSettings }> {
    // An unknown user (or domain) resolves like a user of that domain in no group.
    const values = await this.parameters.valuesForUser(userId ?? randomUUID(), domainId ?? randomUUID());
    const text = new Map(resolveParameters(DEFINITIONS, values).map((r) => [r.definition.name, r.text ?? '']));
    const t = (name: string) => text.get(name) ?? '';
    let bindPassword = '';
    if (t('AuthLdapBindPassword')) {
      try {
        bindPassword = this.box.open(t('AuthLdapBindPassword'));
      } catch (e) {
        this.logger.error({ err: e }, 'AuthLdapBindPassword cannot be decrypted');
      }
    }
    return {
      methods: parseAuthMethods(t('AuthMethods')),
      ldap: {
        server: t('AuthLdapServer'),
        port: Number(t('AuthLdapPort')) || 389,
        dnTemplate: t('AuthLdapDn') || '?',
        security: (['None', 'StartTLS', 'LDAPS'] as const).find((s) => s === t('AuthLdapSecurity')) ?? 'None',
        searchBase: t('AuthLdapSearchBase'),
        searchFilter: t('AuthLdapSearchFilter') || '(uid=?)',
        bindDn: t('AuthLdapBindDn'),
        bindPassword,
      },
    };
  }

  async authenticate(c: Credentials): Promise<Outcome> {
    const { methods, ldap } = await this.settings(c.user?.id, c.domainId);
    let unavailable: string | undefined;
    for (const method of methods) {
      switch (method) {
        case 'TWS': {
          // The same scrypt work whether the user or its password exists or not.
          const ok = await verifyPassword(c.password ?? '', c.user?.passwordHash ?? DUMMY_PASSWORD_HASH);
          if (ok && c.user?.passwordHash && c.password) return { ok: true, method };
          break;
        }
        case 'LDAP': {
          try {
            // Asked for an unknown user too (same time, same outage error), but never enough.
            const r = await this.ldap.check(ldap, c.username, c.password ?? '');
            if (r === 'accepted' && c.user) return { ok: true, method };
          } catch (e) {
            if (!(e instanceof LdapUnavailableError)) throw e;
            this.logger.warn({ err: e.message, username: c.username }, 'LDAP authentication could not decide');
            unavailable ??= e.message;
          }
          break;
        }
        case 'WindowsSecurity':
          // The login name must match the user name (6.2.1).
          if (c.user && c.windowsUser && c.windowsUser.toLowerCase() === c.user.username.toLowerCase()) return { ok: true, method };
          break;
        case 'None':
          if (c.user) return { ok: true, method };
          break;
      }
    }
    return { ok: false, methods, ...(unavailable ? { unavailable } : {}) };
  }
}
