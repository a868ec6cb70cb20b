import { Module } from '@nestjs/common';
import { TenancyRepository } from '@tws/tenancy-data-access';
import { CstaLinkManager } from './csta-link.manager';

@Module({ providers: [TenancyRepository, CstaLinkManager] })
export class CstaLinkModule {}
