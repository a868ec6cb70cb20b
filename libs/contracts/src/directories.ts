import { z } from 'zod';
import { defineRequest, replyEnvelope } from './contract';

/**
 * Directories (guide chapter 8): what a user's search box and a ringing phone ask of them.
 * Answered by web-services (queue group `web-services`).
 */

/** Directory type (8.1): Sample/Draft is disabled; TWS is public; Private holds each user's own contacts. */
export const DIRECTORY_TYPES = ['draft', 'public', 'private'] as const;
export type DirectoryType = (typeof DIRECTORY_TYPES)[number];

/**
 * Server types with a connector today. Exchange, Office 365, Google, Lotus and Outlook are one
 * connector library each, added to this list when they come.
 */
export const DIRECTORY_SERVER_TYPES = ['tws-users', 'tws-contacts', 'ldap', 'odbc'] as const;
export type DirectoryServerType = (typeof DIRECTORY_SERVER_TYPES)[number];

/** Synchronization modes (8.2.1): manual, daily at `timeSynchronizationDirectories`, high frequency. */
export const DIRECTORY_SYNC_MODES = ['manual', 'daily', 'frequent'] as const;
export type DirectorySyncMode = (typeof DIRECTORY_SYNC_MODES)[number];

/** The five phone numbers of a contact (8.1 field tab), each with its red-list field (8.2.4). */
export const PHONE_KINDS = ['assistant', 'standard', 'professional', 'gsm', 'personal'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];

export const contactPhoneSchema = z.object({
  kind: z.enum(PHONE_KINDS),
  /** As the directory writes it; null when the number is on the red list (never shown to users). */
  number: z.string().nullable(),
  /** Canonical form (dialing plan of the directory's domain); null when red-listed or not a number. */
  canonical: z.string().nullable(),
  redList: z.boolean(),
});
export type ContactPhone = z.infer<typeof contactPhoneSchema>;

export const contactPrivateFieldSchema = z.object({
  index: z.number().int().min(0).max(9),
  /** The administrator's name for the field (a `[VIP]` field is reported as `vip` instead). */
  label: z.string(),
  value: z.string(),
  /** Field option `a`: `MapServiceURL` + the value, the link to a mapping website. */
  mapUrl: z.string().optional(),
});

/** One contact card as users see it: red-listed numbers hidden, `i` fields only in the Alerter view. */
export const contactCardSchema = z.object({
  /** `directory`: a contact of a directory; `tws-user`: an internal extension resolved to its user. */
  source: z.enum(['directory', 'tws-user']),
  contactId: z.string().nullable(),
  userId: z.string().nullable(),
  directory: z.object({ id: z.string(), name: z.string(), priority: z.number() }).nullable(),
  /** The directory's ID of the contact (the mapped ID field). */
  externalId: z.string().nullable(),
  displayName: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  company: z.string(),
  picture: z.string().nullable(),
  mail1: z.string().nullable(),
  mail2: z.string().nullable(),
  url: z.string().nullable(),
  phones: z.array(contactPhoneSchema),
  privateFields: z.array(contactPrivateFieldSchema),
  /** Field option `a` on lastName / firstName / company / mail / url: the mapping link per field. */
  mapUrls: z.record(z.string(), z.string()),
  /** The `[VIP]` field's text when it is filled (8.2.3): the contact is a VIP. */
  vip: z.string().nullable(),
  /** Merge (8.2.2): the other contacts (same e-mail, merge-enabled directories) whose fields were added. */
  mergedFrom: z.array(z.object({ directoryId: z.string(), contactId: z.string() })),
});
export type ContactCard = z.infer<typeof contactCardSchema>;

/** Caller view: fields with option `i` left out; Alerter view: everything (8.1, option `i`). */
export const CONTACT_VIEWS = ['caller', 'alerter'] as const;
export type ContactView = (typeof CONTACT_VIEWS)[number];

export const directoryLookupRequestSchema = z
  .object({
    /** The user whose directory rights apply (authorizations of type directory, 7.4.2). */
    userId: z.uuid(),
    /** Any format: `+33 1 55 17 18 89`, `0155171889`, what the PBX presents... */
    number: z.string().trim().min(1).max(64),
    /** `pbx` for numbers from call events (add/remove, internal reverse length apply). */
    origin: z.enum(['pbx', 'directory']).default('pbx'),
    view: z.enum(CONTACT_VIEWS).default('caller'),
  })
  .strict();
export type DirectoryLookupRequest = z.input<typeof directoryLookupRequestSchema>;

export const directoryLookupResultSchema = z.object({
  number: z.string(),
  /** Canonical form in the user's domain; null when the input is not a phone number. */
  canonical: z.string().nullable(),
  /** The contact of the lowest-priority directory holding the number, or the user of an extension. */
  match: contactCardSchema.nullable(),
  /** The phone of the match the number belongs to. */
  matchedKind: z.enum(PHONE_KINDS).nullable(),
  /** What to show when nothing matches (and also when something does): the name or the number. */
  displayName: z.string(),
});
export type DirectoryLookupResult = z.infer<typeof directoryLookupResultSchema>;

/** `tws.dir.lookup`: reverse lookup of a number for a user (eventservices asks on every call). */
export const DirectoryLookup = defineRequest(
  'directory reverse lookup',
  'tws.dir.lookup',
  () => 'tws.dir.lookup',
  directoryLookupRequestSchema,
  replyEnvelope(directoryLookupResultSchema),
);

export const directorySearchRequestSchema = z
  .object({
    userId: z.uuid(),
    /** Words (prefixes) of a name, company or e-mail, or a number in any format. */
    query: z.string().trim().min(2, 'at least 2 characters').max(100),
    offset: z.number().int().min(0).max(10_000).default(0),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict();
export type DirectorySearchRequest = z.input<typeof directorySearchRequestSchema>;

export const directorySearchResultSchema = z.object({
  items: z.array(contactCardSchema),
  offset: z.number(),
  limit: z.number(),
  /** More results after this page. */
  hasMore: z.boolean(),
});
export type DirectorySearchResult = z.infer<typeof directorySearchResultSchema>;

/** `tws.dir.search`: one query across every directory the user may see, ranked by priority then relevance. */
export const DirectorySearch = defineRequest(
  'directory search',
  'tws.dir.search',
  () => 'tws.dir.search',
  directorySearchRequestSchema,
  replyEnvelope(directorySearchResultSchema),
);
