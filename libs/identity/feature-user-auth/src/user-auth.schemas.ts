import { z } from 'zod';
import { loginRequestSchema } from '@tws/contracts';

/** `POST /api/v1/auth/login`. */
export const loginSchema = loginRequestSchema;
export type LoginBody = z.infer<typeof loginSchema>;

/** `POST /api/v1/auth/refresh`. */
export const refreshSchema = z.object({ refreshToken: z.string().min(1).max(200) }).strict();
export type RefreshBody = z.infer<typeof refreshSchema>;
