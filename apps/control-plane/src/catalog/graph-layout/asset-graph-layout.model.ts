import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

/** Where one asset's box goes in the lineage graph drawing. */
@ObjectType({ description: 'Position of one asset in the laid-out lineage graph.' })
export class AssetGraphNodePosition {
  @Field(() => String, { description: 'Asset key ("a/b").' })
  key!: string;

  @Field(() => Float, { description: 'Left edge of the asset\'s 220×56 px box, px from the left of the drawing; upstream assets are to the left.' })
  x!: number;

  @Field(() => Float, { description: 'Top edge of the asset\'s 220×56 px box, px from the top of the drawing.' })
  y!: number;
}

/**
 * The server-computed layout of a deployment's lineage graph (d3-dag
 * Sugiyama, layers from left to right), cached per catalog fingerprint.
 */
@ObjectType({
  description:
    'Layout of the lineage graph of a deployment\'s active assets, computed on the server (layered, left to right; boxes of 220×56 px, 24 px apart within a layer, 90 px between layers). The console only renders it.',
})
export class AssetGraphLayout {
  @Field(() => String, { description: 'Hash of the asset keys and their upstream keys (and of the layout settings): the same value means the same layout.' })
  fingerprint!: string;

  @Field(() => Float, { description: 'Width of the whole drawing, px (0 without assets).' })
  width!: number;

  @Field(() => Float, { description: 'Height of the whole drawing, px (0 without assets).' })
  height!: number;

  @Field(() => [AssetGraphNodePosition], { description: 'Every active asset once, by key.' })
  nodes!: AssetGraphNodePosition[];

  @Field(() => [[Int]], {
    description:
      'Every dependency between the active assets once, as [upstream, downstream] indexes into `nodes` (compact: a 5,000-asset graph has ~10,000 edges), so a client can draw the graph from this answer alone.',
  })
  edges!: [number, number][];
}
