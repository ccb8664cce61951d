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

const QUERY = `query Search($filter: InitiativeFilter, $orderBy: InitiativeOrder, $first: Int, $after: String) {
  initiatives(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets {
      themes { value label count }
      countries { value label count }
      years { value label count }
      status { value label count }
    }
    edges { node { ${FIELDS} } }
  }
}`;

const MORE = `query More($filter: InitiativeFilter, $orderBy: InitiativeOrder, $first: Int, $after: String) {
  initiatives(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { ${FIELDS} } }
  }
}`;

const GROUPS = [
  { param: 'theme', facet: 'themes', title: 'Theme', skip: [] },
  { param: 'status', facet: 'status', title: 'Award status', skip: ['NONE'] },
  { param: 'year', facet: 'years', title: 'Award year', skip: ['none'] },
  { param: 'country', facet: 'countries', title: 'Country', skip: ['unknown'] },
];

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
    city: params.getAll('city'),
    sort: params.get('sort') || '',
  };
}

function urlOf(st) {
  const p = new URLSearchParams();
  if (st.q) p.set('q', st.q);
  for (const g of ['theme', 'status', 'year', 'country', 'city']) for (const v of st[g]) p.append(g, v);
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
  return h('li.result', { role: 'option', id, 'aria-selected': 'false' },
    h('a', { href: '/initiative/' + encodeURIComponent(n.key || keyOf(n.id)), tabindex: '-1' },
      h('span.title', null, highlight(n.title, q)),
      h('span.meta', null,
        place ? h('span.place', { dataset: { city: n.city?.city.name || '' } }, place) : h('span.place.muted', null, 'place unknown'),
        aw ? h('span.badge.' + aw.status.toLowerCase(), null, `${STATUS_LABEL[aw.status]} ${aw.year}`) : null,
        n.covid ? h('span.badge.covid', null, 'COVID-19 measure') : null),
      n.summary ? h('span.summary', null, highlight(n.summary, q)) : null,
      n.themes?.length ? h('span.tags', null, n.themes.map((t) => h('span.tag', null, t.theme.name))) : null));
}

export async function show(el, ctx) {
  let st = stateFrom(ctx.params);
  let ctrl = null;
  let reqSeq = 0;
  let active = -1;
  let page = null; // last pageInfo
  let firstDone = false;
  const cityNames = new Map();

  const input = h('input', {
    id: 'q', type: 'search', name: 'q', value: st.q, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Search initiatives, e.g. volunteers, climate, participatory budget…',
    role: 'combobox', 'aria-controls': 'results', 'aria-expanded': 'true', 'aria-autocomplete': 'list',
    'aria-describedby': 'search-help',
  });
  const status = h('p.status', { id: 'search-status', role: 'status', 'aria-live': 'polite' });
  const list = h('ul.results', { id: 'results', role: 'listbox', 'aria-label': 'Initiatives' });
  const facetsEl = h('div.facet-groups');
  const chips = h('div.chips', { 'aria-label': 'Active filters' });
  const more = h('button.more', { type: 'button', hidden: true, onclick: () => loadMore() }, 'Show more');
  const sortSel = h('select', { id: 'sort', onchange: () => go({ ...st, sort: sortSel.value }) },
    h('option', { value: '' }, 'Relevance / title'),
    h('option', { value: 'title' }, 'Title A–Z'),
    h('option', { value: 'year' }, 'Latest award first'),
    h('option', { value: 'city' }, 'City A–Z'));
  sortSel.value = st.sort;
  const filtersBox = h('details.facets', { open: window.matchMedia('(min-width: 800px)').matches },
    h('summary', null, 'Filters'), facetsEl);

  mount(el,
    h('section.search', { 'aria-label': 'Search' },
      h('div.searchbar', null,
        h('label.visually-hidden', { for: 'q' }, 'Search initiatives'),
        input,
        h('p.help', { id: 'search-help' }, 'Results appear as you type. ↑/↓ choose, Enter opens, Esc clears. Press / anywhere to come back here.')),
      h('div.layout', null,
        filtersBox,
        h('div.list', null,
          h('div.listhead', null, status, h('label.sort', null, 'Sort ', sortSel)),
          chips, list, more))));

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
    const items = list.querySelectorAll('li.result');
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive(Math.min(active + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(active - 1, -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (active >= 0 && items[active]) items[active].querySelector('a').click();
      else { typed.cancel(); go({ ...st, q: input.value }, true); }
    } else if (e.key === 'Escape') {
      if (active >= 0) setActive(-1);
      else if (input.value) { input.value = ''; typed.cancel(); go({ ...st, q: '' }, true); }
    }
  });

  function setActive(i) {
    const items = list.querySelectorAll('li.result');
    items.forEach((li, j) => {
      li.setAttribute('aria-selected', String(j === i));
      li.classList.toggle('active', j === i);
    });
    active = i;
    if (i >= 0 && items[i]) {
      input.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  async function load() {
    ctrl?.abort();
    ctrl = new AbortController();
    const my = ++reqSeq;
    list.setAttribute('aria-busy', 'true');
    renderChips();
    lastSearch = urlOf(st);
    try {
      const data = await gql(QUERY, { filter: filterOf(st), orderBy: SORTS[st.sort] || null, first: PAGE }, { signal: ctrl.signal });
      if (my !== reqSeq) return;
      const c = data.initiatives;
      page = c.pageInfo;
      active = -1;
      input.removeAttribute('aria-activedescendant');
      const q = st.q;
      const label = c.totalCount === 1 ? '1 initiative' : `${c.totalCount} initiatives`;
      status.textContent = q.trim() ? `${label} match “${q.trim()}”` : `${label}`;
      mount(list, c.edges.map((e, i) => resultItem(e.node, q, 'r-' + i)));
      if (!c.edges.length) mount(list, h('li.empty', null, 'No initiative matches. Try fewer words or remove a filter.'));
      more.hidden = !page.hasNextPage;
      renderFacets(c.facets);
      list.removeAttribute('aria-busy');
      list.dataset.loaded = String(my);
      if (!firstDone) {
        firstDone = true;
        performance.mark('civicgraph:first-results');
      }
    } catch (err) {
      if (isAbort(err) || my !== reqSeq) return;
      list.removeAttribute('aria-busy');
      mount(list, h('li.empty', null, errorBox(err)));
      status.textContent = '';
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
    } catch (err) {
      if (!isAbort(err)) list.append(h('li.empty', null, errorBox(err)));
    } finally {
      more.disabled = false;
    }
  }

  function toggle(param, value) {
    const cur = st[param];
    const next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
    go({ ...st, [param]: next });
  }

  function renderFacets(f) {
    mount(facetsEl, GROUPS.map((g) => {
      const buckets = f[g.facet].filter((b) => !g.skip.includes(b.value));
      for (const v of st[g.param]) if (!buckets.some((b) => b.value === v)) buckets.unshift({ value: v, label: v, count: 0 });
      if (g.param === 'year') buckets.sort((a, b) => b.value.localeCompare(a.value));
      const selected = st[g.param].length;
      return h('fieldset.facet', { dataset: { facet: g.param } },
        h('legend', null, g.title, selected ? h('span.nsel', null, ` (${selected})`) : null),
        buckets.length ? h('ul', null, buckets.map((b) => {
          const id = `f-${g.param}-${b.value}`;
          const label = g.param === 'status' ? STATUS_LABEL[b.value] || b.label : b.label || b.value;
          return h('li', null,
            h('input', { type: 'checkbox', id, value: b.value, checked: st[g.param].includes(b.value),
              onchange: () => toggle(g.param, b.value) }),
            h('label', { for: id }, h('span.flabel', null, label), h('span.count', null, String(b.count))));
        })) : h('p.muted', null, 'none'));
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
  if (!window.matchMedia('(pointer: coarse)').matches) input.focus({ preventScroll: true });

  return {
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
