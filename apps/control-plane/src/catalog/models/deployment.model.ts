import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

/** A deployment (`prod`, `staging`, a branch deployment) of the caller's organization. */
@ObjectType({ description: 'A deployment (prod, staging, a branch deployment) of your organization.' })
export class Deployment {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
