// The graphql-js values the graph uses, imported from the file itself. graphql 16 ships a CommonJS
// build (index.js) and an ESM build (index.mjs) without an exports map: Node resolves the bare name to
// the CommonJS build (as Apollo Server gets it), but Vite/Vitest resolves it to the ESM build, and two
// graphql instances refuse each other's schema ("Cannot use GraphQLSchema from another module or
// realm"). Naming the file gives every runtime the one instance Apollo Server uses. Types may still be
// imported from 'graphql' (they are erased).
export {
  BREAK,
  GraphQLError,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  TypeInfo,
  buildSchema,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  graphqlSync,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  parse,
  visit,
  visitWithTypeInfo,
} from 'graphql/index.js';
