import { SetMetadata } from '@nestjs/common';

/** Metadata key of {@link Public}. */
export const IS_PUBLIC = 'gantry:public';

/** Marks a resolver class or method as reachable without credentials. Use sparingly. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
