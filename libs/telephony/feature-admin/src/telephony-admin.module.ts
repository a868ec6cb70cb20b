import { Module } from '@nestjs/common';
import { AuditRepository, TenantScopeRepository, AdminChanges } from '@tws/identity-data-access';
import {
  CollaborationServersRepository,
  DomainNumbersRepository,
  IntercomGroupsRepository,
  PhoneQueuesRepository,
  SipLinksRepository,
  SmsProvidersRepository,
  VirtualDeviceResourcesRepository,
  VtiXmlLinksRepository,
} from '@tws/telephony-data-access';
import { IntercomGroupsAdminService } from './intercom-groups.service';
import { CollaborationServersAdminService, SmsProvidersAdminService } from './it-connectors.service';
import { PbxLinksAdminService } from './pbx-links.service';
import { PhoneQueuesAdminService } from './phone-queues.service';
import {
  CollaborationServersController,
  IntercomGroupsController,
  PhoneQueuesController,
  SipLinkController,
  SmsProvidersController,
  VirtualDeviceResourcesController,
  VtiXmlLinksController,
} from './telephony.controllers';
import { TelephonyAdminSupport } from './telephony-admin.support';
import { VirtualDeviceResourcesAdminService } from './virtual-device-resources.service';

/**
 * The admin API of web-services for a domain's telephony objects (`/api/admin/v1/domains/{id}/...`):
 * VTI-XML links, the SIP connection, intercom groups, phone queues, SMS providers, collaboration
 * servers, virtual-device resources. (CSTA links and the dialing plan live with tenancy.)
 */
@Module({
  controllers: [
    VtiXmlLinksController,
    SipLinkController,
    IntercomGroupsController,
    PhoneQueuesController,
    SmsProvidersController,
    CollaborationServersController,
    VirtualDeviceResourcesController,
  ],
  providers: [
    TenantScopeRepository,
    AuditRepository,
    AdminChanges,
    DomainNumbersRepository,
    VtiXmlLinksRepository,
    SipLinksRepository,
    IntercomGroupsRepository,
    PhoneQueuesRepository,
    SmsProvidersRepository,
    CollaborationServersRepository,
    VirtualDeviceResourcesRepository,
    TelephonyAdminSupport,
    PbxLinksAdminService,
    IntercomGroupsAdminService,
    PhoneQueuesAdminService,
    SmsProvidersAdminService,
    CollaborationServersAdminService,
    VirtualDeviceResourcesAdminService,
  ],
})
export class TelephonyAdminModule {}
