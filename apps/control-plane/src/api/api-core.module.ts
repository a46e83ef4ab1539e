import { Global, Module } from '@nestjs/common';
import { GraphqlErrorFilter } from './errors/graphql-error.filter';
import { GraphqlErrorMapper } from './errors/graphql-error.mapper';

/** Infrastructure every slice of the public API shares: the error mapper and its filter. */
@Global()
@Module({
  providers: [GraphqlErrorMapper, GraphqlErrorFilter],
  exports: [GraphqlErrorMapper, GraphqlErrorFilter],
})
export class ApiCoreModule {}
