import { z } from 'zod';
import { DIRECTORY_SERVER_TYPES, DIRECTORY_SYNC_MODES, DIRECTORY_TYPES, PHONE_KINDS } from '@tws/contracts';
import { CONTACT_FIELD_KEYS, MAX_FIELD_SPEC_LENGTH } from '@tws/directories-mapping';

/** Settings of web-services for directories. */
export const directoriesEnvSchema = z.object({
  /** How often each instance checks which directories are due (daily / high-frequency modes). */
  DIRECTORY_SYNC_TICK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Synchronizations one instance runs at once (each holds one database connection while it runs). */
  DIRECTORY_SYNC_MAX_CONCURRENT: z.coerce.number().int().min(1).max(20).default(2),
});
export type DirectoriesEnv = z.infer<typeof directoriesEnvSchema>;

const name = z.string().trim().min(1, 'must not be empty').max(128);
const fieldText = z.string().max(MAX_FIELD_SPEC_LENGTH);

/**
 * The Fields tab (8.1, 8.2.3, 8.2.4): the source field of each TWS field, with options after "|"
 * (`sn|u`, `telephonenumber|p : 9{0} : ^[0-9]{4}$`); private fields 0–9 with their names; the
 * private field named `[VIP]` marks VIP contacts. Empty or absent: not mapped.
 */
export const fieldMappingSchema = z
  .object({
    ...(Object.fromEntries(CONTACT_FIELD_KEYS.map((k) => [k, fieldText.optional()])) as Record<(typeof CONTACT_FIELD_KEYS)[number], z.ZodOptional<typeof fieldText>>),
    private: z
      .array(z.object({ index: z.number().int().min(0).max(9), label: z.string().trim().min(1, 'must not be empty').max(64), field: fieldText }).strict())
      .max(10)
      .optional(),
  })
  .strict();

/** The Synchro tab (8.2.1): manual, daily ("Synchro Auto"), or every N minutes / hours ("Synchro HF"). */
export const syncSchema = z
  .object({
    mode: z.enum(DIRECTORY_SYNC_MODES),
    every: z.number().int().min(1).max(1440).optional(),
    unit: z.enum(['minutes', 'hours']).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'frequent') {
      if (s.every === undefined) ctx.addIssue({ code: 'custom', path: ['every'], message: 'required for high-frequency synchronization' });
      if (s.unit === undefined) ctx.addIssue({ code: 'custom', path: ['unit'], message: 'required for high-frequency synchronization: minutes or hours' });
      if (s.unit === 'hours' && s.every !== undefined && s.every > 24) ctx.addIssue({ code: 'custom', path: ['every'], message: 'at most 24 hours (use daily synchronization beyond)' });
    } else if (s.every !== undefined || s.unit !== undefined) {
      ctx.addIssue({ code: 'custom', path: [s.every !== undefined ? 'every' : 'unit'], message: 'only for high-frequency synchronization (mode "frequent")' });
    }
  });

const directoryFields = {
  name,
  /** draft = "Sample / Draft" (disabled), public = "TWS", private. */
  type: z.enum(DIRECTORY_TYPES),
  /** Lowest wins for caller identity (8.1). */
  priority: z.number().int().min(0).max(9999),
  /** Connector settings of the server type (LDAP: host, port, bindDn, baseDn, filter, pageSize, sizeLimit, tls...; ODBC: dsn or connectionString, table, user, fetchSize). */
  connector: z.record(z.string(), z.unknown()),
  /** Bind password (write-only; null removes it). */
  password: z.string().min(1, 'must not be empty').max(256).nullable(),
  fields: fieldMappingSchema,
  sync: syncSchema,
  /** Merge contacts with the same e-mail with other merge-enabled directories (8.2.2). */
  merge: z.boolean(),
};

export const createDirectorySchema = z
  .object({
    ...directoryFields,
    serverType: z.enum(DIRECTORY_SERVER_TYPES),
    type: directoryFields.type.default('public'),
    priority: directoryFields.priority.default(10),
    connector: directoryFields.connector.default({}),
    password: directoryFields.password.optional(),
    fields: directoryFields.fields.optional(),
    sync: syncSchema.default({ mode: 'manual' }),
    merge: directoryFields.merge.default(false),
  })
  .strict();
export type CreateDirectory = z.output<typeof createDirectorySchema>;

/** Changes; `connector` fields are merged into the saved ones, `fields` replaces the mapping. */
export const updateDirectorySchema = z
  .object(directoryFields)
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, 'nothing to change');
export type UpdateDirectory = z.output<typeof updateDirectorySchema>;

const phoneInput = z.object({ number: z.string().trim().min(1).max(64), redList: z.boolean().default(false) }).strict();
const text = (max: number) => z.string().trim().max(max);

/** A contact of a TWS contacts directory, as the administrator (or, for its private contacts, its user) writes it. */
const contactFields = {
  /** The owner of a private contact (9.1.1): required in a private directory, refused elsewhere. */
  ownerUserId: z.uuid(),
  lastName: text(256),
  firstName: text(256),
  company: text(256),
  picture: z.string().trim().max(2048),
  mail1: z.email().max(256).or(z.literal('')),
  mail2: z.email().max(256).or(z.literal('')),
  url: text(2048),
  phones: z.object(Object.fromEntries(PHONE_KINDS.map((k) => [k, phoneInput.optional()])) as Record<(typeof PHONE_KINDS)[number], z.ZodOptional<typeof phoneInput>>).strict(),
  privateFields: z.array(z.object({ index: z.number().int().min(0).max(9), label: z.string().trim().min(1).max(64), value: text(1024) }).strict()).max(10),
  vip: text(1024),
};
export const createContactSchema = z
  .object({
    ...contactFields,
    ownerUserId: contactFields.ownerUserId.optional(),
    lastName: contactFields.lastName.default(''),
    firstName: contactFields.firstName.default(''),
    company: contactFields.company.default(''),
    picture: contactFields.picture.optional(),
    mail1: contactFields.mail1.optional(),
    mail2: contactFields.mail2.optional(),
    url: contactFields.url.optional(),
    phones: contactFields.phones.default({}),
    privateFields: contactFields.privateFields.default([]),
    vip: contactFields.vip.optional(),
  })
  .strict();
export type CreateContact = z.output<typeof createContactSchema>;
export const updateContactSchema = z
  .object(contactFields)
  .omit({ ownerUserId: true })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, 'nothing to change');
export type UpdateContact = z.output<typeof updateContactSchema>;

export const listContactsQuerySchema = z
  .object({
    search: z.string().trim().max(100).optional(),
    ownerUserId: z.uuid().optional(),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type ListContactsQuery = z.output<typeof listContactsQuerySchema>;

/**
 * A private contact written by its user (`/api/v1/directory/private-contacts`, 9.1.1): the fields
 * of an administrator's contact; no owner (the signed-in user); `directoryId` only when the user
 * may write to several private directories (default: the first by priority).
 */
export const createPrivateContactSchema = createContactSchema.omit({ ownerUserId: true }).extend({ directoryId: z.uuid().optional() }).strict();
export type CreatePrivateContact = z.output<typeof createPrivateContactSchema>;
export const listPrivateContactsQuerySchema = listContactsQuerySchema.omit({ ownerUserId: true }).strict();
export type ListPrivateContactsQuery = z.output<typeof listPrivateContactsQuerySchema>;
