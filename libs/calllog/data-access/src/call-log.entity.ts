import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per call and party (monitored device): the user's call log. Written by eventservices. */
@Entity({ name: 'call_log' })
export class CallLogEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') device!: string;
  @Column('text', { name: 'call_ref' }) callRef!: string;
  @Column('text') direction!: 'incoming' | 'outgoing';
  @Column('boolean') answered!: boolean;
  @Column('text', { name: 'remote_number', nullable: true }) remoteNumber!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'answered_at', nullable: true }) answeredAt!: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
  /** The remote party as the directories name it for the row's user (reverse lookup), when found. */
  @Column('text', { name: 'remote_name', nullable: true }) remoteName!: string | null;
  @Column('text', { name: 'remote_company', nullable: true }) remoteCompany!: string | null;
  @Column('text', { name: 'remote_source', nullable: true }) remoteSource!: 'directory' | 'tws-user' | null;
  @Column('uuid', { name: 'remote_directory_id', nullable: true }) remoteDirectoryId!: string | null;
  @Column('text', { name: 'remote_contact_id', nullable: true }) remoteContactId!: string | null;
  /** The number the remote party was looked up for (null: not yet, or the lookup failed). */
  @Column('text', { name: 'remote_looked_up', nullable: true }) remoteLookedUp!: string | null;
}

/** The columns reverse lookup fills, apart from what the call model computes. */
export const CALL_LOG_IDENTITY_FIELDS = ['remoteName', 'remoteCompany', 'remoteSource', 'remoteDirectoryId', 'remoteContactId', 'remoteLookedUp'] as const;
export type CallLogIdentity = Pick<CallLogEntity, (typeof CALL_LOG_IDENTITY_FIELDS)[number]>;

export const CALLLOG_ENTITIES = [CallLogEntity];
