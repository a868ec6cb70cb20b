import { DialingPlanEntity, DialingRuleEntity } from './dialing-plan.entities';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'company' })
export class CompanyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'domain' })
export class DomainEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'company_id' }) companyId!: string;
  @Column('text') name!: string;
  /** Length of internal numbers in this domain ("numbering map length" in the guide). */
  @Column('int', { name: 'numbering_length' }) numberingLength!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'tws_user' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') username!: string;
  @Column('text', { name: 'first_name', default: '' }) firstName!: string;
  @Column('text', { name: 'last_name', default: '' }) lastName!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { nullable: true }) gsm!: string | null;
  @Column('boolean', { default: true }) enabled!: boolean;
  /** scrypt hash (TWS authentication method); null when the user has no TWS password. */
  @Column('text', { name: 'password_hash', nullable: true }) passwordHash!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('text', { default: 'en-US' }) culture!: string;
  @Column('text', { name: 'voicemail_password_sealed', nullable: true }) voicemailPasswordSealed!: string | null;
  /** Private fields 0–9 (admin-named), keyed "0".."9". */
  @Column('jsonb', { name: 'private_fields', default: () => "'{}'::jsonb" }) privateFields!: Record<string, string>;
  @OneToMany(() => DeviceEntity, (d) => d.user, { cascade: ['insert'] }) devices!: DeviceEntity[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export const DEVICE_PROTOCOLS = ['CSTA', 'VTI-XML', 'SIP'] as const;
export type DeviceProtocol = (typeof DEVICE_PROTOCOLS)[number];

@Entity({ name: 'device' })
export class DeviceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @ManyToOne(() => UserEntity, (u) => u.devices, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: UserEntity;
  /** Denormalized from the user: a device number is unique in its domain. */
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') number!: string;
  @Column('text') protocol!: DeviceProtocol;
  @Column('text', { name: 'password_sealed', nullable: true }) passwordSealed!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('boolean', { default: false }) video!: boolean;
  @Column('int', { name: 'client_port', nullable: true }) clientPort!: number | null;
  @Column('int', { name: 'cco_count', default: 0 }) ccoCount!: number;
  // Softphone / SIP settings (guide 9.3)
  @Column('boolean', { default: false }) softphone!: boolean;
  @Column('boolean', { name: 'one_number', default: false }) oneNumber!: boolean;
  @Column('boolean', { name: 'server_monitoring', default: false }) serverMonitoring!: boolean;
  @Column('text', { name: 'sip_username', nullable: true }) sipUsername!: string | null;
  @Column('text', { name: 'sip_password_sealed', nullable: true }) sipPasswordSealed!: string | null;
  @Column('text', { name: 'sip_proxy', nullable: true }) sipProxy!: string | null;
  @Column('int', { name: 'sip_proxy_port', nullable: true }) sipProxyPort!: number | null;
  @Column('text', { nullable: true }) stun!: string | null;
  @Column('text', { nullable: true }) realm!: string | null;
  @Column('int', { name: 'expire_interval', nullable: true }) expireInterval!: number | null;
  @Column('text', { name: 'dtmf_method', nullable: true }) dtmfMethod!: 'RFC2833' | 'INFO' | 'INBAND' | null;
  @Column('boolean', { default: false }) g729!: boolean;
  @Column('boolean', { default: false }) tls!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'csta_link' })
export class CstaLinkEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') name!: string;
  @Column('text') host!: string;
  @Column('int') port!: number;
  @Column('text', { name: 'pbx_type' }) pbxType!: string;
  @Column('text', { name: 'pbx_domain', nullable: true }) pbxDomain!: string | null;
  @Column('text', { nullable: true }) username!: string | null;
  /** AES-GCM sealed with TWS_SECRET_KEY; never returned by an API. */
  @Column('text', { name: 'password_sealed', nullable: true }) passwordSealed!: string | null;
  /** Maximum number of devices monitored on this link. */
  @Column('int') capacity!: number;
  @Column('boolean', { default: true }) enabled!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The tenancy domain's entities, for DataSources of the services that read or write them. */
export const TENANCY_ENTITIES = [CompanyEntity, DomainEntity, UserEntity, DeviceEntity, CstaLinkEntity, DialingPlanEntity, DialingRuleEntity];
