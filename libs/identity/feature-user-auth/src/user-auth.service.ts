import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import {
  ACCESS_TOKEN_PREFIX,
  APPLICATIONS,
  EffectiveRightsCheck,
  REFRESH_TOKEN_PREFIX,
  type ApplicationCode,
  type AuthenticatedUser,
  type AuthMethod,
  type RightsCheckResult,
  type TokenPair,
  type VerifiedToken,
} from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { LoginThrottleRepository, UserLoginRepository, UserSessionRepository, windowsUserName, type ThrottlePolicy } from '@tws/identity-data-access';
import { ApiError, badRequest, NatsService, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { UserAuthenticator } from './user-authenticator';
import type { UserAuthEnv } from './user-auth.env';

/** Five failures in 15 minutes lock a user name for 15 minutes (whether it exists or not), as for administrators. */
export const USER_LOGIN_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowS: 900, lockS: 900 };
/** Twenty failures in 15 minutes lock a source address. */
export const ADDRESS_LOGIN_THROTTLE: ThrottlePolicy = { maxFailures: 20, windowS: 900, lockS: 900 };

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export interface LoginInput {
  domain: string;
  username?: string;
  password?: string;
  application?: ApplicationCode;
  /** Client address (throttling). */
  address: string;
  /** Login name vouched for by a trusted reverse proxy (WindowsSecurity). */
  windowsIdentity?: string;
}

/**
 * User sign-in (guide chapter 6, 7.4.1): the user's authentication methods, throttling per user
 * name and per address, the application authorization, and sessions with short-lived access
 * tokens and rotating refresh tokens.
 */
@Injectable()
export class UserAuthService {
  constructor(
    private readonly logins: UserLoginRepository,
    private readonly sessions: UserSessionRepository,
    private readonly throttle: LoginThrottleRepository,
    private readonly authenticator: UserAuthenticator,
    private readonly nats: NatsService,
    @Inject(TWS_CONFIG) private readonly config: UserAuthEnv,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  async login(input: LoginInput): Promise<TokenPair> {
    const windowsUser = input.windowsIdentity ? windowsUserName(input.windowsIdentity) : undefined;
    const username = input.username ?? windowsUser;
    if (!username) throw badRequest('invalid body: username: required (unless a trusted proxy signs you in)', [{ path: 'username', message: 'required' }]);
    const keys = [`user:${input.domain.toLowerCase()}/${username.toLowerCase()}`, `user-ip:${input.address}`] as const;
    const locked = await this.throttle.lockedFor([...keys]);
    if (locked > 0) {
      throw new ApiError(429, 'too_many_attempts', `too many failed sign-ins: try again in ${Math.ceil(locked / 60)} minute(s)`, [{ retryAfterS: locked }]);
    }
    const domain = await this.logins.findDomain(input.domain);
    const user = domain ? await this.logins.findUser(domain.id, username) : undefined;
    const outcome = await this.authenticator.authenticate({ user, domainId: domain?.id, username, password: input.password, windowsUser });
    if (!outcome.ok) {
      // A directory that cannot answer is an outage, not a wrong password: said so, not counted.
      if (outcome.unavailable) throw new ApiError(503, 'auth_unavailable', outcome.unavailable);
      await this.throttle.fail(keys[0], USER_LOGIN_THROTTLE);
      await this.throttle.fail(keys[1], ADDRESS_LOGIN_THROTTLE);
      throw new ApiError(401, 'invalid_credentials', 'wrong domain, user name or password');
    }
    const who = user!;
    await this.throttle.clear(keys[0]);
    if (!who.enabled) throw new ApiError(403, 'user_disabled', `the account ${who.username} is disabled: ask your administrator`);
    if (input.application) await this.assertAuthorized(who.id, who.username, input.application);
    const principal: AuthenticatedUser = { userId: who.id, username: who.username, domainId: who.domainId, domain: who.domain, companyId: who.companyId };
    const pair = await this.openSession(principal, outcome.method, input.application ?? null, input.address);
    this.logger.info({ userId: who.id, domain: who.domain, method: outcome.method, application: input.application }, 'user signed in');
    void this.sessions.purgeExpired().catch(() => undefined);
    return pair;
  }

  /** New tokens for a live refresh token; the old pair stops working (rotation). */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const next = this.newPair();
    const principal = refreshToken.startsWith(REFRESH_TOKEN_PREFIX)
      ? await this.sessions.rotate(hashOf(refreshToken), { accessHash: hashOf(next.accessToken), accessExpiresAt: next.accessExpiresAt, refreshHash: hashOf(next.refreshToken), refreshExpiresAt: next.refreshExpiresAt })
      : undefined;
    if (!principal) throw new ApiError(401, 'unauthenticated', 'refresh token unknown, already used, expired or revoked: sign in again');
    return this.toPair(principal, principal.method, next);
  }

  /** The user of a live access token, or undefined. */
  verify(accessToken: string): Promise<VerifiedToken | undefined> {
    if (!accessToken.startsWith(ACCESS_TOKEN_PREFIX)) return Promise.resolve(undefined);
    return this.sessions.verify(hashOf(accessToken));
  }

  /** Ends the session of an access (or refresh) token. */
  async logout(token: string): Promise<void> {
    await this.sessions.delete(hashOf(token));
  }

  private async assertAuthorized(userId: string, username: string, application: ApplicationCode) {
    const r = (await this.nats.current.request(EffectiveRightsCheck, [], { userId, objectType: 'application', objectRef: application })) as RightsCheckResult;
    if (r.allowed) return;
    const label = APPLICATIONS.find((a) => a.code === application)!.label;
    throw new ApiError(
      403,
      'application_not_authorized',
      `${username} is not authorized to use ${label}: an administrator must give ${username}, or one of their groups, the authorization "application ${label}" (Users / Authorizations)`,
      [{ missing: { objectType: 'application', objectRef: application, label } }],
    );
  }

  private newPair() {
    const now = Date.now();
    return {
      accessToken: newToken(ACCESS_TOKEN_PREFIX),
      accessExpiresAt: new Date(now + this.config.TWS_AUTH_ACCESS_TTL_S * 1000),
      refreshToken: newToken(REFRESH_TOKEN_PREFIX),
      refreshExpiresAt: new Date(now + this.config.TWS_AUTH_REFRESH_TTL_S * 1000),
    };
  }

  private async openSession(user: AuthenticatedUser, method: AuthMethod, application: ApplicationCode | null, address: string): Promise<TokenPair> {
    const pair = this.newPair();
    await this.sessions.create({
      userId: user.userId,
      accessHash: hashOf(pair.accessToken),
      accessExpiresAt: pair.accessExpiresAt,
      refreshHash: hashOf(pair.refreshToken),
      refreshExpiresAt: pair.refreshExpiresAt,
      method,
      application,
      sourceAddress: address,
    });
    return this.toPair(user, method, pair);
  }

  private toPair(user: AuthenticatedUser, method: AuthMethod, p: ReturnType<UserAuthService['newPair']>): TokenPair {
    return {
      tokenType: 'Bearer',
      accessToken: p.accessToken,
      accessExpiresAt: p.accessExpiresAt.toISOString(),
      refreshToken: p.refreshToken,
      refreshExpiresAt: p.refreshExpiresAt.toISOString(),
      method,
      user: { userId: user.userId, username: user.username, domainId: user.domainId, domain: user.domain, companyId: user.companyId },
    };
  }
}
