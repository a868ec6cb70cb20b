import type { ParameterValue, ResolvedParameterDto } from '@tws/contracts';
import {
  decodeParameterValue,
  defaultText,
  type CompanyParameterValueRow,
  type ParameterDefinition,
  type ParameterValueRow,
  type ResolvedParameter,
} from '@tws/parameters-data-access';

/** A stored value as the API shows it: typed, and never the clear or sealed text of a secret. */
export function shownValue(def: ParameterDefinition, text: string | null): { value: ParameterValue | null; valueSet?: boolean } {
  if (def.type === 'secret') return { value: null, valueSet: text !== null };
  return { value: text === null ? null : decodeParameterValue(def, text) };
}

/** A catalogue entry, with the installation default value when one is set. */
export const toDefinition = (def: ParameterDefinition, installationDefault?: ParameterValueRow) => ({
  name: def.name,
  application: def.application,
  type: def.type,
  ...(def.values ? { values: def.values } : {}),
  ...(def.min !== undefined ? { min: def.min } : {}),
  ...(def.max !== undefined ? { max: def.max } : {}),
  ...(def.pattern ? { format: def.pattern.hint } : {}),
  /** Factory default (the catalogue's), typed like every value (AuthMethods: ["TWS"]). */
  default: shownValue(def, defaultText(def)).value,
  /** The default value set for the installation, which replaces the factory default. */
  installationDefault: installationDefault ? { ...shownValue(def, installationDefault.text), updatedAt: installationDefault.updatedAt.toISOString() } : null,
  description: def.description,
  expert: def.expert,
  scopes: def.scopes,
  guide: def.guide,
  ...(def.aliases ? { aliases: def.aliases } : {}),
});

export const toValue = (def: ParameterDefinition, row: ParameterValueRow) => ({
  id: row.id,
  name: def.name,
  application: def.application,
  type: def.type,
  scope: row.scope,
  ...(row.domainId ? { domainId: row.domainId } : {}),
  ...(row.groupId ? { groupId: row.groupId } : {}),
  ...(row.userId ? { userId: row.userId } : {}),
  ...shownValue(def, row.text),
  updatedAt: row.updatedAt.toISOString(),
});

export const toCompanyValue = (def: ParameterDefinition, row: CompanyParameterValueRow) => ({
  ...toValue(def, row),
  domainName: row.domainName,
  ...(row.groupId ? { groupName: row.groupName } : {}),
  ...(row.userId ? { username: row.username } : {}),
});

/** A resolved value for the admin API (secrets: only whether one applies). */
export const toEffective = (r: ResolvedParameter) => ({
  name: r.definition.name,
  application: r.definition.application,
  type: r.definition.type,
  ...shownValue(r.definition, r.text),
  source: r.source,
  ...(r.alsoSetByGroups.length ? { alsoSetByGroups: r.alsoSetByGroups } : {}),
});

/** A resolved value for NATS: secrets travel sealed, for the services holding TWS_SECRET_KEY. */
export const toResolvedDto = (r: ResolvedParameter): ResolvedParameterDto => ({
  name: r.definition.name,
  application: r.definition.application,
  type: r.definition.type,
  value: r.definition.type === 'secret' || r.text === null ? null : decodeParameterValue(r.definition, r.text),
  ...(r.definition.type === 'secret' && r.text !== null ? { sealed: r.text } : {}),
  source: r.source,
});
