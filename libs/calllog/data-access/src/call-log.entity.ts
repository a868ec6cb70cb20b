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
}

export const CALLLOG_ENTITIES = [CallLogEntity];
