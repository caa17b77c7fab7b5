// `orgraph schema`: the gateway's SDL (schema/*.graphql as one validated document), for client code
// generation and tooling; with --federation the subgraph SDL a supergraph composes (what
// `_service { sdl }` answers). Needs no configuration and no AWS.
import { buildSchema, printSchema } from 'graphql';
import { subgraphSdl } from '../graph/federation.js';
import { resolvers } from '../graph/resolvers/index.js';
import { loadTypeDefs } from '../graph/schema.js';
import { EXIT } from './exit-status.js';
import type { ExitStatus } from './exit-status.js';
import type { Output } from './output.js';

export async function runSchema(output: Output, options: { federation?: boolean } = {}): Promise<ExitStatus> {
  const sdl = options.federation ? subgraphSdl(resolvers) : printSchema(buildSchema(loadTypeDefs()));
  await output.write(sdl.endsWith('\n') ? sdl : sdl + '\n');
  await output.end();
  return EXIT.ok;
}
