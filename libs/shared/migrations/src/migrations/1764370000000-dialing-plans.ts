import type { MigrationInterface, QueryRunner } from 'typeorm';
import { standardRules } from '@tws/dialing-plan';

/** Dialing plans (guide chapter 5): settings and rules per domain; existing domains get the standard ones. */
export class DialingPlans1764370000000 implements MigrationInterface {
  name = 'DialingPlans1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dialing_plan (
        domain_id uuid PRIMARY KEY REFERENCES domain (id) ON DELETE CASCADE,
        international_prefix text NOT NULL,
        local_country_prefix text NOT NULL,
        external_prefix text NOT NULL,
        national_prefix text NOT NULL DEFAULT '0',
        add_prefix text NOT NULL DEFAULT '',
        remove_prefix text NOT NULL DEFAULT '',
        internal_length int NOT NULL CHECK (internal_length BETWEEN 1 AND 20),
        internal_reverse_length int NOT NULL CHECK (internal_reverse_length BETWEEN 1 AND 20),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE dialing_rule (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES dialing_plan (domain_id) ON DELETE CASCADE,
        priority int NOT NULL,
        name text NOT NULL DEFAULT '',
        pattern text NOT NULL,
        value text NOT NULL,
        UNIQUE (domain_id, priority)
      );
    `);
    const domains: { id: string; numbering_length: number }[] = await q.query('SELECT id, numbering_length FROM domain');
    for (const d of domains) {
      const settings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: d.numbering_length };
      await q.query(
        `INSERT INTO dialing_plan (domain_id, international_prefix, local_country_prefix, external_prefix, internal_length, internal_reverse_length)
         VALUES ($1, '00', '33', '0', $2, $2)`,
        [d.id, d.numbering_length],
      );
      for (const r of standardRules(settings)) {
        await q.query('INSERT INTO dialing_rule (domain_id, priority, name, pattern, value) VALUES ($1, $2, $3, $4, $5)', [d.id, r.priority, r.name ?? '', r.pattern, r.value]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dialing_rule, dialing_plan');
  }
}
