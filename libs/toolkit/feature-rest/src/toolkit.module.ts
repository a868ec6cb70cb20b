import { Module } from '@nestjs/common';
import { DialingPlanRepository, DialingPlans, TenancyRepository } from '@tws/tenancy-data-access';
import { CallLogRepository } from '@tws/calllog-data-access';
import { ToolkitController } from './toolkit.controller';
import { ToolkitService } from './toolkit.service';

/** Toolkit REST (`/toolkit/v1`). Reads tenancy and call-log tables; writes none. */
@Module({ controllers: [ToolkitController], providers: [TenancyRepository, DialingPlanRepository, DialingPlans, CallLogRepository, ToolkitService] })
export class ToolkitRestModule {}
