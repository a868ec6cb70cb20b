import { z } from 'zod';
import { PARAMETER_APPLICATION_CODES, parameterValueSchema } from '@tws/contracts';

/** `?expert=true` shows the parameters of the guide's Expert mode (10.2). */
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const listQuerySchema = z.object({
  application: z.enum(PARAMETER_APPLICATION_CODES).optional(),
  expert: flag,
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const expertQuerySchema = z.object({ expert: flag });
export type ExpertQuery = z.infer<typeof expertQuerySchema>;

/**
 * A value as JSON: typed (true, 30, "09:30", ["TWS", "LDAP"]) or as the guide writes it
 * ("Yes", "TWS|LDAP"). Checked against the parameter's type by the service.
 */
export const setValueSchema = z.object({ value: parameterValueSchema }).strict();
export type SetValue = z.infer<typeof setValueSchema>;
