import type { ParameterScope, ParameterSource } from '@tws/contracts';
import { defaultText, type ParameterDefinition } from './parameter-types';

/** A value stored at some scope that applies to the user being resolved. */
export interface StoredParameterValue {
  /** Canonical parameter name. */
  name: string;
  scope: ParameterScope;
  /** Canonical text; sealed for a secret. */
  text: string;
  /** Group scope: which group set it. */
  groupId?: string;
  groupName?: string;
}

export interface ResolvedParameter {
  definition: ParameterDefinition;
  /** Canonical text (sealed for a secret); null when nothing is set and there is no default. */
  text: string | null;
  source: { scope: ParameterSource; groupId?: string; groupName?: string };
  /** Other groups of the user that also set the parameter and lost to the several-groups rule. */
  alsoSetByGroups: { groupId: string; groupName: string }[];
}

/**
 * The several-groups rule: when groups of the user disagree, the group whose name comes first
 * wins — names compared case-insensitively by code point (so "10-Sales" < "Boss" < "sales"
 * and the outcome never depends on the server's locale), then exactly, then by id. An
 * administrator controls the precedence by naming (e.g. a "0-" prefix), and the resolve call
 * names the winning group and the others.
 */
export function compareGroups(a: { groupId: string; groupName: string }, b: { groupId: string; groupName: string }): number {
  const la = a.groupName.toLowerCase();
  const lb = b.groupName.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  if (a.groupName !== b.groupName) return a.groupName < b.groupName ? -1 : 1;
  return a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0;
}

/**
 * Resolves each definition for one user: a value set on the user, else on one of its groups
 * (several-groups rule above), else on its domain, else the default value, else the
 * catalogue's factory default. Values at a scope the definition no longer allows are ignored.
 */
export function resolveParameters(definitions: readonly ParameterDefinition[], values: readonly StoredParameterValue[]): ResolvedParameter[] {
  const byName = new Map<string, StoredParameterValue[]>();
  for (const v of values) {
    const list = byName.get(v.name);
    if (list) list.push(v);
    else byName.set(v.name, [v]);
  }
  return definitions.map((definition) => {
    const rows = (byName.get(definition.name) ?? []).filter((r) => definition.scopes.includes(r.scope));
    const at = (scope: ParameterScope) => rows.find((r) => r.scope === scope);
    const user = at('user');
    if (user) return { definition, text: user.text, source: { scope: 'user' }, alsoSetByGroups: [] };
    const groups = rows
      .filter((r) => r.scope === 'group' && r.groupId)
      .map((r) => ({ groupId: r.groupId!, groupName: r.groupName ?? '', text: r.text }))
      .sort(compareGroups);
    const [first, ...others] = groups;
    if (first) {
      return {
        definition,
        text: first.text,
        source: { scope: 'group', groupId: first.groupId, groupName: first.groupName },
        alsoSetByGroups: others.map(({ groupId, groupName }) => ({ groupId, groupName })),
      };
    }
    const domain = at('domain');
    if (domain) return { definition, text: domain.text, source: { scope: 'domain' }, alsoSetByGroups: [] };
    const def = at('default');
    if (def) return { definition, text: def.text, source: { scope: 'default' }, alsoSetByGroups: [] };
    return { definition, text: defaultText(definition), source: { scope: 'catalogue' }, alsoSetByGroups: [] };
  });
}
