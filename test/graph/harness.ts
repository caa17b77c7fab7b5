// Runs GraphQL operations against createGraph + Apollo Server over an AwsData: a fake one, or the real
// data layer against the sim (integration.test.ts).
import type { FormattedExecutionResult } from 'graphql';
import type { AwsData } from '../../src/aws/contract.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import { parseGraphConfig } from '../../src/config/graph.js';
import { createApolloServer, createGraph } from '../../src/graph/index.js';
import type { Graph } from '../../src/graph/index.js';

export interface Harness {
  graph: Graph;
  run(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<FormattedExecutionResult<Record<string, unknown>>>;
}

export function harness(data: AwsData, config: GraphConfigInput = {}): Harness {
  const graph = createGraph({ config: parseGraphConfig(config), data });
  const server = createApolloServer(graph);
  return {
    graph,
    async run(query, variables) {
      const response = await server.executeOperation(
        { query, ...(variables ? { variables } : {}) },
        { contextValue: graph.createContext() },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    },
  };
}

/** `data` of a result, failing with the errors when there is none. */
export function dataOf(result: FormattedExecutionResult<Record<string, unknown>>): Record<string, unknown> {
  if (!result.data) throw new Error(`no data: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** A property path into a result, e.g. at(data, 'organization', 'accounts', 'nodes'). */
export function at<T = unknown>(value: unknown, ...path: (string | number)[]): T {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object')
      throw new Error(`no ${String(key)} in ${JSON.stringify(current)}`);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current as T;
}
