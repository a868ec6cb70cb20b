import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Telephony objects of a domain: VTI-XML links (3.3.3), the SIP connection (9.5.1), intercom
 * groups and their devices (9.1.2), phone queues (9.2.2), SMS providers (9.1.9), collaboration
 * (calendar) servers (8.5.3, 8.6.2, 8.7.4, 8.9.6) and virtual-device resources (9.5.2).
 *
 * Numbers: a number held by a user's device, an intercom group device, a phone queue or a
 * virtual-device resource is unique across all of them in its domain. `domain_number` holds one
 * row per number in use (primary key = domain + number), kept by triggers on the four tables, so
 * the rule holds whoever writes (the users API included) and under concurrency: the second
 * writer gets a unique_violation (SQLSTATE 23505, answered 409) naming the current holder.
 */
export class TelephonyObjects1764360000000 implements MigrationInterface {
  name = 'TelephonyObjects1764360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE domain_number (
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        number text NOT NULL,
        owner_type text NOT NULL CHECK (owner_type IN ('device', 'intercom-group-device', 'phone-queue', 'virtual-device-resource')),
        owner_id uuid NOT NULL,
        PRIMARY KEY (domain_id, number)
      );
      CREATE INDEX domain_number_owner_idx ON domain_number (owner_id);

      -- Row trigger of the tables holding numbers; TG_ARGV[0] is the owner type.
      CREATE FUNCTION tws_domain_number_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        holder text;
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          DELETE FROM domain_number WHERE domain_id = OLD.domain_id AND number = OLD.number AND owner_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO domain_number (domain_id, number, owner_type, owner_id)
            VALUES (NEW.domain_id, NEW.number, TG_ARGV[0], NEW.id)
            ON CONFLICT (domain_id, number) DO NOTHING;
          IF NOT FOUND THEN
            SELECT CASE owner_type
                     WHEN 'device' THEN 'a user''s device'
                     WHEN 'intercom-group-device' THEN 'an intercom group device'
                     WHEN 'phone-queue' THEN 'a phone queue'
                     ELSE 'a virtual-device resource' END
              INTO holder FROM domain_number WHERE domain_id = NEW.domain_id AND number = NEW.number;
            RAISE EXCEPTION 'number % is already used in this domain', NEW.number
              USING ERRCODE = 'unique_violation', CONSTRAINT = 'domain_number_pkey',
                    DETAIL = format('number %s is already used in this domain by %s', NEW.number, coalesce(holder, 'another object'));
          END IF;
        END IF;
        RETURN NULL;
      END
      $fn$;

      INSERT INTO domain_number (domain_id, number, owner_type, owner_id) SELECT domain_id, number, 'device', id FROM device;
      CREATE TRIGGER device_number_ins_del AFTER INSERT OR DELETE ON device
        FOR EACH ROW EXECUTE FUNCTION tws_domain_number_sync('device');
      CREATE TRIGGER device_number_upd AFTER UPDATE OF number, domain_id ON device
        FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.domain_id IS DISTINCT FROM NEW.domain_id)
        EXECUTE FUNCTION tws_domain_number_sync('device');

      CREATE TABLE vtixml_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        host text NOT NULL,
        port int NOT NULL DEFAULT 3199 CHECK (port BETWEEN 1 AND 65535),
        site_cluster text NOT NULL DEFAULT '0.0' CHECK (site_cluster ~ '^[0-9]{1,3}\\.[0-9]{1,3}$'),
        capacity int NOT NULL DEFAULT 500 CHECK (capacity BETWEEN 1 AND 100000),
        audit int NOT NULL DEFAULT 5000 CHECK (audit BETWEEN 0 AND 3600000),
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX vtixml_link_endpoint_key ON vtixml_link (domain_id, lower(host), port);

      -- One SIP connection per domain (9.5.1: "to configure a second SIP connection ... a new domain").
      CREATE TABLE sip_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL UNIQUE REFERENCES domain (id) ON DELETE CASCADE,
        host text NOT NULL,
        port int NOT NULL DEFAULT 5060 CHECK (port BETWEEN 1 AND 65535),
        pbx_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE intercom_group (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX intercom_group_domain_name_key ON intercom_group (domain_id, lower(name));

      CREATE TABLE intercom_group_device (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES intercom_group (id) ON DELETE CASCADE,
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        number text NOT NULL CHECK (number ~ '^\\+?[0-9*#]+$' AND length(number) <= 32),
        cco_count int NOT NULL DEFAULT 3 CHECK (cco_count BETWEEN 0 AND 99),
        protocol text NOT NULL CHECK (protocol IN ('CSTA', 'VTI-XML', 'SIP')),
        media_protocol text NOT NULL DEFAULT 'None' CHECK (media_protocol IN ('None', 'TWS')),
        password_sealed text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX intercom_group_device_group_idx ON intercom_group_device (group_id);
      CREATE TRIGGER intercom_group_device_number_ins_del AFTER INSERT OR DELETE ON intercom_group_device
        FOR EACH ROW EXECUTE FUNCTION tws_domain_number_sync('intercom-group-device');
      CREATE TRIGGER intercom_group_device_number_upd AFTER UPDATE OF number, domain_id ON intercom_group_device
        FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.domain_id IS DISTINCT FROM NEW.domain_id)
        EXECUTE FUNCTION tws_domain_number_sync('intercom-group-device');

      CREATE TABLE phone_queue (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
        number text NOT NULL CHECK (number ~ '^\\+?[0-9*#]+$' AND length(number) <= 32),
        cco_count int NOT NULL DEFAULT 3 CHECK (cco_count BETWEEN 0 AND 99),
        protocol text NOT NULL CHECK (protocol IN ('CSTA', 'VTI-XML', 'SIP')),
        media_protocol text NOT NULL DEFAULT 'None' CHECK (media_protocol IN ('None', 'TWS')),
        password_sealed text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX phone_queue_domain_name_key ON phone_queue (domain_id, lower(name));
      CREATE TRIGGER phone_queue_number_ins_del AFTER INSERT OR DELETE ON phone_queue
        FOR EACH ROW EXECUTE FUNCTION tws_domain_number_sync('phone-queue');
      CREATE TRIGGER phone_queue_number_upd AFTER UPDATE OF number, domain_id ON phone_queue
        FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.domain_id IS DISTINCT FROM NEW.domain_id)
        EXECUTE FUNCTION tws_domain_number_sync('phone-queue');

      CREATE TABLE sms_provider (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        host text NOT NULL CHECK (host ~* '^https?://'),
        key_sealed text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sms_provider_domain_idx ON sms_provider (domain_id);

      CREATE TABLE collaboration_server (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('Exchange', 'Exchange 2010', 'Office 365', 'Lotus', 'Google Apps')),
        host text NOT NULL,
        port int NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),
        ms_domain text,
        username text NOT NULL,
        password_sealed text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX collaboration_server_domain_idx ON collaboration_server (domain_id);

      -- SIP only, media None (9.5.2): protocol and media protocol are not stored.
      CREATE TABLE virtual_device_resource (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        application text NOT NULL,
        number text NOT NULL CHECK (number ~ '^\\+?[0-9*#]+$' AND length(number) <= 32),
        password_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX virtual_device_resource_domain_idx ON virtual_device_resource (domain_id, application);
      CREATE TRIGGER virtual_device_resource_number_ins_del AFTER INSERT OR DELETE ON virtual_device_resource
        FOR EACH ROW EXECUTE FUNCTION tws_domain_number_sync('virtual-device-resource');
      CREATE TRIGGER virtual_device_resource_number_upd AFTER UPDATE OF number, domain_id ON virtual_device_resource
        FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.domain_id IS DISTINCT FROM NEW.domain_id)
        EXECUTE FUNCTION tws_domain_number_sync('virtual-device-resource');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER device_number_ins_del ON device;
      DROP TRIGGER device_number_upd ON device;
      DROP TABLE virtual_device_resource, collaboration_server, sms_provider, phone_queue, intercom_group_device,
        intercom_group, sip_link, vtixml_link, domain_number;
      DROP FUNCTION tws_domain_number_sync();
    `);
  }
}
