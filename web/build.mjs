// Builds the explorer (src/main.js -> app) and GraphiQL (src/graphiql.jsx)
// with esbuild into ../internal/explorer/dist, which Go embeds.
//
//   node build.mjs                 build into ../internal/explorer/dist
//   node build.mjs --outdir DIR    build into DIR
//   node build.mjs --check         build into a temporary folder and compare it
//                                  byte for byte with ../internal/explorer/dist;
//                                  exit 1 (listing the differences) when they differ
//
// The output is deterministic for the same lockfile: content-hashed file
// names, no source maps, no timestamps.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';
import { geoArea } from 'd3-geo';

const here = path.dirname(fileURLToPath(import.meta.url));
process.chdir(here);
const committed = path.resolve(here, '../internal/explorer/dist');

const args = process.argv.slice(2);
const check = args.includes('--check');
const quiet = args.includes('--quiet');
let outdir = committed;
const oi = args.indexOf('--outdir');
if (oi >= 0) outdir = path.resolve(args[oi + 1]);
if (check) outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-check-'));

// europePlugin provides `virtual:europe`: Natural Earth 1:50m country shapes
// (npm world-atlas) as GeoJSON, clipped to a box around Europe and rounded
// to 0.01°, so the map chunk carries ~290 kB instead of the world's 750 kB.
const BOX = [-30, 25, 60, 75]; // lon0, lat0, lon1, lat1
function clipRing(ring) {
  const ix = (a, b, k, v) => {
    const t = (v - a[k]) / (b[k] - a[k]);
    return k === 0 ? [v, a[1] + t * (b[1] - a[1])] : [a[0] + t * (b[0] - a[0]), v];
  };
  const edges = [
    [(p) => p[0] >= BOX[0], (a, b) => ix(a, b, 0, BOX[0])],
    [(p) => p[0] <= BOX[2], (a, b) => ix(a, b, 0, BOX[2])],
    [(p) => p[1] >= BOX[1], (a, b) => ix(a, b, 1, BOX[1])],
    [(p) => p[1] <= BOX[3], (a, b) => ix(a, b, 1, BOX[3])],
  ];
  let out = ring;
  for (const [inside, inter] of edges) {
    const inp = out;
    out = [];
    if (!inp.length) break;
    let s = inp[inp.length - 1];
    for (const e of inp) {
      if (inside(e)) {
        if (!inside(s)) out.push(inter(s, e));
        out.push(e);
      } else if (inside(s)) out.push(inter(s, e));
      s = e;
    }
  }
  return out;
}
function roundRing(r) {
  const out = [];
  let prev = '';
  for (const [x, y] of r) {
    const p = [Math.round(x * 100) / 100, Math.round(y * 100) / 100];
    const k = p.join();
    if (k !== prev) out.push(p);
    prev = k;
  }
  if (out.length && out[0].join() !== out[out.length - 1].join()) out.push(out[0]);
  return out;
}
function europe() {
  const topo = JSON.parse(fs.readFileSync('node_modules/world-atlas/countries-50m.json', 'utf8'));
  const fc = feature(topo, topo.objects.countries);
  const features = [];
  for (const f of fc.features) {
    const g = f.geometry;
    if (!g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const kept = polys
      .map((p) => p.map((r) => roundRing(clipRing(r))).filter((r) => r.length >= 4))
      .filter((p) => p.length && p[0].length >= 4);
    if (!kept.length) continue;
    // Clipping and rounding can leave a polygon that d3-geo reads as the
    // whole sphere minus the shape; flip such rings.
    for (const p of kept) {
      if (geoArea({ type: 'Polygon', coordinates: p }) > 2 * Math.PI) p.forEach((r) => r.reverse());
    }
    features.push({ type: 'Feature', id: f.id, properties: { name: f.properties.name }, geometry: { type: 'MultiPolygon', coordinates: kept } });
  }
  return { type: 'FeatureCollection', features };
}
const europePlugin = {
  name: 'europe',
  setup(build) {
    build.onResolve({ filter: /^virtual:europe$/ }, () => ({ path: 'europe', namespace: 'europe' }));
    build.onLoad({ filter: /.*/, namespace: 'europe' }, () => ({ contents: JSON.stringify(europe()), loader: 'json' }));
  },
};

// schemaPlugin provides `virtual:schema`: ../schema.graphql as a string,
// GraphiQL's fallback for the docs when introspection is refused.
const schemaPlugin = {
  name: 'schema',
  setup(build) {
    // A machine-independent path: esbuild's content hashes include it, and
    // the committed dist must not depend on where the repository lives.
    build.onResolve({ filter: /^virtual:schema$/ }, () => ({ path: 'schema.graphql', namespace: 'schema' }));
    build.onLoad({ filter: /.*/, namespace: 'schema' }, () => ({ contents: fs.readFileSync(path.resolve(here, '../schema.graphql'), 'utf8'), loader: 'text' }));
  },
};

fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(path.join(outdir, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: 'src/main.js', graphiql: 'src/graphiql.jsx' },
  outdir: path.join(outdir, 'assets'),
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [europePlugin, schemaPlugin],
  external: ['/favicon.svg'],
  metafile: true,
  logLevel: 'warning',
});

// Write the HTML pages with the hashed entry file names.
const outputs = result.metafile.outputs;
const rel = (p) => '/assets/' + path.basename(p);
function entry(src) {
  for (const [file, o] of Object.entries(outputs)) {
    if (o.entryPoint === src) return { js: rel(file), css: o.cssBundle ? rel(o.cssBundle) : null };
  }
  throw new Error('no output for ' + src);
}
for (const [tpl, src] of [['index.html', 'src/main.js'], ['graphiql.html', 'src/graphiql.jsx']]) {
  const e = entry(src);
  const html = fs.readFileSync(path.join('src', tpl), 'utf8')
    .replace('%JS%', e.js)
    .replace('%CSS%', e.css ? `<link rel="stylesheet" href="${e.css}">` : '');
  fs.writeFileSync(path.join(outdir, tpl), html);
}
fs.copyFileSync('src/favicon.svg', path.join(outdir, 'favicon.svg'));

// warmup.json: the GraphQL requests of a first visit, from the views' own
// warmup() (the same documents they send). The server runs them once at
// start (cmd/civicgraph, "warm-up") so Neo4j has planned their statements
// before the first user asks.
const warm = [];
for (const v of ['search', 'initiative', 'about']) {
  const m = await import(`./src/views/${v}.js`);
  for (const r of m.warmup()) warm.push({ view: v, ...r });
}
fs.writeFileSync(path.join(outdir, 'warmup.json'), JSON.stringify(warm, null, 1) + '\n');

// Report sizes: what the explorer's first page load needs, and the rest.
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]);
}
const files = walk(outdir).sort();
if (!quiet) {
  let total = 0, totalGz = 0;
  for (const f of files) {
    const b = fs.readFileSync(f);
    const gz = zlib.gzipSync(b, { level: 9 }).length;
    total += b.length; totalGz += gz;
    console.log(`${path.relative(outdir, f).padEnd(44)} ${(b.length / 1024).toFixed(1).padStart(8)} kB  ${(gz / 1024).toFixed(1).padStart(7)} kB gzip`);
  }
  console.log(`${'total'.padEnd(44)} ${(total / 1024).toFixed(1).padStart(8)} kB  ${(totalGz / 1024).toFixed(1).padStart(7)} kB gzip`);
}

if (check) {
  const a = new Set(files.map((f) => path.relative(outdir, f)));
  const b = new Set(fs.existsSync(committed) ? walk(committed).map((f) => path.relative(committed, f)) : []);
  const diffs = [];
  for (const f of a) {
    if (!b.has(f)) diffs.push(`only in the fresh build: ${f}`);
    else if (!fs.readFileSync(path.join(outdir, f)).equals(fs.readFileSync(path.join(committed, f)))) diffs.push(`differs: ${f}`);
  }
  for (const f of b) if (!a.has(f)) diffs.push(`only in internal/explorer/dist: ${f}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  if (diffs.length) {
    console.error('explorer-check: internal/explorer/dist is out of date with web/src:\n  ' + diffs.join('\n  '));
    console.error('explorer-check: run `make explorer-build` and commit internal/explorer/dist.');
    process.exit(1);
  }
  console.log('explorer-check: internal/explorer/dist matches a fresh build of web/src');
}
