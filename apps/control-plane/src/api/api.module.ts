import { Module } from '@nestjs/common';

/** The public GraphQL API slice. */
@Module({})
export class ApiModule {}
