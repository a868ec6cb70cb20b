import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Logger } from '@tws/logging';
import { bearerToken, CurrentUser, KerberosAcceptor, KerberosRejected, PublicUserRoute, TrustedProxy, type UserPrincipal } from '@tws/identity-data-access';
import { ApiError, openApiSchema, TWS_LOGGER, ZodPipe } from '@tws/service';
import { UserAuthService } from './user-auth.service';
import { loginSchema, refreshSchema, type LoginBody, type RefreshBody } from './user-auth.schemas';

@ApiTags('user auth')
@Controller('api/v1/auth')
export class UserAuthController {
  constructor(
    private readonly auth: UserAuthService,
    @Inject(TrustedProxy) private readonly proxy: TrustedProxy,
    @Inject(KerberosAcceptor) private readonly kerberos: KerberosAcceptor,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  @Post('login')
  @HttpCode(200)
  @PublicUserRoute()
  @ApiOperation({
    summary: 'Sign a user in with the methods of its AuthMethods parameter (TWS, LDAP, WindowsSecurity, None)',
    description:
      'Returns a short-lived access token (send `Authorization: Bearer <accessToken>` to the user API and the toolkit) and a refresh token. ' +
      'With `application`, the user must be authorized to it (guide 7.4.1). WindowsSecurity: `Authorization: Negotiate` (Kerberos) when a keytab is configured, ' +
      'or the header of a trusted reverse proxy.',
  })
  @ApiBody({ schema: openApiSchema(loginSchema) })
  async login(@Body(new ZodPipe(loginSchema)) body: LoginBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const peer = req.socket.remoteAddress;
    let negotiated: { principal: string; response?: string } | undefined;
    try {
      negotiated = await this.kerberos.accept(req.headers);
    } catch (e) {
      if (!(e instanceof KerberosRejected)) throw e;
      this.logger.warn({ reason: e.message, peer }, 'Kerberos (Negotiate) token refused');
    }
    const windowsIdentity = negotiated?.principal ?? this.proxy.identity(req.headers, peer);
    try {
      const pair = await this.auth.login({ ...body, address: peer ?? 'unknown', ...(windowsIdentity ? { windowsIdentity } : {}) });
      if (negotiated?.response) res.setHeader('WWW-Authenticate', `Negotiate ${negotiated.response}`);
      return pair;
    } catch (e) {
      // Invites Kerberos clients (browsers, curl --negotiate) to send a ticket (RFC 4559).
      if (this.kerberos.enabled && !negotiated && e instanceof ApiError && e.getStatus() === 401) res.setHeader('WWW-Authenticate', 'Negotiate');
      throw e;
    }
  }

  @Post('refresh')
  @HttpCode(200)
  @PublicUserRoute()
  @ApiOperation({ summary: 'New access and refresh tokens for a refresh token (which then stops working)' })
  @ApiBody({ schema: openApiSchema(refreshSchema) })
  refresh(@Body(new ZodPipe(refreshSchema)) body: RefreshBody) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session: its access and refresh tokens stop working' })
  async logout(@Req() req: Request) {
    await this.auth.logout(bearerToken(req.header('authorization'))!);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the access token belongs to' })
  me(@CurrentUser() user: UserPrincipal) {
    return user;
  }
}
