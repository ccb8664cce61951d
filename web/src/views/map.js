// Map: initiatives per city on a map of Europe drawn as SVG from Natural
// Earth 1:50m shapes (npm world-atlas, bundled; no tile server). Circles are
// sized by initiative count; clicking one (or Enter on it) filters the list
// beside the map to that city. URL: /map?city=<geonameid>
import { geoAzimuthalEqualArea, geoPath, geoGraticule10 } from 'd3-geo';
import europe from 'virtual:europe';
import { gql } from '../api.js';
import { h, s, mount, loading, errorBox } from '../dom.js';
import { resultItem } from './search.js';

const CITIES = `query Cities($after: String) {
  cities(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id name countryCode latitude longitude initiativeCount } }
  }
}`;
// Used when `cities` fails: the same numbers, counted from the initiatives.
const FROM_INITIATIVES = `query CitiesFromInitiatives($after: String) {
  initiatives(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { city { city { id name countryCode latitude longitude } } } }
  }
}`;
const IN_CITY = `query InCity($city: ID!) {
  city(id: $city) { id name countryCode initiativeCount country { name } }
  initiatives(filter: { cities: [$city] }, first: 100) {
    totalCount
    edges { node { id key title summary covid city { city { id name } } country { country { code name } } themes { theme { slug name } } awards { year status } } }
  }
}`;

let cityCache = null;

/** loadCities returns every city with initiatives, with its count. */
async function loadCities() {
  if (cityCache) return cityCache;
  const out = [];
  try {
    let after = null;
    do {
      const d = await gql(CITIES, { after });
      out.push(...d.cities.edges.map((e) => e.node));
      after = d.cities.pageInfo.hasNextPage ? d.cities.pageInfo.endCursor : null;
    } while (after);
  } catch (err) {
    console.warn('civicgraph: `cities` failed, counting cities from `initiatives` instead:', err.message);
    out.length = 0;
    const byId = new Map();
    let after = null;
    do {
      const d = await gql(FROM_INITIATIVES, { after });
      for (const e of d.initiatives.edges) {
        const c = e.node.city?.city;
        if (!c) continue;
        if (!byId.has(c.id)) byId.set(c.id, { ...c, initiativeCount: 0 });
        byId.get(c.id).initiativeCount++;
      }
      after = d.initiatives.pageInfo.hasNextPage ? d.initiatives.pageInfo.endCursor : null;
    } while (after);
    out.push(...byId.values());
  }
  cityCache = out.sort((a, b) => b.initiativeCount - a.initiativeCount || a.name.localeCompare(b.name));
  return cityCache;
}

const W = 960, H = 760, PAD = 24;
// Natural Earth names that differ from the API's country names.
const NAME_ALIAS = { 'Czech Republic': 'Czechia', 'Türkiye': 'Turkey', 'United States of America': 'United States of America',
  'Bosnia and Herzegovina': 'Bosnia and Herz.', 'North Macedonia': 'Macedonia', 'Moldova': 'Moldova' };
const COUNTRIES = `{ countries(first: 100) { edges { node { code name initiativeCount } } } }`;

/**
 * projectionFor fits a Lambert azimuthal equal-area projection (centred on
 * 10°E 52°N, as ETRS89-LAEA) to every city drawn plus the corners of
 * Europe, so no city falls outside the viewBox (Sicily, Crete, Chaniá,
 * Ferla…). Cities far outside Europe (Colombia, Panama, the USA) are listed
 * under the map instead of stretching it to the whole world.
 */
function projectionFor(cities) {
  const inEurope = (c) => c.longitude > -32 && c.longitude < 50 && c.latitude > 26 && c.latitude < 72;
  const pts = [[-10, 36], [30, 35], [-9, 60], [29, 70.5], [37, 56], [-24, 64], ...cities.filter(inEurope).map((c) => [c.longitude, c.latitude])];
  const projection = geoAzimuthalEqualArea().rotate([-10, -52]);
  projection.fitExtent([[PAD, PAD], [W - PAD, H - PAD]], { type: 'MultiPoint', coordinates: pts });
  projection.clipExtent([[0, 0], [W, H]]);
  return { projection, inEurope };
}

export async function show(el, ctx) {
  let cityId = ctx.params.get('city');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'europe', role: 'group', 'aria-label': 'Map of Europe with one circle per city' });
  const side = h('aside.mapside', { 'aria-live': 'polite' });
  const note = h('p.muted.small.mapnote');
  const legend = h('p.small.maplegend', null,
    h('span.sw.swcity', { 'aria-hidden': 'true' }), ' circle: initiatives in a city (area ∝ number) ',
    h('span.sw.swnat', { 'aria-hidden': 'true' }), ' shaded country: initiatives with a country but no city (national or regional)');
  mount(el, h('section.map', null,
    h('div.maphead', null, h('h1', null, 'Map'), h('p.muted', null, 'Circle area is proportional to the number of initiatives in the city. Click a city to list them.')),
    h('div.mapwrap', null, h('div.mapbox', null, svg, legend, note), side)));
  mount(side, loading('cities'));

  let cities, countries;
  try {
    [cities, countries] = await Promise.all([loadCities(), gql(COUNTRIES).then((d) => d.countries.edges.map((e) => e.node)).catch(() => [])]);
  } catch (err) {
    mount(side, errorBox(err));
    return;
  }
  const { projection, inEurope } = projectionFor(cities);
  const path = geoPath(projection);
  // National (or regional) initiatives: the country's count minus its cities'.
  const inCities = new Map();
  for (const c of cities) inCities.set(c.countryCode, (inCities.get(c.countryCode) || 0) + c.initiativeCount);
  const national = new Map();
  for (const c of countries) {
    const n = c.initiativeCount - (inCities.get(c.code) || 0);
    if (n > 0) national.set(NAME_ALIAS[c.name] || c.name, { ...c, n });
  }
  const maxNat = Math.max(1, ...[...national.values()].map((x) => x.n));
  svg.append(
    s('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }),
    s('path', { d: path(geoGraticule10()), class: 'graticule' }),
    s('g', { class: 'land' }, europe.features.map((f) => {
      const nat = national.get(f.properties.name);
      return s('path', { d: path(f) || '', class: nat ? 'country national' : 'country', 'data-country': nat?.code,
        style: nat ? `fill-opacity:${(0.25 + 0.6 * Math.sqrt(nat.n / maxNat)).toFixed(2)}` : null },
      s('title', null, nat ? `${f.properties.name}: ${nat.n} initiative${nat.n === 1 ? '' : 's'} with the country but no city` : f.properties.name));
    })));

  const max = Math.max(1, ...cities.map((c) => c.initiativeCount));
  const r = (n) => 3 + 15 * Math.sqrt(n / max);
  const gC = s('g', { class: 'cities' });
  let shown = 0;
  const outside = [];
  for (const c of cities) {
    const p = inEurope(c) && projection([c.longitude, c.latitude]);
    if (!p || p[0] < 0 || p[1] < 0 || p[0] > W || p[1] > H) { outside.push(c); continue; }
    shown++;
    const key = c.id.replace('city/', '');
    gC.append(s('a', { href: `/map?city=${key}`, class: 'city', 'data-city': key, 'data-name': c.name, 'aria-label': `${c.name}: ${c.initiativeCount} initiative${c.initiativeCount === 1 ? '' : 's'}` },
      s('circle', { cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: r(c.initiativeCount).toFixed(1) }),
      s('title', null, `${c.name} (${c.countryCode}): ${c.initiativeCount}`)));
  }
  // Small circles on top so every city stays clickable.
  gC.replaceChildren(...[...gC.children].sort((a, b) => +b.firstChild.getAttribute('r') - +a.firstChild.getAttribute('r')));
  const gL = s('g', { class: 'labels', 'aria-hidden': 'true' });
  for (const c of cities.slice(0, 12)) {
    const p = inEurope(c) && projection([c.longitude, c.latitude]);
    if (!p) continue;
    const x = p[0] + r(c.initiativeCount) + 2;
    // Labels near the right edge go to the left of the circle.
    const right = x + 7 * c.name.length > W;
    gL.append(s('text', { x: (right ? p[0] - r(c.initiativeCount) - 2 : x).toFixed(1), y: (p[1] + 4).toFixed(1), 'text-anchor': right ? 'end' : 'start' }, c.name));
  }
  svg.append(gC, gL);
  // Overlapping circles: a click goes to the city whose centre is nearest
  // the pointer (relative to its radius), not to whichever circle happens
  // to be drawn on top, so Vienna's centre opens Vienna, not Bratislava.
  gC.addEventListener('click', (e) => {
    const ctm = svg.getScreenCTM();
    if (!ctm || e.button !== 0 || !e.isTrusted) return;
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    let best = null, bestD = Infinity;
    for (const a of gC.querySelectorAll('a.city')) {
      const c = a.firstChild;
      const d = Math.hypot(pt.x - +c.getAttribute('cx'), pt.y - +c.getAttribute('cy')) / +c.getAttribute('r');
      if (d <= 1 && d < bestD) { best = a; bestD = d; }
    }
    const hit = e.target.closest('a.city');
    if (best && hit && best !== hit) {
      e.preventDefault();
      e.stopPropagation();
      ctx.navigate(best.getAttribute('href'));
    }
  }, true);
  note.textContent = `${shown} cities on the map` + (outside.length ? `; outside Europe, not drawn: ${outside.map((c) => `${c.name} (${c.countryCode}, ${c.initiativeCount})`).join(', ')}.` : '.');
  note.dataset.shown = String(shown);
  note.dataset.outside = outside.map((c) => c.name).join('|');

  let seq = 0;
  async function showCity() {
    for (const a of gC.querySelectorAll('a.city')) a.classList.toggle('selected', a.dataset.city === cityId);
    const my = ++seq;
    if (!cityId) {
      mount(side, h('h2', null, 'Cities with most initiatives'),
        h('ol.ranking', null, cities.slice(0, 15).map((c, i) => h('li', null,
          h('span.rank', { 'aria-hidden': 'true' }, `${i + 1}.`),
          h('a', { href: `/map?city=${c.id.replace('city/', '')}` }, c.name), h('span.muted', null, ` ${c.countryCode} · ${c.initiativeCount}`)))));
      return;
    }
    mount(side, loading('the city'));
    try {
      const id = cityId.includes('/') ? cityId : 'city/' + cityId;
      const d = await gql(IN_CITY, { city: id });
      if (my !== seq) return;
      if (!d.city) {
        mount(side, h('div.notfound', { dataset: { notfound: '' } }, h('h2', null, 'City not found'),
          h('p', null, `No city has the id “${cityId}”. `, h('a', { href: '/map' }, 'Show all cities'), ' or ', h('a', { href: '/' }, 'go to the start page'), '.')));
        return;
      }
      const c = d.city;
      mount(side,
        h('h2', { id: 'city-heading' }, c.name, h('span.muted', null, `, ${c.country?.name || c.countryCode}`)),
        h('p', null, `${d.initiatives.totalCount} initiative${d.initiatives.totalCount === 1 ? '' : 's'} · `,
          h('a', { href: `/?city=${cityId}` }, 'open in search with filters'), ' · ',
          h('a', { href: `/graph/${c.id}` }, 'graph'), ' · ', h('a', { href: '/map' }, 'clear')),
        h('ul.results.compact', { id: 'city-results' }, d.initiatives.edges.map((e, i) => resultItem(e.node, '', 'c-' + i))));
      for (const a of side.querySelectorAll('li.result a')) a.removeAttribute('tabindex');
    } catch (err) {
      if (my === seq) mount(side, errorBox(err));
    }
  }
  showCity();

  return {
    update(ctx2) {
      cityId = ctx2.params.get('city');
      showCity();
    },
  };
}
