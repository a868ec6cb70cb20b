import { Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@tws/logging';
import { DatabaseService } from '@tws/service';
import type { AdminPrincipal } from './admin-principal';

export interface AuditEntry {
  companyId?: string | null;
  action: 'create' | 'update' | 'delete' | 'login' | 'password-change';
  entity: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEYS = /password|secret|token|key/i;

/** Replaces every secret-looking field by "***" before it is stored. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && v !== null && typeof v !== 'boolean' ? '***' : maskSecrets(v)]));
  }
  return value;
}

/** Who changed what, when, before/after (secrets masked). */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: DatabaseService) {}

  async record(admin: Pick<AdminPrincipal, 'id' | 'username'>, e: AuditEntry): Promise<void> {
    await this.db.dataSource.query(
      `INSERT INTO audit_log (admin_user_id, admin_username, company_id, action, entity, entity_id, before, after, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        admin.id,
        admin.username,
        e.companyId ?? null,
        e.action,
        e.entity,
        e.entityId ?? null,
        e.before === undefined ? null : JSON.stringify(maskSecrets(e.before)),
        e.after === undefined ? null : JSON.stringify(maskSecrets(e.after)),
        currentCorrelationId() ?? null,
      ],
    );
  }

  /** Entries visible to an administrator: its companies' (and, for a super user, global ones). */
  async list(admin: AdminPrincipal, opts: { limit: number; companyId?: string }) {
    const rows = await this.db.dataSource.query(
      `SELECT id, at, admin_username AS "adminUsername", company_id AS "companyId", action, entity, entity_id AS "entityId", before, after
       FROM audit_log
       WHERE ($1::boolean OR company_id = ANY($2::uuid[])) AND ($3::uuid IS NULL OR company_id = $3)
       ORDER BY id DESC LIMIT $4`,
      [admin.superUser, admin.companyIds, opts.companyId ?? null, opts.limit],
    );
    return rows as { id: string; at: Date; adminUsername: string; companyId: string | null; action: string; entity: string; entityId: string | null; before: unknown; after: unknown }[];
  }
}
