import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ParameterScope, ParameterType } from '@tws/contracts';

/** An application of the *Applications / Applications parameters* menu (written by the catalogue sync). */
@Entity({ name: 'parameter_application' })
export class ParameterApplicationEntity {
  @PrimaryColumn('text') code!: string;
  @Column('text') label!: string;
  @Column('int') position!: number;
}

/** One parameter of the catalogue, as the running code defines it (written by the catalogue sync). */
@Entity({ name: 'parameter_definition' })
export class ParameterDefinitionEntity {
  @PrimaryColumn('text') name!: string;
  @Column('text', { name: 'application_code' }) applicationCode!: string;
  @Column('text') type!: ParameterType;
  /** enum/list values, integer bounds, string pattern. */
  @Column('jsonb') options!: Record<string, unknown>;
  /** Canonical text of the factory default; null for an unset secret. */
  @Column('text', { name: 'default_value', nullable: true }) defaultValue!: string | null;
  @Column('text') description!: string;
  @Column('boolean') expert!: boolean;
  @Column('text', { array: true }) scopes!: ParameterScope[];
  @Column('text', { name: 'guide_ref' }) guideRef!: string;
  @Column('int') position!: number;
  /** No longer in the catalogue of the code that last synced (values are kept, not used). */
  @Column('boolean') retired!: boolean;
}

/**
 * A value set at one scope: installation default (no ids), a domain, a group or a user (with
 * its domain). Canonical text; SecretBox-sealed for secret parameters.
 */
@Entity({ name: 'parameter_value' })
export class ParameterValueEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'parameter_name' }) parameterName!: string;
  @Column('text') scope!: ParameterScope;
  @Column('uuid', { name: 'domain_id', nullable: true }) domainId!: string | null;
  @Column('uuid', { name: 'group_id', nullable: true }) groupId!: string | null;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('text') value!: string;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The parameters domain's entities, for DataSources of the services that read or write them. */
export const PARAMETERS_ENTITIES = [ParameterApplicationEntity, ParameterDefinitionEntity, ParameterValueEntity];
