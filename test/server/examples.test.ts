// The GraphiQL page's saved example queries are valid operations of the schema, and the page carries
// them (and only same-origin references) in its settings block.
import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql/index.js';
import { buildExecutableSchema } from '../../src/graph/schema.js';
import { resolvers } from '../../src/graph/resolvers/index.js';
import { EXAMPLE_QUERIES } from '../../src/server/examples.js';
import { graphiqlPage } from '../../src/server/graphiql.js';

describe('GraphiQL example queries', () => {
  const schema = buildExecutableSchema(resolvers);

  it.each(EXAMPLE_QUERIES.map((e) => [e.title, e.query]))(
    '%s validates against the schema',
    (_title, query) => {
      expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    },
  );

  it('are embedded in the page without a way to close the script element', () => {
    const html = graphiqlPage({
      endpoint: '/graphql',
      authRequired: true,
      examples: [{ title: 'x', query: '# </script><script>alert(1)</script>\n{ organization { id } }' }],
    });
    expect(html).not.toContain('</script><script>');
    const json = /<script id="orgraph-settings" type="application\/json">(.*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!)).toMatchObject({ authRequired: true, endpoint: '/graphql' });
  });
});
