// The explorer talks to the public GraphQL API at /graphql only, like any
// other front-end.

/** GraphQLError carries the errors of a GraphQL answer. */
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

/**
 * gql posts a query and returns its data; it throws GraphQLError when the
 * answer has errors, and an AbortError when signal aborts.
 */
export async function gql(query, variables = {}, { signal } = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`HTTP ${res.status} from /graphql`);
  }
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
  if (!res.ok) throw new Error(`HTTP ${res.status} from /graphql`);
  return body.data;
}

/** isAbort tells whether err comes from an aborted request. */
export const isAbort = (err) => err && err.name === 'AbortError';

/** keyOf turns `initiative/<key>` into `<key>`. */
export const keyOf = (id) => id.replace(/^initiative\//, '');
