import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTargets } from '../rbac/access-targets';
import { MembershipsRepository } from '../tenancy/memberships.repository';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { ACCESS_TOKEN_VERIFIER } from './access-token-verifier';
import { OidcAccessTokenVerifier, OidcIssuerRef } from './oidc/oidc-access-token-verifier';
import { ApiTokenAuthenticator } from './api-token.authenticator';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

/**
 * Authentication and authorization of the public API: API tokens and OIDC
 * access tokens, the organization of each request, and the global guard that
 * checks every root field against the permission table.
 */
@Module({
  providers: [
    ApiTokensRepository,
    ApiTokenAuthenticator,
    MembershipsRepository,
    AccessTargets,
    { provide: OidcIssuerRef, useFactory: (config: ControlPlaneConfig) => Object.assign(new OidcIssuerRef(), { current: config.oidcIssuer ?? '' }), inject: [CONTROL_PLANE_CONFIG] },
    {
      provide: ACCESS_TOKEN_VERIFIER,
      useFactory: (ref: OidcIssuerRef, config: ControlPlaneConfig) => new OidcAccessTokenVerifier(ref, config.oidcAudience),
      inject: [OidcIssuerRef, CONTROL_PLANE_CONFIG],
    },
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, MembershipsRepository, ApiTokensRepository, OidcIssuerRef],
})
export class AuthModule {}
