import { z } from 'zod';
import { loginRequestSchema } from '@tws/contracts';

/**
 * Who the toolkit acts for comes from the access token (`Authorization: Bearer`, or the SOAP
 * `AuthToken` header / `token` element). `domain` and `user` are still accepted, so that
 * requests written before tokens keep their shape, but only when they name the token's user:
 * anything else is refused (403 `identity_mismatch`), never acted upon.
 */
const formerIdentity = {
  /** Deprecated: the token's domain; when given, it must match. */
  domain: z.string().trim().min(1).max(200).optional(),
  /** Deprecated: the token's user; when given, it must match. */
  user: z.string().trim().min(1).max(128).optional(),
};

export const makeCallSchema = z
  .object({
    ...formerIdentity,
    /** Number to call, as typed by the user. */
    destination: z.string().trim().min(1).max(64).regex(/^[0-9*#+ ()./-]+$/, 'digits, "+", "*", "#" and separators only'),
    /** Which of the user's devices places the call (default: the user's first CSTA device). */
    device: z.string().trim().min(1).max(32).optional(),
  })
  .strict();
export type MakeCall = z.infer<typeof makeCallSchema>;

export const callLogQuerySchema = z.object({
  ...formerIdentity,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});
export type CallLogQuery = z.infer<typeof callLogQuerySchema>;

/** `POST /toolkit/v1/auth/login` and the SOAP `Login`: the user API's login, relayed to web-services. */
export const toolkitLoginSchema = loginRequestSchema;
export type ToolkitLogin = z.infer<typeof toolkitLoginSchema>;
