import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { IntercomGroupsAdminService } from './intercom-groups.service';
import { CollaborationServersAdminService, SmsProvidersAdminService } from './it-connectors.service';
import { PbxLinksAdminService } from './pbx-links.service';
import { PhoneQueuesAdminService } from './phone-queues.service';
import {
  RESOURCE_APPLICATIONS,
  createCollaborationServerSchema,
  createIntercomGroupSchema,
  createPhoneQueueSchema,
  createSmsProviderSchema,
  createVirtualDeviceResourcesSchema,
  createVtiXmlLinkSchema,
  intercomDevicesSchema,
  listVirtualDeviceResourcesQuerySchema,
  putSipLinkSchema,
  updateCollaborationServerSchema,
  updateIntercomDeviceSchema,
  updateIntercomGroupSchema,
  updatePhoneQueueSchema,
  updateSmsProviderSchema,
  updateVirtualDeviceResourceSchema,
  updateVtiXmlLinkSchema,
  type CreateCollaborationServer,
  type CreateIntercomGroup,
  type CreatePhoneQueue,
  type CreateSmsProvider,
  type CreateVirtualDeviceResources,
  type CreateVtiXmlLink,
  type IntercomDevicesInput,
  type PutSipLink,
  type UpdateCollaborationServer,
  type UpdateIntercomDevice,
  type UpdateIntercomGroup,
  type UpdatePhoneQueue,
  type UpdateSmsProvider,
  type UpdateVirtualDeviceResource,
  type UpdateVtiXmlLink,
} from './telephony.schemas';
import { VirtualDeviceResourcesAdminService } from './virtual-device-resources.service';

const uuid = new ParseUUIDPipe();

@ApiTags('vtixml-links')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/vtixml-links')
export class VtiXmlLinksController {
  constructor(private readonly links: PbxLinksAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Configure a VTI-XML link to an A5000 node (port 3199, site.cluster)' })
  @ApiBody({ schema: openApiSchema(createVtiXmlLinkSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createVtiXmlLinkSchema)) body: CreateVtiXmlLink) {
    return this.links.createVtiXmlLink(admin, domainId, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.links.listVtiXmlLinks(admin, domainId);
  }

  @Get(':linkId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string) {
    return this.links.getVtiXmlLink(admin, domainId, linkId);
  }

  @Patch(':linkId')
  @ApiOperation({ summary: 'Change a VTI-XML link; vtixmlservices applies it without a restart' })
  @ApiBody({ schema: openApiSchema(updateVtiXmlLinkSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string, @Body(new ZodPipe(updateVtiXmlLinkSchema)) body: UpdateVtiXmlLink) {
    return this.links.updateVtiXmlLink(admin, domainId, linkId, body);
  }

  @Delete(':linkId')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string) {
    await this.links.deleteVtiXmlLink(admin, domainId, linkId);
  }
}

@ApiTags('sip-link')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/sip-link')
export class SipLinkController {
  constructor(private readonly links: PbxLinksAdminService) {}

  @Put()
  @ApiOperation({ summary: "Create or replace the domain's SIP connection (one per domain; virtual-device resources register through it)" })
  @ApiBody({ schema: openApiSchema(putSipLinkSchema) })
  put(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(putSipLinkSchema)) body: PutSipLink) {
    return this.links.putSipLink(admin, domainId, body);
  }

  @Get()
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.links.getSipLink(admin, domainId);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the SIP connection (409 while virtual-device resources use it)' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    await this.links.deleteSipLink(admin, domainId);
  }
}

@ApiTags('intercom-groups')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/intercom-groups')
export class IntercomGroupsController {
  constructor(private readonly groups: IntercomGroupsAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an intercom group, with or without devices ("duplicate" creates consecutive numbers; all or nothing)' })
  @ApiBody({ schema: openApiSchema(createIntercomGroupSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createIntercomGroupSchema)) body: CreateIntercomGroup) {
    return this.groups.create(admin, domainId, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.groups.list(admin, domainId);
  }

  @Get(':groupId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string) {
    return this.groups.get(admin, domainId, groupId);
  }

  @Patch(':groupId')
  @ApiOperation({ summary: 'Rename an intercom group' })
  @ApiBody({ schema: openApiSchema(updateIntercomGroupSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string, @Body(new ZodPipe(updateIntercomGroupSchema)) body: UpdateIntercomGroup) {
    return this.groups.update(admin, domainId, groupId, body);
  }

  @Delete(':groupId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an intercom group with its devices and every authorization about it' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string) {
    await this.groups.delete(admin, domainId, groupId);
  }

  @Post(':groupId/devices')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add devices to an intercom group ("duplicate" consecutive numbers, all or nothing); returns those created' })
  @ApiBody({ schema: openApiSchema(intercomDevicesSchema) })
  addDevices(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string, @Body(new ZodPipe(intercomDevicesSchema)) body: IntercomDevicesInput) {
    return this.groups.addDevices(admin, domainId, groupId, body);
  }

  @Patch(':groupId/devices/:deviceId')
  @ApiBody({ schema: openApiSchema(updateIntercomDeviceSchema) })
  updateDevice(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Param('deviceId', uuid) deviceId: string,
    @Body(new ZodPipe(updateIntercomDeviceSchema)) body: UpdateIntercomDevice,
  ) {
    return this.groups.updateDevice(admin, domainId, groupId, deviceId, body);
  }

  @Delete(':groupId/devices/:deviceId')
  @HttpCode(204)
  async deleteDevice(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string, @Param('deviceId', uuid) deviceId: string) {
    await this.groups.deleteDevice(admin, domainId, groupId, deviceId);
  }
}

@ApiTags('phone-queues')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/phone-queues')
export class PhoneQueuesController {
  constructor(private readonly queues: PhoneQueuesAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a phone queue (its device number is unique in the domain)' })
  @ApiBody({ schema: openApiSchema(createPhoneQueueSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createPhoneQueueSchema)) body: CreatePhoneQueue) {
    return this.queues.create(admin, domainId, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.queues.list(admin, domainId);
  }

  @Get(':queueId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('queueId', uuid) queueId: string) {
    return this.queues.get(admin, domainId, queueId);
  }

  @Patch(':queueId')
  @ApiOperation({ summary: 'Change a phone queue (password: a new value, or null to clear)' })
  @ApiBody({ schema: openApiSchema(updatePhoneQueueSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('queueId', uuid) queueId: string, @Body(new ZodPipe(updatePhoneQueueSchema)) body: UpdatePhoneQueue) {
    return this.queues.update(admin, domainId, queueId, body);
  }

  @Delete(':queueId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a phone queue and every authorization about it' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('queueId', uuid) queueId: string) {
    await this.queues.delete(admin, domainId, queueId);
  }
}

@ApiTags('sms-providers')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/sms-providers')
export class SmsProvidersController {
  constructor(private readonly providers: SmsProvidersAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Configure an SMS provider (WSDL URL; key is write-only)' })
  @ApiBody({ schema: openApiSchema(createSmsProviderSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createSmsProviderSchema)) body: CreateSmsProvider) {
    return this.providers.create(admin, domainId, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.providers.list(admin, domainId);
  }

  @Get(':providerId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('providerId', uuid) providerId: string) {
    return this.providers.get(admin, domainId, providerId);
  }

  @Patch(':providerId')
  @ApiBody({ schema: openApiSchema(updateSmsProviderSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('providerId', uuid) providerId: string, @Body(new ZodPipe(updateSmsProviderSchema)) body: UpdateSmsProvider) {
    return this.providers.update(admin, domainId, providerId, body);
  }

  @Delete(':providerId')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('providerId', uuid) providerId: string) {
    await this.providers.delete(admin, domainId, providerId);
  }
}

@ApiTags('collaboration-servers')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/collaboration-servers')
export class CollaborationServersController {
  constructor(private readonly servers: CollaborationServersAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Configure a collaboration (calendar) server: Exchange, Exchange 2010, Office 365, Lotus or Google Apps' })
  @ApiBody({ schema: openApiSchema(createCollaborationServerSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createCollaborationServerSchema)) body: CreateCollaborationServer) {
    return this.servers.create(admin, domainId, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.servers.list(admin, domainId);
  }

  @Get(':serverId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('serverId', uuid) serverId: string) {
    return this.servers.get(admin, domainId, serverId);
  }

  @Patch(':serverId')
  @ApiBody({ schema: openApiSchema(updateCollaborationServerSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('serverId', uuid) serverId: string, @Body(new ZodPipe(updateCollaborationServerSchema)) body: UpdateCollaborationServer) {
    return this.servers.update(admin, domainId, serverId, body);
  }

  @Delete(':serverId')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('serverId', uuid) serverId: string) {
    await this.servers.delete(admin, domainId, serverId);
  }
}

@ApiTags('virtual-device-resources')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/virtual-device-resources')
export class VirtualDeviceResourcesController {
  constructor(private readonly resources: VirtualDeviceResourcesAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create virtual-device resources of an application (SIP, media None; "duplicate" consecutive numbers, all or nothing)' })
  @ApiBody({ schema: openApiSchema(createVirtualDeviceResourcesSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createVirtualDeviceResourcesSchema)) body: CreateVirtualDeviceResources) {
    return this.resources.create(admin, domainId, body);
  }

  @Get()
  @ApiQuery({ name: 'application', required: false, enum: RESOURCE_APPLICATIONS })
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Query(new ZodPipe(listVirtualDeviceResourcesQuerySchema, 'query')) q: { application?: string }) {
    return this.resources.list(admin, domainId, q.application);
  }

  @Get(':resourceId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('resourceId', uuid) resourceId: string) {
    return this.resources.get(admin, domainId, resourceId);
  }

  @Patch(':resourceId')
  @ApiBody({ schema: openApiSchema(updateVirtualDeviceResourceSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('resourceId', uuid) resourceId: string, @Body(new ZodPipe(updateVirtualDeviceResourceSchema)) body: UpdateVirtualDeviceResource) {
    return this.resources.update(admin, domainId, resourceId, body);
  }

  @Delete(':resourceId')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('resourceId', uuid) resourceId: string) {
    await this.resources.delete(admin, domainId, resourceId);
  }
}
