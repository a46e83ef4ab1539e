import 'reflect-metadata';

/**
 * Class decorator for resolvers whose methods take `@Args(…)`. Under tsx,
 * esbuild emits no `design:paramtypes`, and @nestjs/graphql's `@Args` indexes
 * that metadata before looking at the explicit `type` option (it throws
 * "Cannot read properties of undefined"). This declares an empty parameter
 * type list on each method that has none, so the explicit `type` of every
 * `@Args` decides the GraphQL type, as it must anyway. Runs at class
 * definition, before Nest builds the schema lazily.
 */
export function ExplicitParamTypes(): ClassDecorator {
  return (target) => {
    const prototype = (target as unknown as { prototype: object }).prototype;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      if (key === 'constructor') continue;
      if (!Reflect.hasOwnMetadata('design:paramtypes', prototype, key)) Reflect.defineMetadata('design:paramtypes', [], prototype, key);
    }
  };
}
