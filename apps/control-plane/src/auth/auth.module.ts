import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTargets } from '../rbac/access-targets';
import { MembershipsRepository } from '../tenancy/memberships.repository';
import { ACCESS_TOKEN_VERIFIER } from './access-token-verifier';
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
    { provide: ACCESS_TOKEN_VERIFIER, useValue: null },
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, MembershipsRepository, ApiTokensRepository],
})
export class AuthModule {}
