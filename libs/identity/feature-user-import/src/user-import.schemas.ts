import { z } from 'zod';
import { MAX_FIELD_SPEC_LENGTH } from '@tws/directories-mapping';
import { DEVICE_PROTOCOLS } from '@tws/tenancy-data-access';
import { SOURCE_TYPES, USER_FIELD_KEYS } from './user-import.mapping';
import { SYNC_TYPES } from './user-import.plan';

export const IMPORT_SCHEDULES = ['manual', 'daily'] as const;
export type ImportSchedule = (typeof IMPORT_SCHEDULES)[number];

/** Settings of web-services for user imports. */
export const userImportEnvSchema = z.object({
  /** How often each instance checks which daily imports are due. */
  USER_IMPORT_TICK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
});
export type UserImportEnv = z.infer<typeof userImportEnvSchema>;

const fieldText = z.string().max(MAX_FIELD_SPEC_LENGTH);
const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address');

/** The Fields frame: source field of each user field, options after "|" as for directories. */
export const userFieldMappingSchema = z
  .object({
    ...(Object.fromEntries(USER_FIELD_KEYS.map((k) => [k, fieldText.optional()])) as Record<(typeof USER_FIELD_KEYS)[number], z.ZodOptional<typeof fieldText>>),
    private: z.array(z.object({ index: z.number().int().min(0).max(9), field: fieldText }).strict()).max(10).optional(),
  })
  .strict();

/** The Device type frame: protocol and options of the devices the import creates. */
export const importDeviceSchema = z
  .object({
    protocol: z.enum(DEVICE_PROTOCOLS),
    video: z.boolean().default(false),
    softphone: z.boolean().default(false),
    oneNumber: z.boolean().default(false),
    sipProxy: host.optional(),
    sipProxyPort: z.number().int().min(1).max(65535).optional(),
  })
  .strict();
export type ImportDevice = z.output<typeof importDeviceSchema>;

const culture = z.union([z.literal('auto'), z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, '"auto" or a culture such as fr-FR or en-US')]);

const importFields = {
  description: z.string().trim().min(1, 'must not be empty').max(200),
  /** LDAP or Active Directory ("Import type"); decides the pre-filled fields. */
  sourceType: z.enum(SOURCE_TYPES),
  syncType: z.enum(SYNC_TYPES),
  /** LDAP connector settings: host, port, tls, tlsVerify, bindDn, baseDn, filter, pageSize, sizeLimit, timeoutSeconds. */
  connector: z.record(z.string(), z.unknown()),
  /** Bind password (write-only; null removes it). */
  password: z.string().min(1, 'must not be empty').max(256).nullable(),
  fields: userFieldMappingSchema,
  device: importDeviceSchema,
  /** "Add in group": a group of the domain, or null. */
  groupId: z.uuid().nullable(),
  culture,
  /** "Customizing the telephone number according to the numbering plan". */
  customizeNumber: z.boolean(),
  /** "Synchronization": manual (the Synchro button) or daily at timeSynchronizationDirectories, as directories. */
  schedule: z.enum(IMPORT_SCHEDULES),
};

export const createUserImportSchema = z
  .object({
    ...importFields,
    sourceType: importFields.sourceType.default('ldap'),
    syncType: importFields.syncType.default('insert-update'),
    password: importFields.password.optional(),
    fields: importFields.fields.optional(),
    device: importFields.device.default({ protocol: 'CSTA', video: false, softphone: false, oneNumber: false }),
    groupId: importFields.groupId.default(null),
    culture: importFields.culture.default('auto'),
    customizeNumber: importFields.customizeNumber.default(false),
    schedule: importFields.schedule.default('manual'),
  })
  .strict();
export type CreateUserImport = z.output<typeof createUserImportSchema>;

/** Changes; `connector` fields are merged into the saved ones, `fields` and `device` replace theirs. */
export const updateUserImportSchema = z
  .object(importFields)
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, 'nothing to change');
export type UpdateUserImport = z.output<typeof updateUserImportSchema>;

export const runUserImportSchema = z
  .object({
    /** Preview: the run computes and reports everything, then undoes it. */
    dryRun: z.boolean().default(false),
  })
  .strict();
export type RunUserImport = z.output<typeof runUserImportSchema>;
