// Graph view: the neighbourhood of any node (initiative, city, country,
// theme, year) drawn with cytoscape.js. Click (or Enter on the node list) a
// node to expand it: its neighbourhood is merged in. Pick two nodes as
// start and end (buttons, or Shift+click) and the shortest path from
// `connection` is highlighted.
// URL: /graph/<id>?expand=<id>,<id>&from=<id>&to=<id>
import cytoscape from 'cytoscape';
import { gql } from '../api.js';
import { h, mount, errorBox, debounce } from '../dom.js';
import { notFound, isNotFound } from './notfound.js';

const NB = `query N($id: ID!, $limit: Int) {
  neighbourhood(id: $id, depth: 1, limit: $limit) {
    truncated
    nodes { id kind label properties { key value } }
    edges { source target type weight }
  }
}`;
const PATH = `query P($from: ID!, $to: ID!, $structuralOnly: Boolean) {
  connection(from: $from, to: $to, maxHops: 4, structuralOnly: $structuralOnly) {
    nodes { id kind label properties { key value } }
    edges { source target type weight }
  }
}`;
const STARTS = `{ initiatives(first: 1) { facets { themes { value label count } } } awardYears { year initiativeCount } }`;

const COLORS = { INITIATIVE: '#4e79a7', CITY: '#e15759', COUNTRY: '#b07aa1', THEME: '#f28e2b', YEAR: '#59a14f' };
const KIND_LABEL = { INITIATIVE: 'Initiative', CITY: 'City', COUNTRY: 'Country', THEME: 'Theme', YEAR: 'Award year' };

function linkFor(n) {
  const [kind, key] = [n.id.slice(0, n.id.indexOf('/')), n.id.slice(n.id.indexOf('/') + 1)];
  switch (kind) {
    case 'initiative': return ['/initiative/' + encodeURIComponent(key), 'Open the initiative'];
    case 'city': return ['/map?city=' + key, 'Show on the map'];
    case 'theme': return ['/?theme=' + key, 'List its initiatives'];
    case 'country': return ['/?country=' + key, 'List its initiatives'];
    case 'year': return ['/?year=' + key, 'List its initiatives'];
    default: return null;
  }
}

const FIND = `query Find($q: String!) {
  initiatives(filter: { text: $q }, first: 8) { edges { node { id title city { city { name } } country { country { name } } } } }
  cities(name: $q, first: 5) { edges { node { id name countryCode initiativeCount } } }
}`;

// Words for each link type, forward (source → target) and backward.
const EDGE_WORDS = {
  IN_CITY: ['in city', 'city of'], IN_COUNTRY: ['in country', 'country of'], LOCATED_IN: ['located in', 'has city'],
  HAS_THEME: ['has theme', 'theme of'], AWARDED: ['entered in', 'year of'], SIMILAR: ['similar to', 'similar to'],
};

/** describePath walks one shortest path from → to over the answer's edges and says it in words. */
export function describePath(g, from, to, label) {
  const adj = new Map();
  for (const e of g.edges) {
    (adj.get(e.source) || adj.set(e.source, []).get(e.source)).push({ to: e.target, e, fwd: true });
    (adj.get(e.target) || adj.set(e.target, []).get(e.target)).push({ to: e.source, e, fwd: false });
  }
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length && !prev.has(to)) {
    const x = queue.shift();
    for (const n of adj.get(x) || []) if (!prev.has(n.to)) { prev.set(n.to, { at: x, ...n }); queue.push(n.to); }
  }
  if (!prev.has(to)) return null;
  const steps = [];
  for (let x = to; prev.get(x); x = prev.get(x).at) steps.unshift(prev.get(x));
  let out = label(from);
  for (const st of steps) {
    const w = EDGE_WORDS[st.e.type] || [st.e.type.toLowerCase(), st.e.type.toLowerCase()];
    out += st.fwd ? ` — ${w[0]} → ${label(st.to)}` : ` ← ${w[0]} — ${label(st.to)}`;
  }
  return out;
}

async function chooser(el) {
  mount(el, h('section.page', null, h('h1', null, 'Graph'), h('p', null, 'Loading starting points…')));
  let d;
  try {
    d = await gql(STARTS);
  } catch (err) {
    mount(el, errorBox(err));
    return;
  }
  const box = h('input', { type: 'search', id: 'graph-q', autocomplete: 'off', placeholder: 'An initiative or a city, e.g. Gdańsk, volunteers…' });
  const found = h('ul.startlist.found', { id: 'graph-found', 'aria-live': 'polite' });
  let seqF = 0;
  const find = debounce(async () => {
    const q = box.value.trim();
    const my = ++seqF;
    if (q.length < 2) { mount(found); return; }
    try {
      const r = await gql(FIND, { q });
      if (my !== seqF) return;
      const items = [
        ...r.cities.edges.map(({ node: c }) => h('li', null, h('a.tag', { href: '/graph/' + c.id }, `${c.name} (${c.countryCode}), city · ${c.initiativeCount}`))),
        ...r.initiatives.edges.map(({ node: n }) => h('li', null, h('a.tag', { href: '/graph/' + n.id },
          n.title, h('span.muted', null, ' · ' + ([n.city?.city.name, n.country?.country.name].filter(Boolean).join(', ') || 'initiative'))))),
      ];
      mount(found, items.length ? items : h('li.muted', null, 'Nothing found.'));
    } catch (err) {
      if (my === seqF) mount(found, h('li', null, errorBox(err)));
    }
  }, 180);
  box.addEventListener('input', find);
  mount(el, h('section.page', null,
    h('h1', null, 'Graph'),
    h('p', null, 'Start from any initiative or city: search below, or use the “graph” link beside every search result. Themes and award years are starting points too.'),
    h('div.searchbar', null, h('label', { for: 'graph-q' }, 'Find a starting point '), box),
    found,
    h('h2', null, 'Themes'),
    h('ul.startlist', null, d.initiatives.facets.themes.map((t) => h('li', null, h('a.tag', { href: '/graph/theme/' + t.value }, `${t.label} (${t.count})`)))),
    h('h2', null, 'Award years'),
    h('ul.startlist', null, d.awardYears.map((y) => h('li', null, h('a.tag', { href: '/graph/year/' + y.year }, `${y.year} (${y.initiativeCount})`))))));
}

export async function show(el, ctx) {
  if (!ctx.match[1]) return chooser(el);
  const centre = decodeURIComponent(ctx.match[1]);
  const params = ctx.params;
  const expanded = new Set();
  let from = params.get('from') || null;
  let to = params.get('to') || null;
  let selected = null;
  let structuralOnly = params.get('similar') !== '1';

  const box = h('div.cy', { role: 'img', 'aria-label': 'Graph of the neighbourhood; use the node list for keyboard access' });
  const stats = h('p.stats', { role: 'status', 'aria-live': 'polite' });
  const details = h('div.details');
  const pathBox = h('div.pathbox');
  const nodeSel = h('select', { id: 'node-list', 'aria-label': 'Nodes in the graph' });
  const legend = h('ul.legend', null, Object.entries(COLORS).map(([k, c]) => h('li', null, h('span.dot', { style: { background: c } }), KIND_LABEL[k])));
  const simToggle = h('input', { type: 'checkbox', id: 'simlinks', checked: !structuralOnly, onchange: () => { structuralOnly = !simToggle.checked; syncURL(); runPath(); } });

  mount(el, h('section.graph', null,
    h('div.graphhead', null,
      h('h1', null, 'Graph'), stats),
    h('div.graphwrap', null,
      box,
      h('aside.side', null,
        h('p.help', null, 'Click a node to expand it. Shift+click two nodes, or use the buttons below, to highlight the path between them.'),
        h('div.nodepick', null,
          h('label', { for: 'node-list' }, 'Node '), nodeSel,
          h('button', { type: 'button', onclick: () => nodeSel.value && activate(nodeSel.value) }, 'Expand')),
        details, pathBox,
        h('p', null, simToggle, h('label', { for: 'simlinks' }, ' Paths may use similarity links')),
        legend))));

  const cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    minZoom: 0.1,
    maxZoom: 3,
    style: [
      { selector: 'node', style: {
        'background-color': (n) => COLORS[n.data('kind')] || '#999',
        label: 'data(short)', 'font-size': 9, color: '#222', 'text-valign': 'bottom', 'text-margin-y': 2,
        width: (n) => n.data('kind') === 'INITIATIVE' ? 12 : 20, height: (n) => n.data('kind') === 'INITIATIVE' ? 12 : 20,
        'text-background-color': '#fff', 'text-background-opacity': 0.7, 'text-background-padding': 1,
        'min-zoomed-font-size': 6,
      } },
      { selector: 'node[kind = "INITIATIVE"]', style: { 'font-size': 7, 'text-max-width': 90, 'text-wrap': 'ellipsis', color: '#333' } },
      { selector: 'node.labelled, node:selected, node.path, node.centre, node.endpoint', style: { label: 'data(short)', 'z-index': 20 } },
      { selector: 'node[?expanded]', style: { 'border-width': 2, 'border-color': '#222' } },
      { selector: 'node.centre', style: { width: 28, height: 28, 'font-size': 11, 'font-weight': 'bold' } },
      { selector: 'node:selected', style: { 'overlay-color': '#1f4e79', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
      { selector: 'node.endpoint', style: { 'border-width': 4, 'border-color': '#d62728' } },
      { selector: 'edge', style: { width: 1, 'line-color': '#bbb', 'curve-style': 'haystack', opacity: 0.8 } },
      { selector: 'edge[type = "SIMILAR"]', style: { 'line-style': 'dashed', 'line-color': '#9ecae1' } },
      { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d62728' } },
      { selector: 'edge.path', style: { width: 4, 'line-color': '#d62728', opacity: 1, 'z-index': 10 } },
      { selector: '.faded', style: { opacity: 0.25 } },
    ],
  });
  box.cy = cy; // lets the browser test find where a node is drawn

  function short(label) {
    return label.length > 24 ? label.slice(0, 22) + '…' : label;
  }

  function merge(g, around) {
    const added = [];
    const pos = around ? cy.getElementById(around).position() : { x: 0, y: 0 };
    for (const n of g.nodes) {
      if (cy.getElementById(n.id).nonempty()) continue;
      added.push(cy.add({ group: 'nodes', data: { id: n.id, kind: n.kind, label: n.label, short: short(n.label), props: n.properties },
        position: { x: pos.x + (Math.random() - 0.5) * 80, y: pos.y + (Math.random() - 0.5) * 80 } }));
    }
    for (const e of g.edges) {
      const id = `${e.source}|${e.type}|${e.target}`;
      const rid = `${e.target}|${e.type}|${e.source}`;
      if (cy.getElementById(id).nonempty() || cy.getElementById(rid).nonempty()) continue;
      if (cy.getElementById(e.source).empty() || cy.getElementById(e.target).empty()) continue;
      added.push(cy.add({ group: 'edges', data: { id, source: e.source, target: e.target, type: e.type, weight: e.weight } }));
    }
    return added.length;
  }

  function layout(fit) {
    return new Promise((resolve) => {
      const l = cy.layout({ name: 'cose', animate: false, randomize: false, fit, padding: 24,
        nodeRepulsion: () => 12000, idealEdgeLength: () => 70, numIter: 800, componentSpacing: 60 });
      l.one('layoutstop', resolve);
      l.run();
    });
  }

  function refreshUI() {
    stats.replaceChildren(h('span', { id: 'node-count', dataset: { count: cy.nodes().length } }, String(cy.nodes().length)), ' nodes · ',
      h('span', { id: 'edge-count' }, String(cy.edges().length)), ' edges', truncatedNote);
    const opts = cy.nodes().map((n) => ({ id: n.id(), label: `${n.data('label')} (${KIND_LABEL[n.data('kind')]})` }))
      .sort((a, b) => a.label.localeCompare(b.label));
    const keep = nodeSel.value;
    mount(nodeSel, opts.map((o) => h('option', { value: o.id }, o.label)));
    if (selected) nodeSel.value = selected;
    else if (keep) nodeSel.value = keep;
    cy.nodes().removeClass('endpoint');
    if (from) cy.getElementById(from).addClass('endpoint');
    if (to) cy.getElementById(to).addClass('endpoint');
    renderDetails();
    renderPath();
  }
  let truncatedNote = '';

  function nodeName(id) {
    const n = cy.getElementById(id);
    return n.nonempty() ? n.data('label') : id;
  }

  function renderDetails() {
    if (!selected || cy.getElementById(selected).empty()) { mount(details); return; }
    const n = cy.getElementById(selected);
    const link = linkFor({ id: selected });
    mount(details, h('div.card', null,
      h('p.kind', null, KIND_LABEL[n.data('kind')]),
      h('h2', null, n.data('label')),
      n.data('props')?.length ? h('p.muted.small', null, n.data('props').map((p) => `${p.key}: ${p.value}`).join(' · ')) : null,
      h('p', null, `${n.degree()} links shown`, n.data('expanded') ? ' · expanded' : ''),
      h('p.buttons', null,
        link ? h('a', { href: link[0] }, link[1]) : null,
        h('button', { type: 'button', onclick: () => setEnd('from', selected) }, 'Path from here'),
        h('button', { type: 'button', onclick: () => setEnd('to', selected) }, 'Path to here'))));
  }

  let pathMsg = '';
  let pathWords = '';
  function renderPath() {
    mount(pathBox, h('div.card', null,
      h('h2', null, 'Path'),
      h('p', null, 'From: ', from ? h('b', null, nodeName(from)) : h('span.muted', null, 'not set'), h('br'),
        'To: ', to ? h('b', null, nodeName(to)) : h('span.muted', null, 'not set')),
      pathMsg ? h('p.pathmsg', { role: 'status' }, pathMsg) : null,
      pathWords ? h('p.pathwords', null, pathWords) : null,
      (from || to) ? h('button', { type: 'button', onclick: () => { from = to = null; pathMsg = ''; cy.elements().removeClass('path faded'); syncURL(); refreshUI(); } }, 'Clear path') : null));
  }

  function setEnd(which, id) {
    if (which === 'from') from = id; else to = id;
    if (from === to) { if (which === 'from') to = null; else from = null; }
    syncURL();
    runPath();
  }

  let pathSeq = 0;
  async function runPath() {
    cy.elements().removeClass('path faded');
    pathMsg = '';
    pathWords = '';
    if (!from || !to) { refreshUI(); return; }
    const my = ++pathSeq;
    pathMsg = 'Looking for a path…';
    refreshUI();
    try {
      const d = await gql(PATH, { from, to, structuralOnly });
      if (my !== pathSeq) return;
      if (!d.connection) {
        pathMsg = 'No path within 4 hops.';
      } else {
        const n = merge(d.connection, from);
        if (n) await layout(false);
        const ids = new Set(d.connection.nodes.map((x) => x.id));
        cy.elements().addClass('faded');
        for (const id of ids) cy.getElementById(id).removeClass('faded').addClass('path');
        for (const e of d.connection.edges) {
          for (const eid of [`${e.source}|${e.type}|${e.target}`, `${e.target}|${e.type}|${e.source}`]) cy.getElementById(eid).removeClass('faded').addClass('path');
        }
        pathWords = describePath(d.connection, from, to, (id) => nodeName(id)) || '';
        // Fit the path (and its neighbours' labels) in view.
        cy.fit(cy.elements('.path'), 40);
        const hops = d.connection.edges.length;
        pathMsg = `Path found: ${d.connection.nodes.length} nodes, ${hops} links${d.connection.nodes.length > hops + 1 ? ' (several shortest paths)' : ''}.`;
      }
    } catch (err) {
      if (my === pathSeq) pathMsg = 'Path query failed: ' + err.message;
    }
    refreshUI();
  }

  function syncURL() {
    const p = new URLSearchParams();
    const ex = [...expanded].filter((x) => x !== centre);
    if (ex.length) p.set('expand', ex.join(','));
    if (from) p.set('from', from);
    if (to) p.set('to', to);
    if (!structuralOnly) p.set('similar', '1');
    const qs = p.toString();
    history.replaceState(null, '', '/graph/' + centre + (qs ? '?' + qs : ''));
  }

  let busy = Promise.resolve();
  async function expand(id, { fit = false } = {}) {
    if (expanded.has(id)) return 0;
    expanded.add(id);
    const d = await gql(NB, { id, limit: id === centre ? 80 : 40 });
    if (d.neighbourhood.truncated) truncatedNote = ' (some neighbourhoods cut at the limit)';
    const n = merge(d.neighbourhood, cy.getElementById(id).nonempty() ? id : null);
    cy.getElementById(id).data('expanded', true);
    if (n) await layout(fit || cy.nodes().length < 400);
    return n;
  }

  function activate(id) {
    selected = id;
    cy.$(':selected').unselect();
    cy.getElementById(id).select();
    busy = busy.then(async () => {
      try {
        await expand(id);
        syncURL();
      } catch (err) {
        stats.append(h('span.error', null, ' expand failed: ' + err.message));
      }
      refreshUI();
    });
  }

  cy.on('tap', 'node', (evt) => {
    const id = evt.target.id();
    if (evt.originalEvent?.shiftKey) {
      if (!from || (from && to)) { from = id; to = null; } else setEnd('to', id);
      selected = id;
      syncURL();
      runPath();
      return;
    }
    activate(id);
  });
  cy.on('mouseover', 'node', (e) => e.target.addClass('labelled'));
  cy.on('mouseout', 'node', (e) => e.target.removeClass('labelled'));
  nodeSel.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); activate(nodeSel.value); } });

  // Initial graph: the centre, then the expansions and the path from the URL.
  try {
    await expand(centre, { fit: true });
  } catch (err) {
    if (isNotFound(err)) {
      cy.destroy();
      notFound(el, 'Not in the graph', [`Nothing has the id “${centre}”. `, h('a', { href: '/graph' }, 'Pick another starting point'), '.']);
      return;
    }
    mount(box, errorBox(err));
    return { destroy() { cy.destroy(); } };
  }
  const c = cy.getElementById(centre);
  if (c.empty()) {
    notFound(el, 'Not in the graph', [`Nothing has the id “${centre}”. `, h('a', { href: '/graph' }, 'Pick another starting point'), '.']);
    cy.destroy();
    return;
  }
  c.addClass('centre');
  document.title = `${c.data('label')} · Graph · civicgraph`;
  selected = centre;
  for (const id of (params.get('expand') || '').split(',').filter(Boolean)) {
    try { await expand(id); } catch { /* a stale id in a shared link */ }
  }
  cy.fit(undefined, 24);
  refreshUI();
  if (from && to) runPath();

  const onResize = () => cy.resize();
  window.addEventListener('resize', onResize);
  return {
    destroy() {
      window.removeEventListener('resize', onResize);
      cy.destroy();
    },
  };
}
