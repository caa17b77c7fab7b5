// Whether an operation may read EC2: it selects a field whose type is not one of the Organizations
// side's (an instance, a Region, a VPC, a `node` …). The CLI loads the EC2 SDK package (≈ 0.4 s) before
// such an operation starts, while nothing is in flight yet, and not at all for one that cannot read EC2
// (an account list, the organization's tree). Conservative: any type outside the list counts.
import type { DocumentNode, GraphQLSchema } from 'graphql';
import {
  BREAK,
  TypeInfo,
  getNamedType,
  isCompositeType,
  visit,
  visitWithTypeInfo,
} from './graphql-runtime.js';

/** Object types answered from Organizations (and STS) alone. */
const ORGANIZATIONS_SIDE = new Set([
  'Query',
  'Organization',
  'OrganizationalUnit',
  'OrganizationalUnitConnection',
  'OrganizationalUnitEdge',
  'Account',
  'AccountConnection',
  'AccountEdge',
  'AccountAccess',
  'AccessFailure',
  'PageInfo',
  'Tag',
]);

/** Whether any operation or fragment of `document` selects a field of a type outside ORGANIZATIONS_SIDE. */
export function mayReadEc2(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type === null || type === undefined) return undefined; // not in the schema: validation's to report
        const named = getNamedType(type);
        if (isCompositeType(named) && !named.name.startsWith('__') && !ORGANIZATIONS_SIDE.has(named.name)) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return found;
}
