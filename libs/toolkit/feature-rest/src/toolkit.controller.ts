import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { openApiSchema, ZodPipe } from '@tws/service';
import { ToolkitService } from './toolkit.service';
import { callLogQuerySchema, makeCallSchema, type CallLogQuery, type MakeCall } from './toolkit.schemas';

@ApiTags('toolkit')
@Controller('toolkit/v1')
export class ToolkitController {
  constructor(private readonly toolkit: ToolkitService) {}

  @Post('calls')
  @HttpCode(201)
  @ApiOperation({ summary: "Make a call from the user's device (MakeCall on the PBX)" })
  @ApiBody({ schema: openApiSchema(makeCallSchema) })
  makeCall(@Body(new ZodPipe(makeCallSchema)) body: MakeCall) {
    return this.toolkit.makeCall(body);
  }

  @Get('call-logs')
  @ApiOperation({ summary: "The user's call log (completed calls, newest first)" })
  callLogs(@Query(new ZodPipe(callLogQuerySchema, 'query')) q: CallLogQuery) {
    return this.toolkit.callLogs(q);
  }
}
