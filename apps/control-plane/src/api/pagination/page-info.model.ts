import { Field, ObjectType } from '@nestjs/graphql';

/** Relay page info: pass `endCursor` as `after` to get the next page. */
@ObjectType({ description: 'Where a page ends; pass endCursor as `after` to fetch the next page.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page; null for an empty page.' })
  endCursor!: string | null;
}
