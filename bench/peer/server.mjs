// The benchmark's peer: the Neo4j GraphQL Library (@neo4j/graphql 7) over the
// same Neo4j and data as civicgraph, with type definitions equivalent to
// civicgraph's schema for every query of the benchmark mix. What the library
// cannot express (full-text search with ranking, group-by aggregation, the
// bounded breadth-first neighbourhood) is an @cypher field, which is how its
// users would write it.
//
//   NEO4J_URI=bolt://127.0.0.1:7689 PORT=4001 node server.mjs
//
// Prints "PEER READY http://127.0.0.1:PORT/graphql" once it serves.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const typeDefs = /* GraphQL */ `
  type Initiative @node {
    key: String!
    title: String!
    summary: String!
    sortTitle: String
    covid: Boolean
    bestYear: Int
    city: [City!]! @relationship(type: "IN_CITY", direction: OUT)
    country: [Country!]! @relationship(type: "IN_COUNTRY", direction: OUT)
    themes: [Theme!]! @relationship(type: "HAS_THEME", direction: OUT, properties: "HasTheme")
    years: [AwardYear!]! @relationship(type: "AWARDED", direction: OUT, properties: "Awarded")
    similar: [Initiative!]! @relationship(type: "SIMILAR", direction: OUT, properties: "Similar")
    # A mutual pair is stored once (civicgraph's internal/neo4jdb/held.go):
    # the links an initiative holds are its outgoing ones and the incoming
    # ones marked mutual, asked as two connections and merged by the client.
    similarBack: [Initiative!]! @relationship(type: "SIMILAR", direction: IN, properties: "Similar")
  }

  type HasTheme @relationshipProperties {
    source: String
    confidence: Float
  }

  type Awarded @relationshipProperties {
    status: String
    category: String
  }

  type Similar @relationshipProperties {
    score: Float
    textScore: Float
    themeScore: Float
    sharedThemes: [String!]
    sharedTerms: [String!]
    mutual: Boolean
  }

  type City @node {
    id: String!
    name: String!
    countryCode: String!
    lat: Float
    lon: Float
    population: Int
    country: [Country!]! @relationship(type: "LOCATED_IN", direction: OUT)
    initiatives: [Initiative!]! @relationship(type: "IN_CITY", direction: IN)
  }

  type Country @node {
    code: String!
    name: String!
    cities: [City!]! @relationship(type: "LOCATED_IN", direction: IN)
    initiatives: [Initiative!]! @relationship(type: "IN_COUNTRY", direction: IN)
  }

  type Theme @node {
    slug: String!
    name: String!
    description: String
    initiatives: [Initiative!]! @relationship(type: "HAS_THEME", direction: IN)
  }

  type AwardYear @node {
    year: Int!
    initiatives: [Initiative!]! @relationship(type: "AWARDED", direction: IN, properties: "Awarded")
  }

  type SearchHit {
    key: String!
    title: String!
    score: Float!
  }

  type GraphNode {
    id: String!
    kind: String!
    label: String!
  }

  type GraphEdge {
    source: String!
    target: String!
    type: String!
  }

  type Graph {
    nodes: [GraphNode!]!
    edges: [GraphEdge!]!
    truncated: Boolean!
  }

  type Query {
    "Full-text search (lucene is the escaped query civicgraph builds from the same words)."
    search(lucene: String!, titleRe: String!, limit: Int!, first: Int!): [SearchHit!]!
      @cypher(
        statement: """
        CALL db.index.fulltext.queryNodes('initiative_text', $lucene, {limit: $limit}) YIELD node, score
        WITH node ORDER BY score DESC, node.key
        WITH collect(node) AS ns UNWIND range(0, size(ns) - 1) AS r
        WITH ns[r] AS node, r
        WITH node, 1.0 / (61 + r) + CASE WHEN size($titleRe) > 0 AND node.sortTitle =~ $titleRe THEN 2.0 / 61 ELSE 0.0 END AS score
        WITH node, score ORDER BY score DESC, node.key LIMIT $first
        RETURN {key: node.key, title: node.title, score: score} AS hit
        """
        columnName: "hit"
      )

    "The neighbourhood of an initiative: the same bounded breadth-first walk as civicgraph's."
    neighbourhood(key: String!, limit: Int!): Graph!
      @cypher(
        statement: """
        NEIGHBOURHOOD_CYPHER
        """
        columnName: "g"
      )
  }
`;

// The neighbourhood statement is shared with the Go harness's floor: one
// copy, in bench/neighbourhood.cypher.
const here = dirname(fileURLToPath(import.meta.url));
const neighbourhood = readFileSync(join(here, "..", "neighbourhood.cypher"), "utf8")
  .split("\n")
  .filter((l) => !l.startsWith("//"))
  .join("\n");

const uri = process.env.NEO4J_URI || "bolt://127.0.0.1:7689";
const port = Number(process.env.PORT || 4001);
const auth = process.env.NEO4J_USER ? neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD || "") : undefined;
const driver = neo4j.driver(uri, auth, {
  maxConnectionPoolSize: 100,
  disableLosslessIntegers: true,
});

const neoSchema = new Neo4jGraphQL({
  typeDefs: typeDefs.replace("NEIGHBOURHOOD_CYPHER", neighbourhood),
  driver,
});
const schema = await neoSchema.getSchema();
await neoSchema.checkNeo4jCompat();

const server = new ApolloServer({ schema, introspection: true });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port },
  context: async () => ({}),
});
console.log(`PEER READY ${url.replace(/\/$/, "")}/graphql`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
