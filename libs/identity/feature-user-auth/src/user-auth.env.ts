import { z } from 'zod';
import { kerberosEnvSchema, trustedProxyEnvSchema } from '@tws/identity-data-access';

/** Variables of user authentication (web-services). */
export const userAuthEnvSchema = z.object({
  /** Lifetime of an access token, in seconds. */
  TWS_AUTH_ACCESS_TTL_S: z.coerce.number().int().min(30).max(86_400).default(900),
  /** Lifetime of a refresh token, in seconds; each refresh starts a new one (sliding). */
  TWS_AUTH_REFRESH_TTL_S: z.coerce.number().int().min(60).max(90 * 86_400).default(86_400),
  /** PEM file of the CA(s) that sign the LDAP servers' certificates, trusted besides the system's. */
  TWS_AUTH_LDAP_CA_FILE: z.string().min(1).optional(),
  /** How long an LDAP server may take to connect or answer, in milliseconds. */
  TWS_AUTH_LDAP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  ...trustedProxyEnvSchema.shape,
  ...kerberosEnvSchema.shape,
});
export type UserAuthEnv = z.output<typeof userAuthEnvSchema>;
