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

const W = 960, H = 760;
// Lambert azimuthal equal-area centred on 10°E 52°N (as ETRS89-LAEA).
const projection = geoAzimuthalEqualArea().rotate([-10, -52]);
projection.fitExtent([[8, 8], [W - 8, H - 8]], {
  type: 'MultiPoint', coordinates: [[-10, 35.5], [31, 35.5], [-9, 60], [29, 70.5], [37, 56], [-24, 64]],
});
projection.clipExtent([[0, 0], [W, H]]);
const path = geoPath(projection);

export async function show(el, ctx) {
  let cityId = ctx.params.get('city');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'europe', role: 'group', 'aria-label': 'Map of Europe with one circle per city' });
  const side = h('aside.mapside', { 'aria-live': 'polite' });
  const note = h('p.muted.small');
  mount(el, h('section.map', null,
    h('div.maphead', null, h('h1', null, 'Map'), h('p.muted', null, 'Circle area is proportional to the number of initiatives in the city. Click a city to list them.')),
    h('div.mapwrap', null, h('div.mapbox', null, svg, note), side)));

  // Land first (it needs no data), then the cities.
  svg.append(
    s('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }),
    s('path', { d: path(geoGraticule10()), class: 'graticule' }),
    s('g', { class: 'land' }, europe.features.map((f) => s('path', { d: path(f) || '', class: 'country' }, s('title', null, f.properties.name)))));
  mount(side, loading('cities'));

  let cities;
  try {
    cities = await loadCities();
  } catch (err) {
    mount(side, errorBox(err));
    return;
  }
  const max = Math.max(1, ...cities.map((c) => c.initiativeCount));
  const r = (n) => 3 + 15 * Math.sqrt(n / max);
  const gC = s('g', { class: 'cities' });
  let shown = 0;
  const outside = [];
  for (const c of cities) {
    const p = projection([c.longitude, c.latitude]);
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
    const p = projection([c.longitude, c.latitude]);
    if (p && p[0] > 0 && p[1] > 0 && p[0] < W && p[1] < H) gL.append(s('text', { x: (p[0] + r(c.initiativeCount) + 2).toFixed(1), y: (p[1] + 4).toFixed(1) }, c.name));
  }
  svg.append(gC, gL);
  // Overlapping circles: a click goes to the city whose centre is nearest
  // the pointer (relative to its radius), not to whichever circle happens
  // to be drawn on top, so Vienna's centre opens Vienna, not Bratislava.
  gC.addEventListener('click', (e) => {
    const ctm = svg.getScreenCTM();
    if (!ctm || e.button !== 0) return;
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
      best.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
    }
  }, true);
  note.textContent = `${shown} cities on the map` + (outside.length ? `; outside it: ${outside.map((c) => `${c.name} (${c.countryCode}, ${c.initiativeCount})`).join(', ')}.` : '.');

  let seq = 0;
  async function showCity() {
    for (const a of gC.querySelectorAll('a.city')) a.classList.toggle('selected', a.dataset.city === cityId);
    const my = ++seq;
    if (!cityId) {
      mount(side, h('h2', null, 'Cities with most initiatives'),
        h('ol.ranking', null, cities.slice(0, 15).map((c) => h('li', null,
          h('a', { href: `/map?city=${c.id.replace('city/', '')}` }, c.name), h('span.muted', null, ` ${c.countryCode} · ${c.initiativeCount}`)))));
      return;
    }
    mount(side, loading('the city'));
    try {
      const id = cityId.includes('/') ? cityId : 'city/' + cityId;
      const d = await gql(IN_CITY, { city: id });
      if (my !== seq) return;
      if (!d.city) { mount(side, h('p', null, 'Unknown city. ', h('a', { href: '/map' }, 'Clear'))); return; }
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
