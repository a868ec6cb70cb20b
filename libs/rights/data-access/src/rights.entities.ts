import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AuthorizationObjectType, AuthorizationSubjectType } from '@tws/contracts';

/** A group of users of one domain (guide 7.3); its name is unique in the domain, whatever the case. */
@Entity({ name: 'tws_group' })
export class GroupEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') name!: string;
  @Column('text', { default: '' }) description!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'group_member' })
export class GroupMemberEntity {
  @PrimaryColumn('uuid', { name: 'group_id' }) groupId!: string;
  @PrimaryColumn('uuid', { name: 'user_id' }) userId!: string;
}

/**
 * One right (guide 7.4): an object granted to a subject, inside one company.
 * - `objectRef`: an application code (`application`), the uuid of a directory, intercom group or
 *   phone queue, or the uuid of the user or group whose calendar / call log is shared; for
 *   `statistics` and `records` the uuid of the viewing user (granted "the other way round").
 * - `objectDomainId`: the object's domain (null for applications).
 */
@Entity({ name: 'authorization' })
export class AuthorizationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'company_id' }) companyId!: string;
  @Column('text', { name: 'object_type' }) objectType!: AuthorizationObjectType;
  @Column('text', { name: 'object_ref' }) objectRef!: string;
  @Column('uuid', { name: 'object_domain_id', nullable: true }) objectDomainId!: string | null;
  @Column('text', { name: 'subject_type' }) subjectType!: AuthorizationSubjectType;
  @Column('uuid', { name: 'subject_id' }) subjectId!: string;
  @Column('uuid', { name: 'subject_domain_id' }) subjectDomainId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** The rights domain's entities, for the DataSource of web-services. */
export const RIGHTS_ENTITIES = [GroupEntity, GroupMemberEntity, AuthorizationEntity];
