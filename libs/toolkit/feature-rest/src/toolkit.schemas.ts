import { z } from 'zod';

/**
 * Who the toolkit acts for. Until authentication lands (issue 5) the caller names the user and
 * domain; with tokens, these will come from the token instead.
 */
const identity = {
  domain: z.string().trim().min(1).max(200),
  user: z.string().trim().min(1).max(128),
};

export const makeCallSchema = z
  .object({
    ...identity,
    /** Number to call, as typed by the user. */
    destination: z.string().trim().min(1).max(64).regex(/^[0-9*#+ ()./-]+$/, 'digits, "+", "*", "#" and separators only'),
    /** Which of the user's devices places the call (default: the user's first CSTA device). */
    device: z.string().trim().min(1).max(32).optional(),
  })
  .strict();
export type MakeCall = z.infer<typeof makeCallSchema>;

export const callLogQuerySchema = z.object({
  ...identity,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});
export type CallLogQuery = z.infer<typeof callLogQuerySchema>;
