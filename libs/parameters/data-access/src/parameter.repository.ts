import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PARAMETER_APPLICATIONS, type ParameterScope } from '@tws/contracts';
import { DatabaseService } from '@tws/service';
import { findParameter, PARAMETER_CATALOGUE } from './parameter-catalogue';
import { defaultText } from './parameter-types';
import type { StoredParameterValue } from './parameter-resolution';

/** Where a value is set. Group and user scopes carry their domain (tenant checks, listings). */
export type ParameterTarget =
  | { scope: 'default' }
  | { scope: 'domain'; domainId: string }
  | { scope: 'group'; domainId: string; groupId: string }
  | { scope: 'user'; domainId: string; userId: string };

export interface ParameterValueRow {
  id: string;
  name: string;
  scope: ParameterScope;
  domainId: string | null;
  groupId: string | null;
  userId: string | null;
  /** Canonical text; sealed for a secret. */
  text: string;
  updatedAt: Date;
}

export interface CompanyParameterValueRow extends ParameterValueRow {
  domainName: string;
  groupName: string | null;
  username: string | null;
}

const VALUE_COLUMNS = `v.id, v.parameter_name AS name, v.scope, v.domain_id AS "domainId", v.group_id AS "groupId", v.user_id AS "userId", v.value AS text, v.updated_at AS "updatedAt"`;

/** The rows of a target, as SQL (`v.scope = … AND <id column> = $n`) and its parameters. */
function targetWhere(t: ParameterTarget, n: number): { sql: string; args: string[] } {
  switch (t.scope) {
    case 'default':
      return { sql: `v.scope = 'default'`, args: [] };
    case 'domain':
      return { sql: `v.scope = 'domain' AND v.domain_id = $${n}`, args: [t.domainId] };
    case 'group':
      return { sql: `v.scope = 'group' AND v.group_id = $${n}`, args: [t.groupId] };
    case 'user':
      return { sql: `v.scope = 'user' AND v.user_id = $${n}`, args: [t.userId] };
  }
}

/** ON CONFLICT target of each scope (one partial unique index per scope). */
const CONFLICT: Record<ParameterScope, string> = {
  default: `(parameter_name) WHERE scope = 'default'`,
  domain: `(parameter_name, domain_id) WHERE scope = 'domain'`,
  group: `(parameter_name, group_id) WHERE scope = 'group'`,
  user: `(parameter_name, user_id) WHERE scope = 'user'`,
};

/**
 * Every query on the parameter tables (written by web-services only), plus the read-only
 * look-ups of domains, groups, users and group membership that scoping and resolution need.
 */
@Injectable()
export class ParameterRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  /**
   * Writes the catalogue of the running code into `parameter_application` and
   * `parameter_definition`: inserts new parameters, updates changed ones, marks the ones the
   * code no longer has as retired. Idempotent; concurrent instances serialize on a lock.
   */
  async syncCatalogue(): Promise<{ inserted: number; updated: number }> {
    const apps = PARAMETER_APPLICATIONS.map((a, i) => ({ code: a.code, label: a.label, position: i }));
    const defs = PARAMETER_CATALOGUE.map((d, i) => ({
      name: d.name,
      application_code: d.application,
      type: d.type,
      options: {
        ...(d.values ? { values: d.values } : {}),
        ...(d.min !== undefined ? { min: d.min } : {}),
        ...(d.max !== undefined ? { max: d.max } : {}),
        ...(d.pattern ? { pattern: d.pattern.regex.source, patternHint: d.pattern.hint } : {}),
        ...(d.aliases ? { aliases: d.aliases } : {}),
      },
      default_value: defaultText(d),
      description: d.description,
      expert: d.expert,
      scopes: d.scopes,
      guide_ref: d.guide,
      position: i,
    }));
    return this.ds.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tws:parameter-catalogue'))`);
      await tx.query(
        `INSERT INTO parameter_application (code, label, position)
         SELECT code, label, position FROM jsonb_to_recordset($1::jsonb) AS x(code text, label text, position int)
         ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, position = EXCLUDED.position
         WHERE (parameter_application.label, parameter_application.position) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.position)`,
        [JSON.stringify(apps)],
      );
      const rows: { inserted: boolean }[] = await tx.query(
        `INSERT INTO parameter_definition AS p (name, application_code, type, options, default_value, description, expert, scopes, guide_ref, position, retired)
         SELECT name, application_code, type, options, default_value, description, expert, scopes, guide_ref, position, false
         FROM jsonb_to_recordset($1::jsonb) AS x(name text, application_code text, type text, options jsonb, default_value text,
                                                 description text, expert boolean, scopes text[], guide_ref text, position int)
         ON CONFLICT (name) DO UPDATE SET application_code = EXCLUDED.application_code, type = EXCLUDED.type, options = EXCLUDED.options,
           default_value = EXCLUDED.default_value, description = EXCLUDED.description, expert = EXCLUDED.expert, scopes = EXCLUDED.scopes,
           guide_ref = EXCLUDED.guide_ref, position = EXCLUDED.position, retired = false
         WHERE (p.application_code, p.type, p.options, p.default_value, p.description, p.expert, p.scopes, p.guide_ref, p.position, p.retired)
           IS DISTINCT FROM (EXCLUDED.application_code, EXCLUDED.type, EXCLUDED.options, EXCLUDED.default_value, EXCLUDED.description,
                             EXCLUDED.expert, EXCLUDED.scopes, EXCLUDED.guide_ref, EXCLUDED.position, false)
         RETURNING (xmax = 0) AS inserted`,
        [JSON.stringify(defs)],
      );
      await tx.query(`UPDATE parameter_definition SET retired = true WHERE NOT retired AND NOT (name = ANY($1::text[]))`, [defs.map((d) => d.name)]);
      const inserted = rows.filter((r) => r.inserted).length;
      return { inserted, updated: rows.length - inserted };
    });
  }

  /** Names of the catalogue as stored (for checks and other readers). */
  async storedDefinitionNames(): Promise<string[]> {
    const r: { name: string }[] = await this.ds.query(`SELECT name FROM parameter_definition WHERE NOT retired ORDER BY position`);
    return r.map((x) => x.name);
  }

  // scoping look-ups (read-only on the tenancy and group tables)
  async groupInDomain(domainId: string, groupId: string): Promise<{ id: string; name: string } | undefined> {
    const r: { id: string; name: string }[] = await this.ds.query('SELECT id, name FROM tws_group WHERE id = $1 AND domain_id = $2', [groupId, domainId]);
    return r[0];
  }
  async userInDomain(domainId: string, userId: string): Promise<{ id: string; username: string } | undefined> {
    const r: { id: string; username: string }[] = await this.ds.query('SELECT id, username FROM tws_user WHERE id = $1 AND domain_id = $2', [userId, domainId]);
    return r[0];
  }
  /** The user's domain, or undefined when there is no such user. */
  async domainOfUser(userId: string): Promise<string | undefined> {
    const r: { domain_id: string }[] = await this.ds.query('SELECT domain_id FROM tws_user WHERE id = $1', [userId]);
    return r[0]?.domain_id;
  }

  // values
  async findValue(name: string, target: ParameterTarget): Promise<ParameterValueRow | undefined> {
    const w = targetWhere(target, 2);
    const r: ParameterValueRow[] = await this.ds.query(`SELECT ${VALUE_COLUMNS} FROM parameter_value v WHERE v.parameter_name = $1 AND ${w.sql}`, [name, ...w.args]);
    return r[0];
  }

  /** A system parameter's text: the installation's value, else the catalogue's default. */
  async installationValue(name: string): Promise<string | undefined> {
    const set = await this.findValue(name, { scope: 'default' });
    if (set) return set.text;
    const def = findParameter(name);
    return (def && defaultText(def)) ?? undefined;
  }

  /** Sets (creates or replaces) the value at a target; returns the row before and after. */
  async setValue(name: string, target: ParameterTarget, text: string): Promise<{ before?: ParameterValueRow; after: ParameterValueRow }> {
    return this.ds.transaction(async (tx) => {
      const before = await this.lockedValue(tx, name, target);
      const ids = {
        domainId: target.scope === 'default' ? null : target.domainId,
        groupId: target.scope === 'group' ? target.groupId : null,
        userId: target.scope === 'user' ? target.userId : null,
      };
      const r: ParameterValueRow[] = await tx.query(
        `INSERT INTO parameter_value AS v (parameter_name, scope, domain_id, group_id, user_id, value)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ${CONFLICT[target.scope]} DO UPDATE SET value = EXCLUDED.value, updated_at = now()
         RETURNING ${VALUE_COLUMNS}`,
        [name, target.scope, ids.domainId, ids.groupId, ids.userId, text],
      );
      return { before, after: r[0]! };
    });
  }

  /** Removes the value at a target (the next scope up applies again); the removed row, if any. */
  async deleteValue(name: string, target: ParameterTarget): Promise<ParameterValueRow | undefined> {
    const w = targetWhere(target, 2);
    const r: [ParameterValueRow[], number] = await this.ds.query(
      `DELETE FROM parameter_value v WHERE v.parameter_name = $1 AND ${w.sql} RETURNING ${VALUE_COLUMNS}`,
      [name, ...w.args],
    );
    return r[0][0];
  }

  private async lockedValue(tx: EntityManager, name: string, target: ParameterTarget): Promise<ParameterValueRow | undefined> {
    const w = targetWhere(target, 2);
    const r: ParameterValueRow[] = await tx.query(`SELECT ${VALUE_COLUMNS} FROM parameter_value v WHERE v.parameter_name = $1 AND ${w.sql} FOR UPDATE`, [name, ...w.args]);
    return r[0];
  }

  /** Values set exactly at one target (not inherited), in catalogue order. */
  async listValues(target: ParameterTarget): Promise<ParameterValueRow[]> {
    const w = targetWhere(target, 1);
    return this.ds.query(
      `SELECT ${VALUE_COLUMNS} FROM parameter_value v LEFT JOIN parameter_definition p ON p.name = v.parameter_name
       WHERE ${w.sql} ORDER BY p.position, v.parameter_name`,
      w.args,
    );
  }

  /** Every value of one parameter set in a company (its domains, groups and users), for the per-parameter view. */
  async listCompanyValues(companyId: string, name: string): Promise<CompanyParameterValueRow[]> {
    return this.ds.query(
      `SELECT ${VALUE_COLUMNS}, d.name AS "domainName", g.name AS "groupName", u.username
       FROM parameter_value v
       JOIN domain d ON d.id = v.domain_id
       LEFT JOIN tws_group g ON g.id = v.group_id
       LEFT JOIN tws_user u ON u.id = v.user_id
       WHERE d.company_id = $1 AND v.parameter_name = $2
       ORDER BY CASE v.scope WHEN 'domain' THEN 0 WHEN 'group' THEN 1 ELSE 2 END, lower(d.name), lower(coalesce(g.name, u.username, ''))`,
      [companyId, name],
    );
  }

  /**
   * Every stored value that applies to a user: the defaults, its domain's, its groups' (with
   * the group names, for the several-groups rule) and its own. One indexed query on scope_id.
   */
  async valuesForUser(userId: string, domainId: string): Promise<StoredParameterValue[]> {
    const rows: { name: string; scope: ParameterScope; text: string; groupId: string | null; groupName: string | null }[] = await this.ds.query(
      `SELECT v.parameter_name AS name, v.scope, v.value AS text, v.group_id AS "groupId", g.name AS "groupName"
       FROM parameter_value v
       LEFT JOIN tws_group g ON g.id = v.group_id
       WHERE v.scope = 'default'
          OR v.scope_id = ANY(ARRAY[$1::uuid, $2::uuid] || ARRAY(SELECT m.group_id FROM group_member m WHERE m.user_id = $1))`,
      [userId, domainId],
    );
    return rows.map((r) => ({ name: r.name, scope: r.scope, text: r.text, ...(r.groupId ? { groupId: r.groupId, groupName: r.groupName ?? '' } : {}) }));
  }
}
