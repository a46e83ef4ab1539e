import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/service';

/** Root folder of the `.proto` files (`proto/` at the repository root). */
export const protoRoot = path.resolve(import.meta.dirname, '../../../proto');

/**
 * Options used both to load the protos at run time and to generate the
 * TypeScript types (`npm run generate`), so the two always agree: 64-bit
 * integers as JS numbers, enums as strings, defaults filled in, oneofs named.
 */
export const protoLoaderOptions: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
  includeDirs: [protoRoot],
};

let cached: ProtoGrpcType | undefined;

/** Loads `gantry.agent.v1` with @grpc/proto-loader; returns the typed package tree. */
export function loadAgentProto(): ProtoGrpcType {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.loadSync('gantry/agent/v1/service.proto', protoLoaderOptions),
  ) as unknown as ProtoGrpcType;
  return cached;
}
