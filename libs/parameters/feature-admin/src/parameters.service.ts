import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@tws/crypto';
import { PARAMETER_APPLICATIONS, type ParameterScope } from '@tws/contracts';
import { ApiError, badRequest, notFound, TWS_CONFIG } from '@tws/service';
import { AdminChanges, assertCompanyAccess, TenantScopeRepository, type AdminPrincipal } from '@tws/identity-data-access';
import {
  catalogueParameters,
  decodeParameterValue,
  findParameter,
  parseParameterValue,
  ParameterRepository,
  type ParameterDefinition,
  type ParameterTarget,
  type ParameterValueRow,
} from '@tws/parameters-data-access';
import { ParameterResolver } from './parameter-resolver.service';
import { toCompanyValue, toDefinition, toEffective, toValue } from './parameters.mappers';
import type { ExpertQuery, ListQuery, SetValue } from './parameters.schemas';

const SCOPE_WORDS: Record<ParameterScope, string> = { default: 'as the default value', domain: 'on a domain', group: 'on a group', user: 'on a user' };

/**
 * Application parameters (guide *Applications / Applications parameters*): the catalogue,
 * values at default (installation-wide, super users), domain, group and user scope, and what
 * applies to a user. Objects of a company the administrator may not manage are not found;
 * every change is validated against the parameter's type, audited (secrets masked), announced
 * on NATS, and empties the resolution cache.
 */
@Injectable()
export class ParametersService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly repo: ParameterRepository,
    private readonly resolver: ParameterResolver,
    private readonly changes: AdminChanges,
    private readonly scope: TenantScopeRepository,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  // catalogue
  applications(q: ExpertQuery) {
    return PARAMETER_APPLICATIONS.map((a) => ({ code: a.code, label: a.label, parameters: catalogueParameters({ application: a.code, expert: q.expert }).length }));
  }

  async definitions(application: string, q: ExpertQuery) {
    const app = PARAMETER_APPLICATIONS.find((a) => a.code === application);
    if (!app) throw notFound(`application ${application} (one of ${PARAMETER_APPLICATIONS.map((a) => a.code).join(', ')})`);
    const defaults = await this.defaultsByName();
    return catalogueParameters({ application: app.code, expert: q.expert }).map((d) => toDefinition(d, defaults.get(d.name)));
  }

  async definition(name: string) {
    const def = this.parameter(name);
    return toDefinition(def, await this.repo.findValue(def.name, { scope: 'default' }));
  }

  private async defaultsByName() {
    return new Map((await this.repo.listValues({ scope: 'default' })).map((r) => [r.name, r]));
  }

  private parameter(name: string): ParameterDefinition {
    const def = findParameter(name);
    if (!def) throw notFound(`parameter ${name}`);
    return def;
  }

  // values
  /**
   * Checks that the administrator may change values at the target (the installation default
   * is a super-user setting, shared by every company); returns the company concerned.
   */
  private async checkTarget(admin: AdminPrincipal, t: ParameterTarget, write: boolean): Promise<string | null> {
    if (t.scope === 'default') {
      if (write && !admin.superUser) {
        throw new ApiError(403, 'forbidden', 'only a super user changes installation-wide default values; set the value on your domains instead');
      }
      return null;
    }
    const companyId = await this.changes.companyOf(admin, t.domainId);
    if (t.scope === 'group' && !(await this.repo.groupInDomain(t.domainId, t.groupId))) throw notFound(`group ${t.groupId} in domain ${t.domainId}`);
    if (t.scope === 'user' && !(await this.repo.userInDomain(t.domainId, t.userId))) throw notFound(`user ${t.userId} in domain ${t.domainId}`);
    return companyId;
  }

  async setValue(admin: AdminPrincipal, target: ParameterTarget, name: string, input: SetValue) {
    const companyId = await this.checkTarget(admin, target, true);
    const def = this.parameter(name);
    if (!def.scopes.includes(target.scope)) {
      const where = def.scopes.map((s) => SCOPE_WORDS[s]).join(' or ');
      const message = `${def.name} cannot be set ${SCOPE_WORDS[target.scope]}: it is set ${where} only`;
      throw badRequest(message, [{ path: 'value', parameter: def.name, message }]);
    }
    const parsed = parseParameterValue(def, input.value);
    if (!parsed.ok) throw badRequest(`${def.name}: ${parsed.reason}`, [{ path: 'value', parameter: def.name, message: parsed.reason }]);
    const text = def.type === 'secret' ? this.secrets.seal(parsed.text) : parsed.text;
    const { before, after } = await this.repo.setValue(def.name, target, text);
    this.resolver.invalidate();
    await this.changes.recorded(
      admin,
      {
        companyId,
        action: before ? 'update' : 'create',
        entity: 'parameter',
        entityId: after.id,
        ...(before ? { before: this.auditView(def, before) } : {}),
        after: this.auditView(def, after),
      },
      after.domainId ?? undefined,
    );
    return toValue(def, after);
  }

  async clearValue(admin: AdminPrincipal, target: ParameterTarget, name: string): Promise<void> {
    const companyId = await this.checkTarget(admin, target, true);
    const def = this.parameter(name);
    const removed = await this.repo.deleteValue(def.name, target);
    if (!removed) throw notFound(`value of ${def.name} set ${SCOPE_WORDS[target.scope]} here`);
    this.resolver.invalidate();
    await this.changes.recorded(
      admin,
      { companyId, action: 'delete', entity: 'parameter', entityId: removed.id, before: this.auditView(def, removed) },
      removed.domainId ?? undefined,
    );
  }

  /** Values set exactly on this domain, group or user (not inherited). */
  async listValues(admin: AdminPrincipal, target: ParameterTarget, q: ListQuery) {
    await this.checkTarget(admin, target, false);
    const out = [];
    for (const row of await this.repo.listValues(target)) {
      const def = findParameter(row.name);
      if (!def || (q.application && def.application !== q.application) || (def.expert && !q.expert)) continue;
      out.push(toValue(def, row));
    }
    return out;
  }

  /** Where one parameter is set in a company: its domains, groups and users. */
  async companyValues(admin: AdminPrincipal, companyId: string, name: string) {
    if (!(await this.scope.companyExists(companyId))) throw notFound(`company ${companyId}`);
    assertCompanyAccess(admin, companyId, `company ${companyId}`);
    const def = this.parameter(name);
    return (await this.repo.listCompanyValues(companyId, def.name)).map((r) => toCompanyValue(def, r));
  }

  /** What applies to a user, parameter by parameter, and where it comes from. */
  async effective(admin: AdminPrincipal, domainId: string, userId: string, q: ListQuery) {
    await this.checkTarget(admin, { scope: 'user', domainId, userId }, false);
    const { byName } = await this.resolver.forUser(userId);
    return [...byName.values()]
      .filter((r) => (!q.application || r.definition.application === q.application) && (q.expert || !r.definition.expert))
      .map(toEffective);
  }

  async effectiveOne(admin: AdminPrincipal, domainId: string, userId: string, name: string) {
    await this.checkTarget(admin, { scope: 'user', domainId, userId }, false);
    const def = this.parameter(name);
    return toEffective((await this.resolver.forUser(userId)).byName.get(def.name)!);
  }

  /** Audit before/after: typed value, secrets as "***" (the audit's own masking works on keys). */
  private auditView(def: ParameterDefinition, row: ParameterValueRow) {
    return {
      parameter: def.name,
      scope: row.scope,
      ...(row.domainId ? { domainId: row.domainId } : {}),
      ...(row.groupId ? { groupId: row.groupId } : {}),
      ...(row.userId ? { userId: row.userId } : {}),
      value: def.type === 'secret' ? '***' : decodeParameterValue(def, row.text),
    };
  }

}
