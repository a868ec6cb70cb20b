import { z } from 'zod';
import { CONTACT_VIEWS } from '@tws/contracts';

/** `?query=&offset=&limit=` of the search routes (user API and the admin's "as user"). */
export const searchQuerySchema = z
  .object({
    query: z.string().trim().min(2, 'at least 2 characters').max(100),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type SearchQuery = z.output<typeof searchQuerySchema>;

/** `?number=&origin=&view=` of the reverse lookup routes. */
export const lookupQuerySchema = z
  .object({
    number: z.string().trim().min(1).max(64),
    /** pbx: the number as the PBX presents it (the dialing plan's `remove` applies); directory: as written by a person. */
    origin: z.enum(['pbx', 'directory']).default('pbx'),
    view: z.enum(CONTACT_VIEWS).default('caller'),
  })
  .strict();
export type LookupQuery = z.output<typeof lookupQuerySchema>;
