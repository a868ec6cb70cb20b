import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The dialing plan settings of a domain (guide chapter 5, left column). */
@Entity({ name: 'dialing_plan' })
export class DialingPlanEntity {
  @PrimaryColumn('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('text', { name: 'international_prefix' }) internationalPrefix!: string;
  @Column('text', { name: 'local_country_prefix' }) localCountryPrefix!: string;
  @Column('text', { name: 'external_prefix' }) externalPrefix!: string;
  @Column('text', { name: 'national_prefix' }) nationalPrefix!: string;
  @Column('text', { name: 'add_prefix' }) add!: string;
  @Column('text', { name: 'remove_prefix' }) remove!: string;
  @Column('int', { name: 'internal_length' }) internalLength!: number;
  @Column('int', { name: 'internal_reverse_length' }) internalReverseLength!: number;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** One rule of a domain's dialing plan (guide chapter 5, right column). */
@Entity({ name: 'dialing_rule' })
export class DialingRuleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'domain_id' }) domainId!: string;
  @Column('int') priority!: number;
  @Column('text') name!: string;
  @Column('text') pattern!: string;
  @Column('text') value!: string;
}
