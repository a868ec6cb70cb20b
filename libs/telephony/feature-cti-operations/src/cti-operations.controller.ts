import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { deviceStatesQuerySchema, pduTraceActionSchema, traceFileNameSchema, type DeviceStatesQuery, type PduTraceAction } from './cti-operations.schemas';
import { CtiOperationsService } from './cti-operations.service';

const uuid = new ParseUUIDPipe();

/**
 * Guide 10.4–10.6 for one domain: provider (link) states, device states, PDU traces and their
 * files. The admin guard has already answered 404 for a domain of another company.
 */
@ApiTags('cti-operations')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/cti')
export class CtiOperationsController {
  constructor(private readonly ops: CtiOperationsService) {}

  @Get('providers')
  @ApiOperation({ summary: 'Provider states (guide 10.4): host, connected, current, domain, port, count, and the instance that drives each CSTA link' })
  providers(@Param('domainId', uuid) domainId: string) {
    return this.ops.providers(domainId);
  }

  @Get('devices')
  @ApiOperation({ summary: 'Device states (guide 10.5) of the monitored CSTA devices, between first and last number' })
  @ApiQuery({ name: 'first', required: false })
  @ApiQuery({ name: 'last', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  devices(@Param('domainId', uuid) domainId: string, @Query(new ZodPipe(deviceStatesQuerySchema, 'query')) q: DeviceStatesQuery) {
    return this.ops.devices(domainId, q);
  }

  @Get('pdu-trace')
  @ApiOperation({ summary: 'PDU trace status (guide 10.6): devices traced and trace files, per cstaservices instance' })
  traceStatus(@Param('domainId', uuid) domainId: string) {
    return this.ops.traceStatus(domainId);
  }

  @Post('pdu-trace')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start or stop the PDU trace of a device of the domain, or * for all of them (guide 10.6; audited)' })
  @ApiBody({ schema: openApiSchema(pduTraceActionSchema) })
  trace(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(pduTraceActionSchema)) body: PduTraceAction) {
    return this.ops.trace(admin, domainId, body);
  }

  @Get('pdu-trace/files')
  @ApiOperation({ summary: "The domain's PDU trace files on every cstaservices instance" })
  files(@Param('domainId', uuid) domainId: string) {
    return this.ops.files(domainId);
  }

  @Get('pdu-trace/files/:instance/:name')
  @ApiOperation({ summary: 'Download one PDU trace file (text, streamed from the instance that wrote it)' })
  async download(@Param('domainId', uuid) domainId: string, @Param('instance') instance: string, @Param('name', new ZodPipe(traceFileNameSchema, 'file name')) name: string, @Res() res: Response) {
    const file = await this.ops.openFile(domainId, instance, name);
    res.status(200);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${`${instance}-${name}`.replace(/[^\w.-]/g, '_')}"`);
    res.setHeader('content-length', String(file.size));
    try {
      for await (const chunk of file.chunks) {
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      }
      res.end();
    } catch {
      // Headers are gone: cut the transfer so the client sees it incomplete rather than short.
      res.destroy();
    }
  }
}
