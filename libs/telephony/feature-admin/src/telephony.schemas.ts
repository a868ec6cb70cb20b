import { isIP } from 'node:net';
import { z } from 'zod';
import { DEVICE_PROTOCOLS } from '@tws/tenancy-data-access';
import { COLLABORATION_SERVER_TYPES, MEDIA_PROTOCOLS } from '@tws/telephony-data-access';

const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** True for an IPv4/IPv6 address or a host name (labels of letters, digits, "-", "_"). */
export function isHost(s: string): boolean {
  if (isIP(s) !== 0) return true;
  // "999.1.1.1" looks like an address, not a name: refuse it rather than resolve it.
  return HOST_NAME.test(s) && !/^[0-9.]+$/.test(s);
}

/** True for an absolute http:// or https:// URL with a host. */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** An IPv4/IPv6 address or a host name (no scheme, no port). */
export const host = z.string().trim().min(1, 'must not be empty').max(253).refine(isHost, 'an IPv4 or IPv6 address or a host name');
export const port = z.number().int().min(1).max(65535);
export const httpUrl = z.string().trim().max(2000).refine(isHttpUrl, 'an http:// or https:// URL');
const secret = z.string().min(1, 'must not be empty').max(200);

/** A number made of dialable characters only: digits, "*", "#", and "+" in first place. */
export const dialableNumber = z
  .string()
  .trim()
  .max(32, 'at most 32 characters')
  .regex(/^\+?[0-9*#]+$/, 'dialable characters only: digits, "*", "#", and "+" in first place');

/** "Duplicate x" of the guide: how many consecutive numbers to create from the first one. */
const duplicate = z.number().int().min(1).max(100).default(1);

// VTI-XML links (3.3.3) -----------------------------------------------------------------------

/** `site.cluster` of an A5000 node (the guide writes both `0.0` and `0,0`); stored as `site.cluster`. */
const siteCluster = z
  .string()
  .trim()
  .regex(/^[0-9]{1,3}[.,][0-9]{1,3}$/, 'the form site.cluster, e.g. 0.0 or 1.2')
  .transform((s) => s.replace(',', '.'));

const vtiXmlFields = {
  host,
  /** 3199 for VTI-XML ("never change this value"). */
  port,
  siteCluster,
  /** Maximum number of devices supervised on the link. */
  capacity: z.number().int().min(1).max(100_000),
  /** The "Audit" value of the guide's form (5000 in its examples). */
  audit: z.number().int().min(0).max(3_600_000),
  enabled: z.boolean(),
};
export const createVtiXmlLinkSchema = z
  .object({
    ...vtiXmlFields,
    port: port.default(3199),
    siteCluster: siteCluster.default('0.0'),
    capacity: vtiXmlFields.capacity.default(500),
    audit: vtiXmlFields.audit.default(5000),
    enabled: vtiXmlFields.enabled.default(true),
  })
  .strict();
export const updateVtiXmlLinkSchema = z.object(vtiXmlFields).partial().strict();

// SIP connection (9.5.1) ----------------------------------------------------------------------

/**
 * PBX types offered for the SIP connection: the guide's PBX list (3.3.3, 4.1.2) without the desk
 * phone types (snom DEVICE, Yealink, UA CSTA ed3), which connect to the suite instead of taking
 * SIP registrations.
 */
export const SIP_PBX_TYPES = ['Alcatel 4400', 'Alcatel OXO', 'Aastra', 'Cisco', 'Cisco CME', 'Mitel', 'Siemens CSTAp3', 'snom ONE'] as const;

export const putSipLinkSchema = z
  .object({
    host,
    /** PBX port for the SIP registrations. */
    port: port.default(5060),
    pbxType: z.enum(SIP_PBX_TYPES),
  })
  .strict();

// Supervised devices: intercom group devices (9.1.2) and phone queues (9.2.2) ------------------

const supervisedDeviceFields = {
  number: dialableNumber,
  /** Lines (CCo) of the device. */
  ccoCount: z.number().int().min(0).max(99),
  protocol: z.enum(DEVICE_PROTOCOLS),
  /** `None` for a physical extension, `TWS` for a virtual device. */
  mediaProtocol: z.enum(MEDIA_PROTOCOLS),
  /** Device password, useful for the supervision: write-only, stored encrypted. */
  password: secret,
};

export const intercomDevicesSchema = z
  .object({
    ...supervisedDeviceFields,
    ccoCount: supervisedDeviceFields.ccoCount.default(3),
    mediaProtocol: supervisedDeviceFields.mediaProtocol.default('None'),
    password: supervisedDeviceFields.password.optional(),
    /** Creates `number`, `number + 1`, … `number + duplicate - 1` (all or nothing). */
    duplicate,
  })
  .strict();

export const createIntercomGroupSchema = z
  .object({
    name: name(128),
    /** May be empty: a group "from nothing" (9.1.2). */
    devices: z.array(intercomDevicesSchema).max(50).default([]),
  })
  .strict();
export const updateIntercomGroupSchema = z.object({ name: name(128) }).strict();
export const updateIntercomDeviceSchema = z
  .object({ ...supervisedDeviceFields, password: supervisedDeviceFields.password.nullable() })
  .partial()
  .strict();

export const createPhoneQueueSchema = z
  .object({
    name: name(128),
    ...supervisedDeviceFields,
    ccoCount: supervisedDeviceFields.ccoCount.default(3),
    mediaProtocol: supervisedDeviceFields.mediaProtocol.default('None'),
    password: supervisedDeviceFields.password.optional(),
  })
  .strict();
export const updatePhoneQueueSchema = z
  .object({ name: name(128), ...supervisedDeviceFields, password: supervisedDeviceFields.password.nullable() })
  .partial()
  .strict();

// SMS providers (9.1.9) -----------------------------------------------------------------------

/** The WSDL of J2S Telecom, the provider the guide names ("in general"). */
export const DEFAULT_SMS_WSDL = 'http://www.ecosms.fr/ecosms.wsdl';

export const createSmsProviderSchema = z
  .object({
    /** URL of the provider's web service description (WSDL). */
    host: httpUrl.default(DEFAULT_SMS_WSDL),
    /** The key the provider gave ("Password" in the guide): write-only, stored encrypted. */
    key: secret,
  })
  .strict();
export const updateSmsProviderSchema = z.object({ host: httpUrl, key: secret }).partial().strict();

// Collaboration servers (8.5.3, 8.6.2, 8.7.4, 8.9.6) ------------------------------------------

export const OFFICE_365_EWS_URL = 'https://outlook.office365.com/ews/Exchange.asmx';

const collaborationFields = {
  type: z.enum(COLLABORATION_SERVER_TYPES),
  /** Exchange/Exchange 2010/Office 365: the server URL; Lotus: address or name; Google Apps: a label. */
  host: z.string().trim().min(1, 'must not be empty').max(2000),
  /** 0: the protocol's default. */
  port: z.number().int().min(0).max(65535),
  /** Windows domain of the account (Exchange); the Google Apps domain (Google Apps). */
  msDomain: z.string().trim().max(253),
  username: z.string().trim().min(1, 'must not be empty').max(256),
  /** Write-only, stored encrypted (not used by Google Apps). */
  password: secret,
};
export const createCollaborationServerSchema = z
  .object({
    ...collaborationFields,
    host: collaborationFields.host.optional(),
    port: collaborationFields.port.default(0),
    msDomain: collaborationFields.msDomain.optional(),
    password: collaborationFields.password.optional(),
  })
  .strict();
export const updateCollaborationServerSchema = z
  .object({ ...collaborationFields, msDomain: collaborationFields.msDomain.nullable(), password: collaborationFields.password.nullable() })
  .partial()
  .strict();

/**
 * What a collaboration server of each type needs, checked on the whole object (after defaults, or
 * after a change merged with what is stored): one issue per wrong field.
 */
export function collaborationServerIssues(s: { type: string; host: string; msDomain: string | null }): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (s.type === 'Exchange' || s.type === 'Exchange 2010' || s.type === 'Office 365') {
    if (!isHttpUrl(s.host)) issues.push({ path: 'host', message: `an http:// or https:// URL for ${s.type} (e.g. https://server/ews/Exchange.asmx)` });
  } else if (s.type === 'Lotus') {
    if (!isHost(s.host)) issues.push({ path: 'host', message: 'the IP address or name of the Domino server' });
  } else if (s.type === 'Google Apps') {
    if (!s.msDomain) issues.push({ path: 'msDomain', message: 'the Google Apps domain name is required for Google Apps' });
  }
  return issues;
}

/** The default host of a type, when the guide gives one (Office 365's URL; Google Apps does not use it). */
export function defaultCollaborationHost(type: string): string | undefined {
  if (type === 'Office 365') return OFFICE_365_EWS_URL;
  if (type === 'Google Apps') return 'Google Apps';
  return undefined;
}

// Virtual-device resources (9.5.2) ------------------------------------------------------------

/** Applications that use virtual-device resources (9.5: Rules, Mail, VideoShare). */
export const RESOURCE_APPLICATIONS = ['rules', 'mail', 'videoshare'] as const;

export const createVirtualDeviceResourcesSchema = z
  .object({
    application: z.enum(RESOURCE_APPLICATIONS),
    /** First number of the resources to create. */
    number: dialableNumber,
    /** SIP only. */
    protocol: z.literal('SIP').default('SIP'),
    /** None only. */
    mediaProtocol: z.literal('None').default('None'),
    /** SIP registration password of every resource created: write-only, stored encrypted. */
    password: secret.default('0000'),
    duplicate,
  })
  .strict();
export const updateVirtualDeviceResourceSchema = z.object({ number: dialableNumber, password: secret }).partial().strict();
export const listVirtualDeviceResourcesQuerySchema = z.object({ application: z.enum(RESOURCE_APPLICATIONS).optional() }).strict();

export type CreateVtiXmlLink = z.infer<typeof createVtiXmlLinkSchema>;
export type UpdateVtiXmlLink = z.infer<typeof updateVtiXmlLinkSchema>;
export type PutSipLink = z.infer<typeof putSipLinkSchema>;
export type IntercomDevicesInput = z.infer<typeof intercomDevicesSchema>;
export type CreateIntercomGroup = z.infer<typeof createIntercomGroupSchema>;
export type UpdateIntercomGroup = z.infer<typeof updateIntercomGroupSchema>;
export type UpdateIntercomDevice = z.infer<typeof updateIntercomDeviceSchema>;
export type CreatePhoneQueue = z.infer<typeof createPhoneQueueSchema>;
export type UpdatePhoneQueue = z.infer<typeof updatePhoneQueueSchema>;
export type CreateSmsProvider = z.infer<typeof createSmsProviderSchema>;
export type UpdateSmsProvider = z.infer<typeof updateSmsProviderSchema>;
export type CreateCollaborationServer = z.infer<typeof createCollaborationServerSchema>;
export type UpdateCollaborationServer = z.infer<typeof updateCollaborationServerSchema>;
export type CreateVirtualDeviceResources = z.infer<typeof createVirtualDeviceResourcesSchema>;
export type UpdateVirtualDeviceResource = z.infer<typeof updateVirtualDeviceResourceSchema>;
