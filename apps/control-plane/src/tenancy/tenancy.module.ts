import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MembersService } from './members.service';
import { OrganizationsService } from './organizations.service';
import { TenancyResolver } from './tenancy.resolver';
import { TokensService } from './tokens.service';

/** Organizations, members, teams, invitations, role grants and token lifecycles (GraphQL slice). */
@Module({
  imports: [AuthModule],
  providers: [OrganizationsService, MembersService, TokensService, TenancyResolver],
})
export class TenancyModule {}
