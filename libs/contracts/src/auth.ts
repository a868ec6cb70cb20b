import { z } from 'zod';
import { APPLICATION_CODES } from './applications';
import { defineRequest, replyEnvelope } from './contract';

/**
 * User authentication (guide chapter 6). web-services signs users in and keeps their sessions;
 * every other service (toolkit, realtime gateway) checks a token over NATS and never reads the
 * sessions table.
 */

/** The methods of the `AuthMethods` parameter (6.1), tried in the order the parameter lists them. */
export const AUTH_METHODS = ['TWS', 'LDAP', 'WindowsSecurity', 'None'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Prefixes of the opaque tokens: an access token is never accepted where a refresh token is expected. */
export const ACCESS_TOKEN_PREFIX = 'twsu_';
export const REFRESH_TOKEN_PREFIX = 'twsr_';

/** Who a valid access token belongs to. */
export const authenticatedUserSchema = z.object({
  userId: z.uuid(),
  username: z.string(),
  domainId: z.uuid(),
  /** The domain's name, as typed at login. */
  domain: z.string(),
  companyId: z.uuid(),
});
export type AuthenticatedUser = z.infer<typeof authenticatedUserSchema>;

export const verifyTokenRequestSchema = z.object({ token: z.string().min(1).max(200) }).strict();

export const verifiedTokenSchema = authenticatedUserSchema.extend({
  /** When this access token stops being accepted (ISO 8601). */
  expiresAt: z.iso.datetime({ offset: true }),
  /** Method that signed the session in. */
  method: z.enum(AUTH_METHODS),
  /** Application named at login (its authorization was checked then), if any. */
  application: z.enum(APPLICATION_CODES).nullable(),
});
export type VerifiedToken = z.infer<typeof verifiedTokenSchema>;

/**
 * `tws.auth.verify`: whose is this access token? Answered by web-services (queue group). An
 * unknown, expired or revoked token (user disabled, deleted, password changed, logged out) is
 * the error `unauthenticated`.
 */
export const AuthVerify = defineRequest('token verification', 'tws.auth.verify', () => 'tws.auth.verify', verifyTokenRequestSchema, replyEnvelope(verifiedTokenSchema));

export const loginRequestSchema = z
  .object({
    /** Domain name (unique in the installation). */
    domain: z.string().trim().min(1).max(200),
    /** Optional only when a trusted reverse proxy vouches for the Windows identity. */
    username: z.string().trim().min(1).max(128).optional(),
    /** Not needed for the None and WindowsSecurity methods. */
    password: z.string().max(256).optional(),
    /** Application being opened: the user must be authorized to it (guide 7.4.1). */
    application: z.enum(APPLICATION_CODES).optional(),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** A login relayed by another service (the toolkit's SOAP and REST faces). */
export const relayedLoginSchema = loginRequestSchema
  .extend({
    /** Source address of the client, for per-address throttling. */
    address: z.string().min(1).max(100),
    /** User name asserted by a reverse proxy the relaying service trusts (WindowsSecurity). */
    windowsIdentity: z.string().min(1).max(256).optional(),
  })
  .strict();
export type RelayedLogin = z.infer<typeof relayedLoginSchema>;

export const tokenPairSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  accessExpiresAt: z.iso.datetime({ offset: true }),
  refreshToken: z.string(),
  refreshExpiresAt: z.iso.datetime({ offset: true }),
  method: z.enum(AUTH_METHODS),
  user: authenticatedUserSchema,
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

/**
 * `tws.auth.login`: signs a user in for another service (the toolkit's `Login`), with the same
 * methods, throttling and errors as `POST /api/v1/auth/login`. Error codes: `invalid_credentials`,
 * `too_many_attempts`, `user_disabled`, `application_not_authorized`, `auth_unavailable`,
 * `bad_request`.
 */
export const AuthLogin = defineRequest('login request', 'tws.auth.login', () => 'tws.auth.login', relayedLoginSchema, replyEnvelope(tokenPairSchema));

/** HTTP status of each authentication error code, for the services that relay them. */
export const AUTH_ERROR_STATUS: Readonly<Record<string, number>> = {
  unauthenticated: 401,
  invalid_credentials: 401,
  user_disabled: 403,
  application_not_authorized: 403,
  identity_mismatch: 403,
  too_many_attempts: 429,
  auth_unavailable: 503,
};
