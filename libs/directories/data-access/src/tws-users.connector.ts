import { Injectable } from '@nestjs/common';
import type { ConnectorSource, DirectoryConnector, FieldMappingInput, ReadOptions, SourceRecord } from '@tws/directories-mapping';
import { ConnectorError } from '@tws/directories-mapping';
import { DatabaseService } from '@tws/service';

/** The fields a TWS users directory can map: columns of the users and their first device. */
export const TWS_USER_SOURCE_FIELDS = [
  'id',
  'username',
  'lastname',
  'firstname',
  'email',
  'gsm',
  'number',
  'culture',
  ...Array.from({ length: 10 }, (_, i) => `private${i}`),
] as const;

/** The mapping a new TWS users directory starts with. */
export const TWS_USERS_DEFAULT_MAPPING: FieldMappingInput = {
  id: 'id',
  lastName: 'lastname',
  firstName: 'firstname',
  professionalPhone: 'number',
  gsmPhone: 'gsm',
  mail1: 'email',
};

const PAGE = 1000;

interface UserRow {
  id: string;
  username: string;
  last_name: string;
  first_name: string;
  email: string | null;
  gsm: string | null;
  culture: string;
  private_fields: Record<string, string>;
  number: string | null;
}

/**
 * The "TWS users" server type (8.1): the enabled users of the directory's domain with their first
 * device, read page by page (keyset on the id). Reads the tenancy tables without writing them.
 */
@Injectable()
export class TwsUsersConnector implements DirectoryConnector<Record<string, never>> {
  readonly serverType = 'tws-users';

  constructor(private readonly db: DatabaseService) {}

  async *read(source: ConnectorSource<Record<string, never>>, opts: ReadOptions): AsyncGenerator<SourceRecord[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      if (opts.signal.aborted) throw new ConnectorError('cancelled', 'cancelled');
      let rows: UserRow[];
      try {
        rows = await this.db.dataSource.query(
          `SELECT u.id, u.username, u.last_name, u.first_name, u.email, u.gsm, u.culture, u.private_fields,
                  (SELECT d.number FROM device d WHERE d.user_id = u.id ORDER BY d.created_at, d.number LIMIT 1) AS number
           FROM tws_user u WHERE u.domain_id = $1 AND u.enabled AND u.id > $2 ORDER BY u.id LIMIT $3`,
          [source.domainId, after, PAGE],
        );
      } catch (e) {
        throw new ConnectorError('interrupted', `cannot read the users of the domain: ${(e as Error).message}`, { cause: e });
      }
      if (rows.length === 0) return;
      yield rows.map((u) => {
        const values = new Map<string, string[]>();
        const set = (k: string, v: string | null | undefined) => {
          if (v) values.set(k, [v]);
        };
        set('id', u.id);
        set('username', u.username);
        set('lastname', u.last_name);
        set('firstname', u.first_name);
        set('email', u.email);
        set('gsm', u.gsm);
        set('number', u.number);
        set('culture', u.culture);
        for (const [k, v] of Object.entries(u.private_fields ?? {})) set(`private${k}`, v);
        return { ref: `user ${u.username}`, values, stableId: u.id };
      });
      after = rows[rows.length - 1]!.id;
      if (rows.length < PAGE) return;
    }
  }
}
