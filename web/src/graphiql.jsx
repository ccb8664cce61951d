// GraphiQL at /graphiql, bundled locally (no CDN), pointed at /graphql.
// The documentation explorer (schema docs from introspection) and history
// plugins are GraphiQL's defaults.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { buildSchema, introspectionFromSchema } from 'graphql';
import 'graphiql/style.css';
// The API contract, bundled at build time (see build.mjs).
import sdl from 'virtual:schema';

const http = createGraphiQLFetcher({ url: '/graphql' });

// The schema docs come from the server's introspection. If the server
// refuses it (e.g. a query-depth limit below the depth of GraphiQL's
// introspection query), GraphiQL gets the introspection of the bundled
// schema.graphql instead, so the docs still show.
let bundled;
async function fetcher(params, opts) {
  const res = await http(params, opts);
  if (params.operationName === 'IntrospectionQuery' && res && typeof res === 'object' && 'errors' in res && res.errors?.length) {
    console.warn('civicgraph: the server refused introspection (' + res.errors.map((e) => e.message).join('; ') + '); showing the bundled schema.graphql');
    bundled ??= introspectionFromSchema(buildSchema(sdl));
    return { data: bundled };
  }
  return res;
}

const defaultQuery = `# civicgraph GraphQL API. Open the docs (book icon, top left) for the schema.
# Back to the explorer: /
query Volunteers {
  initiatives(filter: { text: "volunteers" }, first: 5) {
    totalCount
    facets { themes { value label count } }
    edges {
      node {
        id
        title
        city { city { name } }
        similar(first: 2) { reason initiative { title } }
      }
    }
  }
}
`;

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />,
);
