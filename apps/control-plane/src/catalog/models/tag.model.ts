import { Field, ObjectType } from '@nestjs/graphql';

/** One `key: value` tag (of an asset or a run). */
@ObjectType({ description: 'A key/value tag.' })
export class Tag {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

/** Turns a stored `{ key: value }` JSON object into tags sorted by key; non-string values are JSON-encoded. */
export function tagsFromJson(value: unknown): Tag[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>)
    .map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}
