import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokenAuthenticator } from './api-token.authenticator';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { AUTHENTICATOR } from './authenticator';

/** Authentication of the public API: API tokens, the global guard, the per-request auth context. */
@Module({
  providers: [
    ApiTokensRepository,
    ApiTokenAuthenticator,
    { provide: AUTHENTICATOR, useExisting: ApiTokenAuthenticator },
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
