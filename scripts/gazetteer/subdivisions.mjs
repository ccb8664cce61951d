// subdivisions.mjs writes internal/gazetteer/data/subdivisions.tsv: the ISO
// 3166-2 subdivisions (regions, provinces, counties, council areas,
// departments…) of the countries the gazetteer covers, from the npm package
// iso-3166-2 (MIT). Run from this folder: `npm ci && node subdivisions.mjs`.
// The output is committed, so a normal Go build needs neither node nor npm.
//
// The enricher reads a subdivision named in an initiative's text as evidence
// of its country only when the name is unique among all covered countries and
// is not also a city's name (cities are the resolver's job).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, "..", "..", "internal", "gazetteer", "data");
const require = createRequire(import.meta.url);
const iso = require("iso-3166-2");

// Same list as build.mjs.
const COVERED = new Set(
  ("AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU " +
    "IE IL IM IQ IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM " +
    "TR UA VA XK").split(" "),
);
const latin = /^[\p{Script=Latin}\p{M} .'’\-]+$/u;

const rows = [];
for (const cc of [...COVERED].sort()) {
  const c = iso.country(cc);
  if (!c) continue;
  for (const [code, s] of Object.entries(c.sub).sort(([a], [b]) => a.localeCompare(b))) {
    // "Nafarroa*" marks a name in a second language; "A [B]", "A / B" give two.
    const names = new Set();
    for (const part of s.name.split(/\s*\/\s*|\s*\[|\]\s*|\s*,\s*/)) {
      const n = part.replace(/\*$/, "").trim();
      if (n.length >= 4 && latin.test(n)) names.add(n);
    }
    if (names.size === 0) continue;
    rows.push([code, cc, s.type, [...names].join("|")].join("\t"));
  }
}
writeFileSync(
  path.join(outDir, "subdivisions.tsv"),
  "# ISO 3166-2 subdivisions from iso-3166-2 1.0.0 (MIT) via scripts/gazetteer/subdivisions.mjs; do not edit.\n" +
    "# code\tcountry\ttype\tnames (|)\n" +
    rows.join("\n") + "\n",
);
console.log(`subdivisions ${rows.length}`);
