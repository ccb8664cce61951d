// civicgraph explorer: a single-page app over the public GraphQL API.
// Every view is addressable by URL (history API; the Go handler answers
// index.html for any path):
//   /?q=volunteers&theme=covid-19   search with facets
//   /initiative/<key>               one initiative, with "Similar elsewhere"
//   /graph/<global id>              neighbourhood graph (?expand=…&from=…&to=…)
//   /map?city=<geonameid>           map of Europe, cities sized by initiatives
//   /charts                         theme × year trends, theme co-occurrence
//   /about                          about the data: live coverage, sources, licences
//   /graphiql                       GraphiQL (a separate page)
import './style.css';
import { h, mount } from './dom.js';
import * as search from './views/search.js';
import * as initiative from './views/initiative.js';
import * as about from './views/about.js';
import { notFound } from './views/notfound.js';

// Heavier views load their libraries on demand (cytoscape, d3-geo + shapes).
const lazy = (load) => ({
  lazy: true,
  async show(el, ctx) {
    const m = await load();
    return m.show(el, ctx);
  },
});
const graph = lazy(() => import('./views/graph.js'));
const map = lazy(() => import('./views/map.js'));
const charts = lazy(() => import('./views/charts.js'));

const routes = [
  { name: 'search', re: /^\/$/, view: search, title: 'Search' },
  { name: 'initiative', re: /^\/initiative\/(.+)$/, view: initiative, title: 'Initiative' },
  { name: 'graph', re: /^\/graph(?:\/(.+))?$/, view: graph, title: 'Graph' },
  { name: 'map', re: /^\/map\/?$/, view: map, title: 'Map' },
  { name: 'charts', re: /^\/charts\/?$/, view: charts, title: 'Charts' },
  { name: 'about', re: /^\/about\/?$/, view: about, title: 'About the data' },
];

const nav = [
  ['/', 'Search', 'search'],
  ['/map', 'Map', 'map'],
  ['/graph', 'Graph', 'graph'],
  ['/charts', 'Charts', 'charts'],
  ['/about', 'About the data', 'about'],
];

const app = document.getElementById('app');
const main = h('main', { id: 'view', tabindex: '-1' });
const navLinks = nav.map(([href, label, name]) => h('a', { href, dataset: { route: name } }, label));
// The browser restores nothing by itself: the search view puts its list back
// (and main.js the scroll position) from history.state on Back.
if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
const skip = h('a.skip', { href: '#view', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content');
mount(app,
  skip,
  h('header.top', null,
    h('a.brand', { href: '/', 'aria-label': 'civicgraph explorer, home' }, h('span.logo', { 'aria-hidden': 'true' }), 'civicgraph'),
    h('nav', { 'aria-label': 'Views' }, navLinks, h('a', { href: '/graphiql', dataset: { reload: '' } }, 'GraphiQL'))),
  main,
  h('footer.foot', null,
    'Data: the Innovation in Politics showroom, GeoNames (CC BY 4.0), Natural Earth. ',
    h('a', { href: '/about' }, 'About the data'), ' · API: ',
    h('a', { href: '/graphiql', dataset: { reload: '' } }, '/graphql')));

let current = null; // { route, handle }
let seq = 0;

function context(route, m) {
  const url = new URL(location.href);
  return { path: url.pathname, params: url.searchParams, match: m, navigate };
}

async function render() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  let route = null, m = null;
  for (const r of routes) {
    m = path.match(r.re);
    if (m) { route = r; break; }
  }
  for (const a of navLinks) a.toggleAttribute('aria-current', route && a.dataset.route === route.name);
  if (!route) {
    current?.handle?.destroy?.();
    current = null;
    notFound(main, 'Page not found', ['There is no page at ', h('code', null, location.pathname), '.']);
    return;
  }
  const ctx = context(route, m);
  // Same view and it can update itself (e.g. a facet click): keep its DOM.
  if (current && current.route === route && current.handle?.update && current.handle.update(ctx) !== false) return;
  current?.handle?.destroy?.();
  const my = ++seq;
  const el = h('div.view-' + route.name);
  mount(main, el);
  document.title = `${route.title} · civicgraph`;
  current = { route, handle: null };
  try {
    const handle = await route.view.show(el, ctx);
    if (my !== seq) { handle?.destroy?.(); return; }
    current.handle = handle;
    const y = history.state?.scrollY;
    if (y && !handle?.restoresScroll) window.scrollTo(0, y);
  } catch (err) {
    if (my !== seq) return;
    console.warn('view failed', err);
    mount(el, h('p.error', { role: 'alert' }, `This view failed to load: ${err.message}`));
  }
}

/** navigate goes to url; replace keeps the history entry. */
export function navigate(url, { replace = false } = {}) {
  // Remember where the reader was, for Back.
  if (!replace) history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '');
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.hasAttribute('data-reload')) return;
  // SVG links carry their href as an SVGAnimatedString.
  const url = new URL(a.getAttribute('href'), location.href);
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  if (url.origin !== location.origin || url.pathname.startsWith('/graphiql') || url.pathname.startsWith('/graphql')) return;
  e.preventDefault();
  const changesView = url.pathname !== location.pathname;
  navigate(url.pathname + url.search + url.hash);
  if (changesView) {
    window.scrollTo(0, 0);
    main.focus({ preventScroll: true });
  }
});
window.addEventListener('popstate', render);

// "/" focuses the search box from anywhere (like many sites do).
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t.closest('input, textarea, select, [contenteditable]')) return;
  const box = document.getElementById('q');
  e.preventDefault();
  if (box) box.focus();
  else navigate('/');
});

render();
