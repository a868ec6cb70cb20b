import { z } from 'zod';
import { defineRequest, replyEnvelope } from './contract';

/**
 * Applications of the guide's *Applications / Applications parameters* menu (6.1, 9.1, 9.2.1,
 * 9.6.2, 9.7.2, 10.2), in the menu's order. The code is what the API and NATS use.
 */
export const PARAMETER_APPLICATIONS = [
  { code: 'system', label: 'System settings' },
  { code: 'server', label: 'TWS Server' },
  { code: 'caller', label: 'TWS Caller' },
  { code: 'alerter', label: 'TWS Alerter' },
  { code: 'rules', label: 'TWS Rules' },
  { code: 'mediaserver', label: 'TWS MediaServer' },
] as const;
export type ParameterApplicationCode = (typeof PARAMETER_APPLICATIONS)[number]['code'];
export const PARAMETER_APPLICATION_CODES = PARAMETER_APPLICATIONS.map((a) => a.code) as [ParameterApplicationCode, ...ParameterApplicationCode[]];

/**
 * Value types. `list` is several values separated by "|" in the guide (AuthMethods
 * "TWS|WindowsSecurity"), carried as an array; `time` is "HH:MM"; `secret` is write-only.
 */
export const PARAMETER_TYPES = ['string', 'integer', 'boolean', 'enum', 'time', 'url', 'secret', 'list'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Where a value can be set; resolution for a user is user > group > domain > default. */
export const PARAMETER_SCOPES = ['default', 'domain', 'group', 'user'] as const;
export type ParameterScope = (typeof PARAMETER_SCOPES)[number];

/** Where a resolved value came from: a scope, or the catalogue (factory default) when nothing is set. */
export const PARAMETER_SOURCES = ['user', 'group', 'domain', 'default', 'catalogue'] as const;
export type ParameterSource = (typeof PARAMETER_SOURCES)[number];

export const parameterValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export type ParameterValue = z.infer<typeof parameterValueSchema>;

export const resolveParametersRequestSchema = z
  .object({
    userId: z.string().uuid(),
    /** Only these parameters (names as the guide spells them); all of them when absent. */
    names: z.array(z.string().min(1).max(100)).min(1).max(500).optional(),
    /** Only the parameters of this application. */
    application: z.enum(PARAMETER_APPLICATION_CODES).optional(),
  })
  .strict();
export type ResolveParametersRequest = z.infer<typeof resolveParametersRequestSchema>;

export const resolvedParameterSchema = z.object({
  name: z.string(),
  application: z.enum(PARAMETER_APPLICATION_CODES),
  type: z.enum(PARAMETER_TYPES),
  /** Typed value; always null for a secret (see `sealed`) and for an unset secret. */
  value: parameterValueSchema.nullable(),
  /**
   * Secrets only: the value sealed with TWS_SECRET_KEY (`@tws/crypto` SecretBox), for the
   * services that hold the key; the clear value never travels.
   */
  sealed: z.string().optional(),
  source: z.object({
    scope: z.enum(PARAMETER_SOURCES),
    groupId: z.string().uuid().optional(),
    groupName: z.string().optional(),
  }),
});
export type ResolvedParameterDto = z.infer<typeof resolvedParameterSchema>;

export const resolvedParametersSchema = z.object({
  userId: z.string().uuid(),
  domainId: z.string().uuid(),
  parameters: z.array(resolvedParameterSchema),
});
export type ResolvedParameters = z.infer<typeof resolvedParametersSchema>;

/**
 * "Value of these parameters for user U" — answered by web-services (queue group
 * `web-services`) from a cache invalidated by configuration changes. Unknown user: `not_found`;
 * unknown parameter name: `bad_request`.
 */
export const ResolveParameters = defineRequest(
  'parameter resolution request',
  'tws.params.resolve',
  () => 'tws.params.resolve',
  resolveParametersRequestSchema,
  replyEnvelope(resolvedParametersSchema),
);
