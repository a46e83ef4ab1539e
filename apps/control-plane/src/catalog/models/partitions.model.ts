import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';

/** Kinds of partitions definitions. */
export enum PartitionsKind {
  TIME = 'TIME',
  STATIC = 'STATIC',
}
registerEnumType(PartitionsKind, { name: 'PartitionsKind', description: 'TIME: one partition per period; STATIC: a fixed list of keys.' });

/** How an asset is partitioned (from its code location's gantry.yaml). */
@ObjectType({ description: 'How an asset is partitioned.' })
export class PartitionsDefinition {
  @Field(() => PartitionsKind)
  kind!: PartitionsKind;

  @Field(() => String, { nullable: true, description: 'TIME: daily or monthly.' })
  cron!: string | null;

  @Field(() => String, { nullable: true, description: 'TIME: first partition key (YYYY-MM or YYYY-MM-DD).' })
  start!: string | null;

  @Field(() => String, { nullable: true, description: 'TIME: last partition key (inclusive); null means up to the last complete period.' })
  end!: string | null;

  @Field(() => [String], { nullable: true, description: 'STATIC: the keys.' })
  keys!: string[] | null;
}
