import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KerberosAcceptor, LoginThrottleRepository, TrustedProxy, UserLoginRepository, UserSessionRepository } from '@tws/identity-data-access';
import { ParameterRepository } from '@tws/parameters-data-access';
import { TWS_CONFIG } from '@tws/service';
import { LdapAuthenticator } from './ldap-authenticator';
import { UserAuthController } from './user-auth.controller';
import type { UserAuthEnv } from './user-auth.env';
import { UserAuthGuard } from './user-auth.guard';
import { UserAuthResponder } from './user-auth.responder';
import { UserAuthService } from './user-auth.service';
import { LDAP_AUTHENTICATOR, UserAuthenticator } from './user-authenticator';

/**
 * User authentication (guide chapter 6): `/api/v1/auth` (login, refresh, logout, me), the guard
 * of every `/api/v1` route, and `tws.auth.verify` / `tws.auth.login` over NATS. Needs
 * userAuthEnvSchema and secretKeyEnvSchema in the service's environment schema.
 */
@Module({
  controllers: [UserAuthController],
  providers: [
    UserLoginRepository,
    UserSessionRepository,
    LoginThrottleRepository,
    ParameterRepository,
    { provide: TrustedProxy, useFactory: (c: UserAuthEnv) => new TrustedProxy(c), inject: [TWS_CONFIG] },
    { provide: KerberosAcceptor, useFactory: (c: UserAuthEnv) => KerberosAcceptor.create(c), inject: [TWS_CONFIG] },
    { provide: LDAP_AUTHENTICATOR, useFactory: (c: UserAuthEnv) => new LdapAuthenticator({ timeoutMs: c.TWS_AUTH_LDAP_TIMEOUT_MS, caFile: c.TWS_AUTH_LDAP_CA_FILE }), inject: [TWS_CONFIG] },
    UserAuthenticator,
    UserAuthService,
    UserAuthResponder,
    { provide: APP_GUARD, useClass: UserAuthGuard },
  ],
})
export class UserAuthModule {}
