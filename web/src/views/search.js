// Search: results as you type (full text via initiatives(filter:{text})),
// facet filters with counts, keyboard navigation (↑/↓, Enter, Esc).
// State lives in the URL: /?q=volunteers&theme=covid-19&country=DE&year=2020&status=WINNER&city=2761369&sort=year
import { gql, isAbort, keyOf } from '../api.js';
import { h, mount, debounce, highlight, STATUS_LABEL, errorBox } from '../dom.js';

const PAGE = 20;

/** lastSearch is the URL of the latest search, for "back to results" links. */
export let lastSearch = '/';
const FIELDS = `
  id key title summary covid
  city { city { id name } }
  country { country { code name } }
  themes { theme { slug name } }
  awards { year status }`;

const MORE = `query More($filter: InitiativeFilter, $orderBy: InitiativeOrder, $first: Int, $after: String) {
  initiatives(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { ${FIELDS} } }
  }
}`;

const EXPORT = `query Export($filter: InitiativeFilter, $orderBy: InitiativeOrder, $after: String) {
  initiatives(filter: $filter, orderBy: $orderBy, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { ${FIELDS} level { level } sources { url } } }
  }
}`;

const WINNERS = `{ awardYears { year winners { id key title city { city { name } } country { country { name } } } } }`;

// unknown: the bucket of initiatives the data says nothing about (shown,
// not tickable: the filter has no "unknown" value). single: an initiative
// has at most one value, so ticking a value adds exactly its count.
const GROUPS = [
  { param: 'theme', facet: 'themes', filter: 'themes', title: 'Theme', single: false },
  { param: 'status', facet: 'status', filter: 'status', title: 'Award status', unknown: 'NONE', unknownLabel: 'no award (not in the awards)' },
  { param: 'year', facet: 'years', filter: 'years', title: 'Award year', unknown: 'none', unknownLabel: 'unknown (no award year)', single: false },
  { param: 'level', facet: 'levels', filter: 'levels', title: 'Level of government', unknown: 'unknown', unknownLabel: 'unknown (the text does not say)', single: true },
  { param: 'country', facet: 'countries', filter: 'countries', title: 'Country', unknown: 'unknown', unknownLabel: 'unknown (no country)', single: true },
];
const STATUSES = ['WINNER', 'FINALIST', 'ENTRY'];
export const LEVEL_LABEL = { MUNICIPAL: 'Municipal', REGIONAL: 'Regional', NATIONAL: 'National', INTERNATIONAL: 'International', CIVIL_SOCIETY: 'Civil society' };

const RESULTS = `query Results($filter: InitiativeFilter, $orderBy: InitiativeOrder, $first: Int) {
  initiatives(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${FIELDS} } }
  }
}`;

/**
 * facetQuery builds the one request for the facet counts (sent beside the
 * results, so the first results do not wait for it): the facets of the
 * filtered set, and, for every facet group with ticked values, the same
 * filter without that group (so its counts say what ticking a value gives:
 * values in one group combine with OR), plus one count per award status
 * (the status facet counts the best status, the filter any year's status).
 */
function facetQuery(st) {
  const base = filterOf(st);
  const vars = { filter: base };
  const defs = ['$filter: InitiativeFilter'];
  const parts = [`main: initiatives(filter: $filter, first: 1) { totalCount facets { ${GROUPS.map((g) => `${g.facet} { value label count }`).join(' ')} } }`];
  for (const g of GROUPS) {
    if (!st[g.param].length) continue;
    const f = { ...base };
    delete f[g.filter];
    vars['f_' + g.param] = f;
    defs.push(`$f_${g.param}: InitiativeFilter`);
    parts.push(`g_${g.param}: initiatives(filter: $f_${g.param}, first: 1) { totalCount facets { ${g.facet} { value label count } } }`);
  }
  for (const v of STATUSES) {
    const f = { ...base };
    f.status = st.status.includes(v) ? [v] : [...st.status, v];
    vars['s_' + v] = f;
    defs.push(`$s_${v}: InitiativeFilter`);
    parts.push(`s_${v}: initiatives(filter: $s_${v}, first: 1) { totalCount }`);
  }
  return { query: `query Facets(${defs.join(', ')}) {\n  ${parts.join('\n  ')}\n}`, vars };
}

/**
 * facetCounts turns the answer into rows per group. count: initiatives with
 * the value under the other groups' filters; add: for an unticked value in a
 * group with ticked ones, how many ticking it adds to the result.
 */
/**
 * warmup lists the requests of a first visit (the landing, and a search
 * with the same facets), exactly as load() sends them. build.mjs writes
 * them to dist/warmup.json; the server runs them once at start so Neo4j
 * has planned their statements before the first user asks (a statement
 * Neo4j has not planned yet costs it 0.3–2 s the first time).
 */
export function warmup() {
  const out = [];
  for (const q of ['', 'citizens assembly']) {
    const st = stateFrom(new URLSearchParams(q ? { q } : {}));
    const { query, vars } = facetQuery(st);
    out.push({ query: RESULTS, variables: { filter: filterOf(st), orderBy: SORTS[st.sort] || null, first: PAGE } });
    out.push({ query, variables: vars });
  }
  out.push({ query: WINNERS, variables: {} });
  return out;
}

export function facetCounts(st, d) {
  const total = d.main.totalCount;
  const out = {};
  for (const g of GROUPS) {
    const sel = st[g.param];
    const own = sel.length ? d['g_' + g.param].facets[g.facet] : d.main.facets[g.facet];
    const inResult = new Map(d.main.facets[g.facet].map((b) => [b.value, b.count]));
    const rows = own.map((b) => {
      const r = { value: b.value, label: b.label, count: b.count, unknown: b.value === g.unknown };
      if (g.param === 'status' && !r.unknown) {
        const n = d['s_' + b.value]?.totalCount;
        if (sel.length && !sel.includes(b.value)) { r.add = n - total; r.count = null; } else r.count = n;
      } else if (sel.length && !sel.includes(b.value) && !r.unknown) {
        r.add = b.count - (g.single ? 0 : inResult.get(b.value) || 0);
      }
      return r;
    });
    if (g.param === 'status') {
      for (const v of STATUSES) if (!rows.some((r) => r.value === v)) {
        const n = d['s_' + v]?.totalCount || 0;
        rows.push(sel.length && !sel.includes(v) ? { value: v, label: v, count: null, add: n - total } : { value: v, label: v, count: n });
      }
    }
    for (const v of sel) if (!rows.some((r) => r.value === v)) rows.unshift({ value: v, label: v, count: 0 });
    out[g.param] = rows;
  }
  return out;
}


const SORTS = {
  '': null,
  title: { field: 'TITLE', direction: 'ASC' },
  year: { field: 'YEAR', direction: 'DESC' },
  city: { field: 'CITY', direction: 'ASC' },
};

function stateFrom(params) {
  return {
    q: params.get('q') || '',
    theme: params.getAll('theme'),
    country: params.getAll('country'),
    year: params.getAll('year'),
    status: params.getAll('status'),
    level: params.getAll('level'),
    city: params.getAll('city'),
    sort: params.get('sort') || '',
  };
}

function urlOf(st) {
  const p = new URLSearchParams();
  if (st.q) p.set('q', st.q);
  for (const g of ['theme', 'status', 'year', 'level', 'country', 'city']) for (const v of st[g]) p.append(g, v);
  if (st.sort) p.set('sort', st.sort);
  const qs = p.toString();
  return '/' + (qs ? '?' + qs : '');
}

function filterOf(st) {
  const f = {};
  if (st.q.trim()) f.text = st.q.trim();
  if (st.theme.length) f.themes = st.theme;
  if (st.country.length) f.countries = st.country;
  if (st.year.length) f.years = st.year.map(Number).filter(Number.isFinite);
  if (st.status.length) f.status = st.status;
  if (st.level.length) f.levels = st.level;
  if (st.city.length) f.cities = st.city.map((c) => (c.includes('/') ? c : 'city/' + c));
  return f;
}

/** bestAward picks the most notable award (winner > finalist > entry, then latest). */
export function bestAward(awards) {
  const rank = { WINNER: 3, FINALIST: 2, ENTRY: 1 };
  return [...(awards || [])].sort((a, b) => rank[b.status] - rank[a.status] || b.year - a.year)[0] || null;
}

/** resultItem renders one initiative as a list row (also used by the map). */
export function resultItem(n, q, id) {
  const aw = bestAward(n.awards);
  const place = [n.city?.city.name, n.country?.country.name].filter(Boolean).join(', ');
  return h('li.result', { id },
    h('a.open', { href: '/initiative/' + encodeURIComponent(n.key || keyOf(n.id)) },
      h('span.title', null, highlight(n.title, q)),
      h('span.meta', null,
        place ? h('span.place', { dataset: { city: n.city?.city.name || '' } }, place) : h('span.place.muted', null, 'place unknown'),
        aw ? h('span.badge.' + aw.status.toLowerCase(), null, `${STATUS_LABEL[aw.status]} ${aw.year}`) : null,
        n.covid ? h('span.badge.covid', null, 'COVID-19 measure') : null),
      n.summary ? h('span.summary', null, highlight(n.summary, q)) : null,
      n.themes?.length ? h('span.tags', null, n.themes.map((t) => h('span.tag', null, t.theme.name))) : null),
    h('a.graphlink', { href: '/graph/' + n.id, 'aria-label': `${n.title}: show in the graph` }, 'graph'));
}

/** csvCell quotes a value as RFC 4180 says (double quotes doubled). */
export const csvCell = (v) => {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
};
/** toCSV turns rows (arrays) into RFC 4180 text: CRLF line ends, UTF-8 with a BOM (so spreadsheets read the accents). */
export const toCSV = (rows) => '\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

/** download offers text as a file. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const today = () => new Date().toISOString().slice(0, 10);

function exportRow(n) {
  const aw = bestAward(n.awards);
  return {
    key: n.key, title: n.title, city: n.city?.city.name || '', country: n.country?.country.name || '',
    country_code: n.country?.country.code || '', level: n.level?.level || '',
    themes: (n.themes || []).map((t) => t.theme.slug).join('; '),
    award_years: (n.awards || []).map((a) => `${a.year} ${a.status}`).join('; '),
    best_award: aw ? `${aw.status} ${aw.year}` : '', covid: n.covid,
    summary: n.summary, source: (n.sources || []).map((s) => s.url).filter((u) => /^https?:/.test(u))[0] || '',
    url: location.origin + '/initiative/' + encodeURIComponent(n.key),
  };
}

export async function show(el, ctx) {
  let st = stateFrom(ctx.params);
  let ctrl = null;
  let reqSeq = 0;
  let page = null; // last pageInfo
  let firstDone = false;
  let total = 0;
  const cityNames = new Map();
  const landingWanted = () => !st.q && !GROUPS.some((g) => st[g.param].length) && !st.city.length;

  const input = h('input', {
    id: 'q', type: 'search', name: 'q', value: st.q, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Search initiatives, e.g. volunteers, climate, participatory budget…',
    'aria-controls': 'results', 'aria-describedby': 'search-help',
  });
  const status = h('p.status', { id: 'search-status', role: 'status', 'aria-live': 'polite' });
  const list = h('ul.results', { id: 'results', 'aria-label': 'Initiatives', tabindex: '-1' });
  const facetsEl = h('div.facet-groups');
  const chips = h('div.chips', { role: 'group', 'aria-label': 'Active filters' });
  const more = h('button.more', { type: 'button', hidden: true, onclick: () => loadMore() }, 'Show more');
  const sortSel = h('select', { id: 'sort', onchange: () => go({ ...st, sort: sortSel.value }) },
    h('option', { value: '' }, 'Relevance / title'),
    h('option', { value: 'title' }, 'Title A–Z'),
    h('option', { value: 'year' }, 'Latest award first'),
    h('option', { value: 'city' }, 'City A–Z'));
  sortSel.value = st.sort;
  const exportMsg = h('span.muted.small', { role: 'status' });
  const exportBox = h('span.export', null, 'Download these results: ',
    h('button', { type: 'button', id: 'export-csv', onclick: () => exportAll('csv') }, 'CSV'), ' ',
    h('button', { type: 'button', id: 'export-json', onclick: () => exportAll('json') }, 'JSON'), ' ', exportMsg);
  const filtersBox = h('details.facets', { id: 'filters', open: window.matchMedia('(min-width: 800px)').matches },
    h('summary', null, 'Filters'), facetsEl);
  const landing = h('section.landing', { 'aria-labelledby': 'landing-h', hidden: !landingWanted() },
    h('p.lead', null, 'civicgraph is a searchable map of Europe\u2019s political-innovation initiatives: ',
      'the cases of the Innovation in Politics Awards showroom, linked to their cities, countries, themes and award years, ',
      'each fact with the page it came from. ', h('a', { href: '/about' }, 'What the data covers and what it does not'), '.'),
    h('h2', { id: 'landing-h' }, 'Recent winners'),
    h('div.winners', null, h('p.muted', null, 'Loading the winners…')));

  mount(el,
    h('section.search', { 'aria-labelledby': 'search-h' },
      h('h1', { id: 'search-h' }, 'Political-innovation initiatives in Europe'),
      h('div.searchbar', null,
        h('label.visually-hidden', { for: 'q' }, 'Search initiatives'),
        input,
        h('p.help', { id: 'search-help' }, 'Results appear as you type. ↓ moves into the results, ↑/↓ between them, Enter opens, Esc clears. Press / anywhere to come back here. ',
          h('a.skip-inline', { href: '#results', onclick: (e) => { e.preventDefault(); (list.querySelector('a') || list).focus(); } }, 'Skip the filters to the results'))),
      landing,
      h('div.layout', null,
        filtersBox,
        h('div.list', null,
          h('div.listhead', null, status, h('label.sort', null, 'Sort ', sortSel)),
          exportBox, chips, list, more))));

  function go(next, replace = false) {
    st = next;
    const url = urlOf(st);
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    load();
  }

  const typed = debounce(() => go({ ...st, q: input.value }, true), 180);
  input.addEventListener('input', () => typed());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      const first = list.querySelector('a.open');
      if (first) { e.preventDefault(); first.focus(); }
    } else if (e.key === 'Enter') {
      e.preventDefault();
      typed.cancel(); go({ ...st, q: input.value }, true);
    } else if (e.key === 'Escape') {
      if (input.value) { input.value = ''; typed.cancel(); go({ ...st, q: '' }, true); }
    }
  });
  // ↑/↓ between results, Esc back to the box; Tab works as everywhere.
  list.addEventListener('keydown', (e) => {
    const links = [...list.querySelectorAll('a.open')];
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === 'ArrowDown' && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
    else if (e.key === 'Escape') { e.preventDefault(); input.focus(); }
  });
  list.addEventListener('focusin', (e) => {
    for (const li of list.querySelectorAll('li.active')) li.classList.remove('active');
    e.target.closest('li.result')?.classList.add('active');
  });

  function saveState(extra = {}) {
    history.replaceState({ ...(history.state || {}), shown: list.querySelectorAll('li.result').length, ...extra }, '');
  }

  async function load() {
    ctrl?.abort();
    ctrl = new AbortController();
    const my = ++reqSeq;
    list.setAttribute('aria-busy', 'true');
    facetsEl.setAttribute('aria-busy', 'true');
    renderChips();
    lastSearch = urlOf(st);
    landing.hidden = !landingWanted();
    // Back to a list that had "Show more" pressed: ask for as many rows again.
    const restore = history.state?.shown > PAGE ? history.state : null;
    const first = restore ? Math.min(100, restore.shown) : PAGE;
    try {
      const { query, vars } = facetQuery(st);
      const facets = gql(query, vars, { signal: ctrl.signal });
      facets.catch(() => {}); // awaited below; an abort must not be reported as unhandled
      const data = await gql(RESULTS, { filter: filterOf(st), orderBy: SORTS[st.sort] || null, first }, { signal: ctrl.signal });
      if (my !== reqSeq) return;
      const c = data.initiatives;
      page = c.pageInfo;
      total = c.totalCount;
      const q = st.q;
      const label = c.totalCount === 1 ? '1 initiative' : `${c.totalCount} initiatives`;
      status.textContent = q.trim() ? `${label} match “${q.trim()}”` : `${label}`;
      mount(list, c.edges.map((e, i) => resultItem(e.node, q, 'r-' + i)));
      if (!c.edges.length) mount(list, h('li.empty', null, 'No initiative matches. Try fewer words or remove a filter.'));
      more.hidden = !page.hasNextPage;
      exportBox.hidden = !c.totalCount;
      // The rows are final once mounted: the list stops being busy (and dimmed) here,
      // not when the facet counts arrive; those carry their own busy state.
      list.removeAttribute('aria-busy');
      let restoreY = null;
      if (!firstDone) {
        firstDone = true;
        performance.mark('civicgraph:first-results');
        restoreY = history.state?.scrollY || null;
        if (restoreY) window.scrollTo(0, restoreY);
        if (landingWanted()) loadWinners();
      }
      const fd = await facets;
      if (my !== reqSeq) return;
      renderFacets(facetCounts(st, fd));
      facetsEl.removeAttribute('aria-busy');
      if (restoreY) window.scrollTo(0, restoreY);
      list.dataset.loaded = String(my);
    } catch (err) {
      if (isAbort(err) || my !== reqSeq) return;
      list.removeAttribute('aria-busy');
      facetsEl.removeAttribute('aria-busy');
      mount(list, h('li.empty', null, errorBox(err)));
      status.textContent = '';
    }
  }

  async function loadWinners() {
    const box = landing.querySelector('.winners');
    try {
      const d = await gql(WINNERS);
      const years = d.awardYears.filter((y) => y.winners.length).slice(-2).reverse();
      mount(box, years.map((y) => h('div.winyear', null,
        h('h3', null, `${y.year}`),
        h('ul.plain', null, y.winners.map((w) => h('li', null,
          h('a', { href: '/initiative/' + encodeURIComponent(w.key) }, w.title),
          h('span.muted', null, ' · ' + ([w.city?.city.name, w.country?.country.name].filter(Boolean).join(', ') || 'place unknown'))))))),
      h('p', null, h('a', { href: '/?status=WINNER&sort=year' }, 'All winners, latest first')));
    } catch (err) {
      mount(box, errorBox(err));
    }
  }

  async function loadMore() {
    if (!page?.hasNextPage) return;
    more.disabled = true;
    const my = reqSeq;
    try {
      const data = await gql(MORE, { filter: filterOf(st), orderBy: SORTS[st.sort] || null, first: PAGE, after: page.endCursor });
      if (my !== reqSeq) return;
      const start = list.querySelectorAll('li.result').length;
      list.append(...data.initiatives.edges.map((e, i) => resultItem(e.node, st.q, 'r-' + (start + i))));
      page = data.initiatives.pageInfo;
      more.hidden = !page.hasNextPage;
      saveState();
    } catch (err) {
      if (!isAbort(err)) list.append(h('li.empty', null, errorBox(err)));
    } finally {
      more.disabled = false;
    }
  }

  async function exportAll(kind) {
    exportMsg.textContent = `Preparing ${total} rows…`;
    try {
      const nodes = [];
      let after = null;
      do {
        const d = await gql(EXPORT, { filter: filterOf(st), orderBy: SORTS[st.sort] || null, after });
        nodes.push(...d.initiatives.edges.map((e) => e.node));
        after = d.initiatives.pageInfo.hasNextPage ? d.initiatives.pageInfo.endCursor : null;
      } while (after);
      const rows = nodes.map(exportRow);
      const name = `civicgraph-initiatives-${today()}.${kind}`;
      if (kind === 'json') {
        download(name, JSON.stringify({ query: urlOf(st), exported: today(), source: location.origin, count: rows.length, initiatives: rows }, null, 2) + '\n', 'application/json');
      } else {
        const cols = Object.keys(exportRow({ awards: [], themes: [] }));
        download(name, toCSV([cols, ...rows.map((r) => cols.map((c) => r[c]))]), 'text/csv');
      }
      exportMsg.textContent = `${rows.length} rows downloaded as ${kind.toUpperCase()}.`;
    } catch (err) {
      exportMsg.textContent = 'Export failed: ' + err.message;
    }
  }

  function toggle(param, value) {
    const cur = st[param];
    const next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
    go({ ...st, [param]: next });
  }

  // Labels seen so far: a ticked value with no initiative left under the
  // other filters comes back without one.
  const seenLabels = new Map();
  function labelOf(g, b) {
    if (b.unknown) return g.unknownLabel;
    if (g.param === 'status') return STATUS_LABEL[b.value] || b.label;
    if (g.param === 'level') return LEVEL_LABEL[b.value] || b.label;
    const k = g.param + '\0' + b.value;
    if (b.label && b.label !== b.value) seenLabels.set(k, b.label);
    return seenLabels.get(k) || b.label || b.value;
  }

  function renderFacets(counts) {
    mount(facetsEl, GROUPS.map((g) => {
      const rows = counts[g.param];
      const known = rows.filter((b) => !b.unknown);
      const unknown = rows.filter((b) => b.unknown);
      if (g.param === 'year') known.sort((a, b) => b.value.localeCompare(a.value));
      if (g.param === 'status') known.sort((a, b) => STATUSES.indexOf(a.value) - STATUSES.indexOf(b.value));
      const selected = st[g.param].length;
      return h('fieldset.facet', { dataset: { facet: g.param } },
        h('legend', null, g.title, selected ? h('span.nsel', null, ` (${selected})`) : null),
        selected ? h('p.facetnote', null, 'Values here combine with “or”: +n is what ticking one adds.') : null,
        h('ul', null, known.map((b) => {
          const id = `f-${g.param}-${b.value}`;
          const shown = b.add != null ? `+${b.add}` : String(b.count);
          return h('li', null,
            h('input', { type: 'checkbox', id, value: b.value, checked: st[g.param].includes(b.value),
              onchange: () => toggle(g.param, b.value) }),
            h('label', { for: id }, h('span.flabel', null, labelOf(g, b)),
              h('span.count', { dataset: { count: b.count ?? '', add: b.add ?? '' } }, shown)));
        }), unknown.map((b) => h('li.unknown', { dataset: { unknown: g.param } },
          h('span.flabel', null, labelOf(g, b)), h('span.count', null, String(b.count))))),
        known.length || unknown.length ? null : h('p.muted', null, 'none'));
    }));
  }

  async function cityName(id) {
    if (cityNames.has(id)) return cityNames.get(id);
    cityNames.set(id, id);
    try {
      const d = await gql('query($id: ID!) { city(id: $id) { name countryCode } }', { id });
      if (d.city) cityNames.set(id, `${d.city.name} (${d.city.countryCode})`);
      renderChips();
    } catch { /* keep the id */ }
    return cityNames.get(id);
  }

  function renderChips() {
    const items = [];
    for (const g of [...GROUPS.map((x) => x.param), 'city']) {
      for (const v of st[g]) {
        let label = v;
        if (g === 'city') label = cityNames.get(v) ?? (cityName(v), v);
        else {
          const box = facetsEl.querySelector(`#${CSS.escape(`f-${g}-${v}`)} + label .flabel`);
          if (box) label = box.textContent;
        }
        items.push(h('button.chip', { type: 'button', 'aria-label': `Remove filter ${g} ${label}`,
          onclick: () => go({ ...st, [g]: st[g].filter((x) => x !== v) }) }, `${g}: ${label}`, h('span', { 'aria-hidden': 'true' }, ' ×')));
      }
    }
    if (items.length > 1) items.push(h('button.chip.clear', { type: 'button', onclick: () => go({ ...stateFrom(new URLSearchParams()), q: st.q, sort: st.sort }) }, 'Clear filters'));
    mount(chips, items);
  }

  load();
  if (!window.matchMedia('(pointer: coarse)').matches && !history.state?.scrollY) input.focus({ preventScroll: true });

  return {
    restoresScroll: true,
    update(ctx2) {
      st = stateFrom(ctx2.params);
      if (input.value !== st.q) input.value = st.q;
      sortSel.value = st.sort;
      load();
    },
    destroy() {
      ctrl?.abort();
      typed.cancel();
    },
  };
}
