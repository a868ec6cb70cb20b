import { z } from 'zod';

export const loginSchema = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) }).strict();

/** New passwords: at least 8 characters; the checks against username and old password are in the service. */
export const newPassword = z.string().min(8, 'at least 8 characters').max(256);

export const changePasswordSchema = z.object({ currentPassword: z.string().min(1).max(256), newPassword }).strict();

export const adminUserSchema = z
  .object({
    username: z.string().trim().min(1).max(128).regex(/^[^\s@/\\]+$/, 'no spaces, "@", "/" or "\\"'),
    /** Write-only. The new administrator must change it at first login. */
    password: newPassword,
    superUser: z.boolean().default(false),
    companyIds: z.array(z.uuid()).max(1000).default([]),
  })
  .strict();

export const updateAdminUserSchema = adminUserSchema.partial().strict();

export const auditQuerySchema = z.object({
  companyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export type Login = z.infer<typeof loginSchema>;
export type ChangePassword = z.infer<typeof changePasswordSchema>;
export type AdminUserInput = z.infer<typeof adminUserSchema>;
export type UpdateAdminUserInput = z.infer<typeof updateAdminUserSchema>;
