// Runs graphql-http's audit suite (the GraphQL over HTTP specification's
// MUST and SHOULD rules) against a running GraphQL endpoint and prints one
// line per audit. Exits 1 when any audit reports an error; warnings (SHOULD
// rules) are printed and counted, not fatal.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
const count = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  count[r.status]++;
  const why = r.status === 'ok' ? '' : ` — ${r.reason}`;
  console.log(`${r.status.padEnd(5)} ${r.id} ${r.name}${why}`);
}
console.log(`audit: ${results.length} audits, ${count.ok} ok, ${count.warn} warnings, ${count.error} errors`);
process.exit(count.error > 0 ? 1 : 0);
