import { Module } from '@nestjs/common';
import { DialingPlanRepository, DialingPlans, TenancyRepository } from '@tws/tenancy-data-access';
import { CstaLinkManager } from './csta-link.manager';

@Module({ providers: [TenancyRepository, DialingPlanRepository, DialingPlans, CstaLinkManager] })
export class CstaLinkModule {}
