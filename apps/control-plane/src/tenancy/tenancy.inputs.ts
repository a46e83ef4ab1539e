import { Field, InputType } from '@nestjs/graphql';

/** Where a role applies, by name: nothing = the organization; a deployment; or a code location of a deployment. */
@InputType({ description: 'Scope of a grant, invitation or API token: omit both for the organization; a code location also names its deployment.' })
export class ScopeInput {
  @Field(() => String, { nullable: true })
  deployment?: string | null;

  @Field(() => String, { nullable: true })
  codeLocation?: string | null;
}
