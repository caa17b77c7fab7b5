// `orgraph schema`: the gateway's SDL (schema/*.graphql as one validated document), for client code
// generation and tooling. Needs no configuration and no AWS.
import { buildSchema, printSchema } from 'graphql';
import { loadTypeDefs } from '../graph/schema.js';
import { EXIT } from './exit-status.js';
import type { ExitStatus } from './exit-status.js';
import type { Output } from './output.js';

export async function runSchema(output: Output): Promise<ExitStatus> {
  await output.write(printSchema(buildSchema(loadTypeDefs())) + '\n');
  await output.end();
  return EXIT.ok;
}
