import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DirectoryServerType, DirectorySyncMode, DirectoryType, PhoneKind } from '@tws/contracts';
import type { FieldMappingInput, StoredField } from '@tws/directories-mapping';

/** A directory of a domain (guide 8.1): its connector, field mapping and synchronization. */
@Entity({ name: 'directory' })
export class DirectoryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') name!: string;
  @Column('text') type!: DirectoryType;
  /** Lowest wins for caller identity. */
  @Column('int') priority!: number;
  @Column('text', { name: 'server_type' }) serverType!: DirectoryServerType;
  /** Connector settings, secrets excepted (validated by the connector's schema at save time). */
  @Column('jsonb') connector!: Record<string, unknown>;
  /** AES-GCM sealed with TWS_SECRET_KEY; never returned by an API. */
  @Column('text', { name: 'password_sealed', nullable: true }) passwordSealed!: string | null;
  /** As the administrator wrote it; compiled (and checked) at save time. */
  @Column('jsonb', { name: 'field_mapping' }) fieldMapping!: FieldMappingInput;
  @Column('text', { name: 'sync_mode' }) syncMode!: DirectorySyncMode;
  @Column('int', { name: 'sync_every', nullable: true }) syncEvery!: number | null;
  @Column('text', { name: 'sync_unit', nullable: true }) syncUnit!: 'minutes' | 'hours' | null;
  @Column('boolean') merge!: boolean;
  /** End of the last successful synchronization. */
  @Column('timestamptz', { name: 'last_synced_at', nullable: true }) lastSyncedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A contact of a directory; private contacts (9.1.1) have an owner. */
@Entity({ name: 'contact' })
export class ContactEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'directory_id' }) directoryId!: string;
  @Column('uuid', { name: 'owner_user_id', nullable: true }) ownerUserId!: string | null;
  @Column('text', { name: 'external_id' }) externalId!: string;
  @Column('text', { name: 'last_name' }) lastName!: string;
  @Column('text', { name: 'first_name' }) firstName!: string;
  @Column('text') company!: string;
  @Column('jsonb') fields!: Record<string, StoredField>;
  @Column('text', { nullable: true }) vip!: string | null;
  @Column('text', { name: 'merge_mail', nullable: true }) mergeMail!: string | null;
  @Column('tsvector', { name: 'search_vector', select: false }) searchVector!: string;
  @Column('text', { name: 'sort_key', select: false }) sortKey!: string;
  @Column('text', { name: 'content_hash', select: false }) contentHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A number of a contact, as written and in canonical form (reverse lookup key). */
@Entity({ name: 'contact_phone' })
export class ContactPhoneEntity {
  @PrimaryColumn('uuid', { name: 'contact_id' }) contactId!: string;
  @PrimaryColumn('text') kind!: PhoneKind;
  @Column('uuid', { name: 'directory_id' }) directoryId!: string;
  @Column('text') number!: string;
  @Column('text', { nullable: true }) canonical!: string | null;
  @Column('boolean', { name: 'red_list' }) redList!: boolean;
  @Column('boolean') invisible!: boolean;
}

export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type SyncTrigger = 'manual' | 'daily' | 'frequent';

/** One synchronization of a directory: progress while it runs, the report after. */
@Entity({ name: 'directory_sync_run' })
export class DirectorySyncRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'directory_id' }) directoryId!: string;
  @Column('text') trigger!: SyncTrigger;
  @Column('text', { name: 'requested_by', nullable: true }) requestedBy!: string | null;
  @Column('text') status!: SyncRunStatus;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('int') read!: number;
  @Column('int') created!: number;
  @Column('int') updated!: number;
  @Column('int') unchanged!: number;
  @Column('int') deleted!: number;
  @Column('int') ignored!: number;
  @Column('jsonb', { name: 'ignored_reasons' }) ignoredReasons!: ReportLine[];
  @Column('jsonb') warnings!: ReportLine[];
  @Column('text', { nullable: true }) error!: string | null;
  @Column('boolean', { name: 'cancel_requested' }) cancelRequested!: boolean;
  @Column('text', { nullable: true }) instance!: string | null;
}

/** A line of a report: why, how many, and a few examples (IDs, DNs). */
export interface ReportLine {
  reason: string;
  count: number;
  examples: string[];
}

/** The directories domain's entities, for the DataSource of web-services. */
export const DIRECTORIES_ENTITIES = [DirectoryEntity, ContactEntity, ContactPhoneEntity, DirectorySyncRunEntity];
