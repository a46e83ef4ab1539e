import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar, type JsonValue } from '../../api/scalars/json.scalar';

/** Severity of a failed check. */
export enum AssetCheckSeverity {
  WARN = 'WARN',
  ERROR = 'ERROR',
}
registerEnumType(AssetCheckSeverity, { name: 'AssetCheckSeverity' });

/** A check declared on an asset. */
@ObjectType({ description: 'A check declared on an asset.' })
export class AssetCheck {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Boolean, { description: 'A failed blocking check stops downstream assets.' })
  blocking!: boolean;
}

/** The result of one check in one run. */
@ObjectType({ description: 'The result of a check in a run.' })
export class AssetCheckEvaluation {
  @Field(() => String)
  checkName!: string;

  @Field(() => ID)
  runId!: string;

  @Field(() => Boolean)
  passed!: boolean;

  @Field(() => AssetCheckSeverity)
  severity!: AssetCheckSeverity;

  @Field(() => JSONScalar, { description: 'Metadata entries in Dagster Pipes shape: { name: { raw_value, type } }.' })
  metadata!: JsonValue;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
