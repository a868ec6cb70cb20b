import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A signed-in user's session: opaque tokens, stored hashed (SHA-256) only. */
@Entity({ name: 'user_session' })
export class UserSessionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text', { name: 'access_hash' }) accessHash!: string;
  @Column('timestamptz', { name: 'access_expires_at' }) accessExpiresAt!: Date;
  @Column('text', { name: 'refresh_hash' }) refreshHash!: string;
  @Column('timestamptz', { name: 'refresh_expires_at' }) refreshExpiresAt!: Date;
  @Column('text') method!: string;
  @Column('text', { nullable: true }) application!: string | null;
  @Column('text', { name: 'source_address', nullable: true }) sourceAddress!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'refreshed_at', nullable: true }) refreshedAt!: Date | null;
}

/** Entities of user authentication, for web-services' DataSource. */
export const USER_AUTH_ENTITIES = [UserSessionEntity];
