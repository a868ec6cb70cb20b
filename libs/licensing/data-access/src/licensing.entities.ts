import { Column, Entity, PrimaryColumn } from 'typeorm';

/** This installation (one row): its id is the "dongle id" licence files are issued for (guide 3.3.1). */
@Entity({ name: 'installation' })
export class InstallationEntity {
  @PrimaryColumn('boolean', { default: true }) singleton!: boolean;
  /** 16 upper-case hexadecimal digits, drawn once by the first migration. */
  @Column('text', { name: 'installation_id' }) installationId!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** The licence file in force (one row at most), kept as loaded. */
@Entity({ name: 'licence_file' })
export class LicenceFileEntity {
  @PrimaryColumn('boolean', { default: true }) singleton!: boolean;
  @Column('text', { name: 'licence_id' }) licenceId!: string;
  @Column('text', { name: 'issued_to' }) issuedTo!: string;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  /** The file's text exactly as loaded (signature included), so it can be checked again. */
  @Column('text') content!: string;
  @Column('timestamptz', { name: 'loaded_at' }) loadedAt!: Date;
  /** User name of the administrator who loaded it. */
  @Column('text', { name: 'loaded_by' }) loadedBy!: string;
}

/** Licences available per application, from the file in force. */
@Entity({ name: 'licence_application' })
export class LicenceApplicationEntity {
  @PrimaryColumn('text', { name: 'application_code' }) applicationCode!: string;
  @Column('int') available!: number;
}

/** The licensing domain's entities, for the DataSource of web-services. */
export const LICENSING_ENTITIES = [InstallationEntity, LicenceFileEntity, LicenceApplicationEntity];
