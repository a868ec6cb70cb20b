import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiError, openApiSchema, ZodPipe } from '@tws/service';
import { ToolkitService, type ToolkitCaller } from './toolkit.service';
import { Caller, ToolkitAuthGuard } from './toolkit-auth.guard';
import { callLogQuerySchema, makeCallSchema, toolkitLoginSchema, type CallLogQuery, type MakeCall, type ToolkitLogin } from './toolkit.schemas';

@ApiTags('toolkit')
@ApiBearerAuth()
@UseGuards(ToolkitAuthGuard)
@Controller('toolkit/v1')
export class ToolkitController {
  constructor(private readonly toolkit: ToolkitService) {}

  @Post('calls')
  @HttpCode(201)
  @ApiOperation({ summary: "Make a call from the signed-in user's device (MakeCall on the PBX)" })
  @ApiBody({ schema: openApiSchema(makeCallSchema) })
  makeCall(@Caller() caller: ToolkitCaller, @Body(new ZodPipe(makeCallSchema)) body: MakeCall) {
    return this.toolkit.makeCall(caller, body);
  }

  @Get('call-logs')
  @ApiOperation({ summary: "The signed-in user's call log (completed calls, newest first)" })
  callLogs(@Caller() caller: ToolkitCaller, @Query(new ZodPipe(callLogQuerySchema, 'query')) q: CallLogQuery) {
    return this.toolkit.callLogs(caller, q);
  }
}

@ApiTags('toolkit')
@Controller('toolkit/v1/auth')
export class ToolkitAuthController {
  constructor(private readonly toolkit: ToolkitService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign a user in (same methods and errors as POST /api/v1/auth/login of web-services)',
    description: 'Send the accessToken as `Authorization: Bearer <accessToken>` to the other toolkit routes. Refresh at web-services (POST /api/v1/auth/refresh) or sign in again.',
  })
  @ApiBody({ schema: openApiSchema(toolkitLoginSchema) })
  async login(@Body(new ZodPipe(toolkitLoginSchema)) body: ToolkitLogin, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    try {
      return await this.toolkit.login(body, { address: req.socket.remoteAddress, headers: req.headers });
    } catch (e) {
      // Invites Kerberos clients to send a ticket (RFC 4559) when the toolkit has a keytab.
      if (this.toolkit.kerberos.enabled && !/^Negotiate /i.test(req.header('authorization') ?? '') && e instanceof ApiError && e.getStatus() === 401) {
        res.setHeader('WWW-Authenticate', 'Negotiate');
      }
      throw e;
    }
  }
}
