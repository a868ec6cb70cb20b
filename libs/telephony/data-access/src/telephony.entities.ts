import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Media protocol of a supervised device: `None` for a physical extension, `TWS` for a virtual one (9.1.2, 9.2.2). */
export const MEDIA_PROTOCOLS = ['None', 'TWS'] as const;
export type MediaProtocol = (typeof MEDIA_PROTOCOLS)[number];

/** Server types of collaboration (calendar) connectors (8.5.3, 8.6.2, 8.7.4, 8.9.6). */
export const COLLABORATION_SERVER_TYPES = ['Exchange', 'Exchange 2010', 'Office 365', 'Lotus', 'Google Apps'] as const;
export type CollaborationServerType = (typeof COLLABORATION_SERVER_TYPES)[number];

/** Who holds a number of a domain (table `domain_number`, kept by triggers). */
export const NUMBER_OWNER_TYPES = ['device', 'intercom-group-device', 'phone-queue', 'virtual-device-resource'] as const;
export type NumberOwnerType = (typeof NUMBER_OWNER_TYPES)[number];

/** A VTI-XML link to an Aastra/Mitel A5000 node (3.3.3). */
@Entity({ name: 'vtixml_link' })
export class VtiXmlLinkEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') host!: string;
  @Column('int') port!: number;
  /** `site.cluster` of the node in a multi-site / multi-node installation, e.g. `0.0`. */
  @Column('text', { name: 'site_cluster' }) siteCluster!: string;
  /** Maximum number of devices supervised on this link. */
  @Column('int') capacity!: number;
  /** The "Audit" value of the guide's form (5000 in its examples). */
  @Column('int') audit!: number;
  @Column('boolean', { default: true }) enabled!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The domain's SIP connection, where virtual-device resources register (9.5.1). One per domain. */
@Entity({ name: 'sip_link' })
export class SipLinkEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') host!: string;
  @Column('int') port!: number;
  @Column('text', { name: 'pbx_type' }) pbxType!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** An intercom group (9.1.2): the devices whose supervision gives telephony presence. May have none. */
@Entity({ name: 'intercom_group' })
export class IntercomGroupEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') name!: string;
  @OneToMany(() => IntercomGroupDeviceEntity, (d) => d.group) devices!: IntercomGroupDeviceEntity[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The fields a supervised device of an intercom group or a phone queue has. */
export interface SupervisedDeviceFields {
  number: string;
  ccoCount: number;
  /** `CSTA`, `VTI-XML` or `SIP` (the device protocols of the users API). */
  protocol: string;
  mediaProtocol: MediaProtocol;
  /** AES-GCM sealed with TWS_SECRET_KEY; never returned by an API. */
  passwordSealed: string | null;
}

@Entity({ name: 'intercom_group_device' })
export class IntercomGroupDeviceEntity implements SupervisedDeviceFields {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'group_id' }) groupId!: string;
  @ManyToOne(() => IntercomGroupEntity, (g) => g.devices, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group!: IntercomGroupEntity;
  /** Denormalized from the group: numbers are unique in a domain. */
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') number!: string;
  @Column('int', { name: 'cco_count' }) ccoCount!: number;
  @Column('text') protocol!: string;
  @Column('text', { name: 'media_protocol' }) mediaProtocol!: MediaProtocol;
  @Column('text', { name: 'password_sealed', nullable: true }) passwordSealed!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A phone (call) queue (9.2.2): one supervised device. */
@Entity({ name: 'phone_queue' })
export class PhoneQueueEntity implements SupervisedDeviceFields {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') name!: string;
  @Column('text') number!: string;
  @Column('int', { name: 'cco_count' }) ccoCount!: number;
  @Column('text') protocol!: string;
  @Column('text', { name: 'media_protocol' }) mediaProtocol!: MediaProtocol;
  @Column('text', { name: 'password_sealed', nullable: true }) passwordSealed!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** An SMS provider (9.1.9): the provider's WSDL URL and the key it gave. */
@Entity({ name: 'sms_provider' })
export class SmsProviderEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') host!: string;
  @Column('text', { name: 'key_sealed', nullable: true }) keySealed!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A collaboration (calendar) server; a domain may have several. */
@Entity({ name: 'collaboration_server' })
export class CollaborationServerEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text') type!: CollaborationServerType;
  @Column('text') host!: string;
  /** 0: the protocol's default (the guide's examples all say 0). */
  @Column('int') port!: number;
  @Column('text', { name: 'ms_domain', nullable: true }) msDomain!: string | null;
  @Column('text') username!: string;
  @Column('text', { name: 'password_sealed', nullable: true }) passwordSealed!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A virtual-device resource of an application (9.5.2): SIP only, media None, registered through the SIP connection. */
@Entity({ name: 'virtual_device_resource' })
export class VirtualDeviceResourceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  /** Application code (`rules`, `mail`, `videoshare`). */
  @Column('text') application!: string;
  @Column('text') number!: string;
  /** SIP registration password, sealed. */
  @Column('text', { name: 'password_sealed' }) passwordSealed!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** The telephony domain's entities, for DataSources of the services that read or write them. */
export const TELEPHONY_ENTITIES = [
  VtiXmlLinkEntity,
  SipLinkEntity,
  IntercomGroupEntity,
  IntercomGroupDeviceEntity,
  PhoneQueueEntity,
  SmsProviderEntity,
  CollaborationServerEntity,
  VirtualDeviceResourceEntity,
];
