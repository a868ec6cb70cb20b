import { z } from 'zod';
import { defineContract } from './contract';

/** Configuration entities whose changes are announced, so services reload without restart. */
export const CONFIG_ENTITIES = ['company', 'domain', 'user', 'device', 'csta-link', 'admin-user', 'dialing-plan', 'parameter', 'group', 'group-member', 'authorization', 'licence', 'vtixml-link', 'sip-link', 'intercom-group', 'phone-queue', 'sms-provider', 'collaboration-server', 'virtual-device-resource', 'directory', 'contact', 'user-import'] as const;
export type ConfigEntity = (typeof CONFIG_ENTITIES)[number];

export const configChangedSchema = z.object({
  entity: z.enum(CONFIG_ENTITIES),
  id: z.string().uuid(),
  domainId: z.string().uuid().optional(),
  change: z.enum(['created', 'updated', 'deleted']),
});
export type ConfigChanged = z.infer<typeof configChangedSchema>;

export const ConfigChanges = defineContract(
  'configuration change',
  'tws.cfg.*.changed',
  (entity: ConfigEntity) => `tws.cfg.${entity}.changed`,
  configChangedSchema,
);
