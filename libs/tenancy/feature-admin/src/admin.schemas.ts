import { z } from 'zod';
import { DEVICE_PROTOCOLS } from '@tws/tenancy-data-access';

const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const createCompanySchema = z.object({ name: name(200) }).strict();

export const createDomainSchema = z
  .object({
    name: name(200).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    /** Length of internal numbers ("numbering map length"). */
    numberingLength: z.number().int().min(1).max(20).default(4),
  })
  .strict();

export const deviceNumber = z.string().trim().regex(/^[0-9*#+]{1,32}$/, 'digits, "*", "#" or "+", at most 32');

export const createUserSchema = z
  .object({
    username: name(128).regex(/^[^\s@/\\]+$/, 'no spaces, "@", "/" or "\\"'),
    firstName: z.string().trim().max(100).default(''),
    lastName: z.string().trim().max(100).default(''),
    email: z.email().max(254).optional(),
    gsm: z.string().trim().max(32).optional(),
    enabled: z.boolean().default(true),
    devices: z
      .array(z.object({ number: deviceNumber, protocol: z.enum(DEVICE_PROTOCOLS) }).strict())
      .max(20)
      .default([])
      .refine((d) => new Set(d.map((x) => x.number)).size === d.length, 'the same number appears twice'),
  })
  .strict();

export const listUsersQuerySchema = z.object({
  search: z.string().trim().max(100).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** PBX types of the guide (3.3.3) with their default CSTA port. */
export const PBX_TYPES = {
  'Alcatel 4400': 2555,
  'Alcatel OXO': 2555,
  'Siemens CSTAp3': 7001,
  Cisco: 2748,
  'Cisco CME': 5060,
  Mitel: 3211,
  'snom DEVICE': 6010,
  'snom ONE': 5060,
  Yealink: 6010,
  'UA CSTA ed3': 6010,
  Aastra: 2555,
  'ECMA-323 XML': 2555,
} as const satisfies Record<string, number>;
export type PbxType = keyof typeof PBX_TYPES;

export const createCstaLinkSchema = z
  .object({
    name: name(100),
    host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address'),
    port: z.number().int().min(1).max(65535).optional(),
    pbxType: z.enum(Object.keys(PBX_TYPES) as [PbxType, ...PbxType[]]),
    pbxDomain: z.string().trim().max(200).optional(),
    username: z.string().max(200).optional(),
    /** Write-only: stored encrypted, never returned. */
    password: z.string().max(200).optional(),
    capacity: z.number().int().min(1).max(100_000).default(500),
    enabled: z.boolean().default(true),
  })
  .strict();

export type CreateCompany = z.infer<typeof createCompanySchema>;
export type CreateDomain = z.infer<typeof createDomainSchema>;
export type CreateUser = z.infer<typeof createUserSchema>;
export type CreateCstaLink = z.infer<typeof createCstaLinkSchema>;
