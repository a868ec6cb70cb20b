import { z } from 'zod';
import { DEVICE_PROTOCOLS } from '@tws/tenancy-data-access';

const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
/** A host name or an IPv4/IPv6 address (no scheme, no port). */
const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address');
const port = z.number().int().min(1).max(65535);
const secret = z.string().max(200);

export const createCompanySchema = z.object({ name: name(200) }).strict();
export const updateCompanySchema = createCompanySchema;

export const createDomainSchema = z
  .object({
    name: name(200).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    /** Length of internal numbers ("numbering map length"). */
    numberingLength: z.number().int().min(1).max(20).default(4),
  })
  .strict();
export const updateDomainSchema = z
  .object({ name: createDomainSchema.shape.name, numberingLength: z.number().int().min(1).max(20) })
  .partial()
  .strict();

export const deviceNumber = z.string().trim().regex(/^[0-9*#+]{1,32}$/, 'digits, "*", "#" or "+", at most 32');

/** The fields of a device (guide 3.3.4) with its softphone / SIP settings (9.3). */
const deviceFields = {
  number: deviceNumber,
  protocol: z.enum(DEVICE_PROTOCOLS),
  /** Write-only, stored encrypted. */
  password: secret,
  ip: host,
  video: z.boolean(),
  clientPort: port,
  ccoCount: z.number().int().min(0).max(99),
  softphone: z.boolean(),
  oneNumber: z.boolean(),
  serverMonitoring: z.boolean(),
  sipUsername: z.string().trim().max(128),
  /** Write-only, stored encrypted. */
  sipPassword: secret,
  sipProxy: host,
  sipProxyPort: port,
  stun: z.string().trim().max(253).regex(/^[A-Za-z0-9.:_-]*$/, 'a host[:port]'),
  realm: z.string().trim().max(253),
  expireInterval: z.number().int().min(30).max(86400),
  dtmfMethod: z.enum(['RFC2833', 'INFO', 'INBAND']),
  g729: z.boolean(),
  tls: z.boolean(),
};

export const deviceSchema = z
  .object({
    ...deviceFields,
    password: deviceFields.password.optional(),
    ip: deviceFields.ip.optional(),
    video: deviceFields.video.default(false),
    clientPort: deviceFields.clientPort.optional(),
    ccoCount: deviceFields.ccoCount.default(0),
    softphone: deviceFields.softphone.default(false),
    oneNumber: deviceFields.oneNumber.default(false),
    serverMonitoring: deviceFields.serverMonitoring.default(false),
    sipUsername: deviceFields.sipUsername.optional(),
    sipPassword: deviceFields.sipPassword.optional(),
    sipProxy: deviceFields.sipProxy.optional(),
    sipProxyPort: deviceFields.sipProxyPort.optional(),
    stun: deviceFields.stun.optional(),
    realm: deviceFields.realm.optional(),
    expireInterval: deviceFields.expireInterval.optional(),
    dtmfMethod: deviceFields.dtmfMethod.optional(),
    g729: deviceFields.g729.default(false),
    tls: deviceFields.tls.default(false),
  })
  .strict();

/** PATCH: only what is given changes; optional fields (and secrets) set to null are cleared. */
export const updateDeviceSchema = z
  .object({
    ...deviceFields,
    password: deviceFields.password.nullable(),
    ip: deviceFields.ip.nullable(),
    clientPort: deviceFields.clientPort.nullable(),
    sipUsername: deviceFields.sipUsername.nullable(),
    sipPassword: deviceFields.sipPassword.nullable(),
    sipProxy: deviceFields.sipProxy.nullable(),
    sipProxyPort: deviceFields.sipProxyPort.nullable(),
    stun: deviceFields.stun.nullable(),
    realm: deviceFields.realm.nullable(),
    expireInterval: deviceFields.expireInterval.nullable(),
    dtmfMethod: deviceFields.dtmfMethod.nullable(),
  })
  .partial()
  .strict();

const privateFields = z
  .record(z.string().regex(/^[0-9]$/, 'private fields are numbered 0 to 9'), z.string().max(500))
  .refine((r) => Object.keys(r).length <= 10, 'at most 10 private fields');

export const createUserSchema = z
  .object({
    username: name(128).regex(/^[^\s@/\\]+$/, 'no spaces, "@", "/" or "\\"'),
    firstName: z.string().trim().max(100).default(''),
    lastName: z.string().trim().max(100).default(''),
    email: z.email().max(254).optional(),
    gsm: z.string().trim().max(32).regex(/^[0-9+*#() .-]*$/, 'a phone number').optional(),
    ip: host.optional(),
    enabled: z.boolean().default(true),
    /** TWS authentication password: write-only, stored hashed. */
    password: z.string().min(4).max(256).optional(),
    culture: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a culture such as fr-FR or en-US').default('en-US'),
    /** Write-only, stored encrypted. */
    voicemailPassword: secret.optional(),
    privateFields: privateFields.default({}),
    devices: z
      .array(deviceSchema)
      .max(20)
      .default([])
      .refine((d) => new Set(d.map((x) => x.number)).size === d.length, 'the same number appears twice'),
  })
  .strict();
export const updateUserSchema = z
  .object({
    username: createUserSchema.shape.username,
    firstName: z.string().trim().max(100),
    lastName: z.string().trim().max(100),
    email: z.email().max(254).nullable(),
    gsm: z.string().trim().max(32).regex(/^[0-9+*#() .-]*$/, 'a phone number').nullable(),
    ip: host.nullable(),
    enabled: z.boolean(),
    password: z.string().min(4).max(256).nullable(),
    culture: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a culture such as fr-FR or en-US'),
    voicemailPassword: secret.nullable(),
    privateFields,
  })
  .partial()
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
/** Default user name of a PBX type (guide 4.1.2: Cisco UC500, type Cisco CME, user 'OCT_CME' by default). */
export const PBX_DEFAULT_USERNAMES: Partial<Record<PbxType, string>> = { 'Cisco CME': 'OCT_CME' };
/**
 * PBX types where the suite listens and the desk phones connect to it (guide 11.2.2, snom DEVICE;
 * Yealink and UA CSTA ed3 phones the same way, cstaservices' desk-phone server mode): the IP is
 * then the listening address, 0.0.0.0 by default ("not useful anyway").
 */
export const LISTENING_PBX_TYPES: readonly PbxType[] = ['snom DEVICE', 'Yealink', 'UA CSTA ed3'];

export const createCstaLinkSchema = z
  .object({
    name: name(100),
    /** Required, except for the listening types (0.0.0.0 by default). */
    host: host.optional(),
    port: port.optional(),
    pbxType: z.enum(Object.keys(PBX_TYPES) as [PbxType, ...PbxType[]]),
    pbxDomain: z.string().trim().max(200).optional(),
    username: z.string().max(200).optional(),
    /** Write-only: stored encrypted, never returned. */
    password: secret.optional(),
    capacity: z.number().int().min(1).max(100_000).default(500),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.host === undefined && !LISTENING_PBX_TYPES.includes(l.pbxType)) ctx.addIssue({ code: 'custom', path: ['host'], message: 'required: the IP address or name of the PBX' });
  });
export const updateCstaLinkSchema = z
  .object({
    name: name(100),
    host,
    port,
    pbxType: createCstaLinkSchema.shape.pbxType,
    pbxDomain: z.string().trim().max(200).nullable(),
    username: z.string().max(200).nullable(),
    password: secret.nullable(),
    capacity: z.number().int().min(1).max(100_000),
    enabled: z.boolean(),
  })
  .partial()
  .strict();

export type CreateCompany = z.infer<typeof createCompanySchema>;
export type CreateDomain = z.infer<typeof createDomainSchema>;
export type UpdateDomain = z.infer<typeof updateDomainSchema>;
export type CreateUser = z.infer<typeof createUserSchema>;
export type UpdateUser = z.infer<typeof updateUserSchema>;
export type DeviceInput = z.infer<typeof deviceSchema>;
export type UpdateDevice = z.infer<typeof updateDeviceSchema>;
export type CreateCstaLink = z.infer<typeof createCstaLinkSchema>;
export type UpdateCstaLink = z.infer<typeof updateCstaLinkSchema>;
