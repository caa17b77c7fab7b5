// DateTime: ISO 8601 in UTC on the wire, a Date inside.
import { GraphQLError, GraphQLScalarType, Kind } from '../graphql-runtime.js';

function toDate(value: unknown): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 date-time such as 2026-11-23T01:02:03.000Z (got ${JSON.stringify(value)})`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return date;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string')
      throw new GraphQLError(`DateTime must be a string (got ${JSON.stringify(value)})`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    return toDate(value);
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING)
      throw new GraphQLError('DateTime must be a string literal', { extensions: { code: 'BAD_USER_INPUT' } });
    return toDate(ast.value);
  },
});
