// Charts from the aggregation queries, drawn as SVG by hand, each with a
// colour legend and its data downloadable as CSV and JSON:
// theme × award-year trends (themeTrends: every year of the range, zeros
// included) as counts or as shares of the year's initiatives; themes by
// country (themeByCountry, share of the country's initiatives); theme
// co-occurrence (themeCooccurrence) coloured by lift.
// URL: /charts?trend=share
import { gql } from '../api.js';
import { h, s, mount, loading, errorBox, pct } from '../dom.js';
import { toCSV, download } from './search.js';

const QUERY = `{
  themeTrends { theme { slug name } year count total share }
  themeByCountry { theme { slug name } country { code name } count total share }
  themeCooccurrence(minCount: 1) { a { slug name } b { slug name } count jaccard lift }
}`;

function mix(c1, c2, t) {
  const p = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const a = p(c1), b = p(c2);
  return '#' + a.map((x, i) => Math.round(x + (b[i] - x) * t).toString(16).padStart(2, '0')).join('');
}
const seq = (t) => (t <= 0 ? '#f7f9fb' : mix('#dbe9f6', '#08306b', Math.min(1, t)));
function div(lift) {
  if (!lift) return '#f7f9fb';
  const l = Math.log2(lift);
  return l >= 0 ? mix('#fdf0e1', '#b35806', Math.min(1, l / 2)) : mix('#e8eef7', '#2d5d9f', Math.min(1, -l / 2));
}
const ink = (bg) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(bg.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b < 140 ? '#fff' : '#111';
};

/** seqLegend: the sequential scale from 0 to max, as HTML swatches. */
function seqLegend(max, fmt, what) {
  const steps = [0, 0.25, 0.5, 0.75, 1];
  return h('div.legend-scale', { role: 'img', 'aria-label': `Colour scale: light is ${fmt(0)}, dark is ${fmt(max)} ${what}` },
    h('span.lg-title', null, what + ': '),
    steps.map((t) => h('span.lg-step', null, h('span.sw', { style: { background: seq(t) } }), h('span.lg-label', null, fmt(t * max)))));
}
function liftLegend() {
  const steps = [0.25, 0.5, 1, 2, 4];
  return h('div.legend-scale', { role: 'img', 'aria-label': 'Colour scale for lift: blue below 1 (less often together than by chance), white at 1, orange above 1 (more often)' },
    h('span.lg-title', null, 'lift: '),
    steps.map((l) => h('span.lg-step', null, h('span.sw', { style: { background: div(l) } }), h('span.lg-label', null, l < 1 ? `${l} (rarer)` : l === 1 ? '1 (chance)' : `${l}× (more often)`))));
}

function exportButtons(name, rows) {
  const cols = Object.keys(rows[0] || {});
  return h('p.export.small', null, 'Data: ',
    h('button', { type: 'button', 'data-export': name + '.csv', onclick: () => download(`civicgraph-${name}.csv`, toCSV([cols, ...rows.map((r) => cols.map((c) => r[c]))]), 'text/csv') }, 'CSV'), ' ',
    h('button', { type: 'button', 'data-export': name + '.json', onclick: () => download(`civicgraph-${name}.json`, JSON.stringify(rows, null, 2) + '\n', 'application/json') }, 'JSON'));
}

/** grid draws a heatmap: rows × cols, value(row, col) → {n, v, label, href}. */
function grid({ rows, cols, cell, max, fmt, id, rowHref, colHead = (c) => c.label, rotate = false, CW = 54 }) {
  const LW = 230, RH = 26, TOP = rotate ? 150 : 28;
  const W = LW + cols.length * CW + (rotate ? 100 : 10), H = TOP + rows.length * RH + 10;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart heat', id, 'aria-labelledby': id + '-h' });
  cols.forEach((c, j) => {
    const x = LW + j * CW + CW / 2;
    svg.append(rotate
      ? s('text', { x: x - 4, y: TOP - 6, class: 'colhead rot', transform: `rotate(-60 ${x - 4} ${TOP - 6})`, 'data-col': c.key }, colHead(c))
      : s('text', { x, y: 18, class: 'colhead', 'data-col': c.key }, colHead(c)));
  });
  rows.forEach((r, i) => {
    const y = TOP + i * RH;
    svg.append(s('a', { href: rowHref(r) }, s('text', { x: LW - 8, y: y + RH / 2 + 4, class: 'rowhead' }, r.name)));
    cols.forEach((c, j) => {
      const v = cell(r, c);
      const bg = seq(v.v / max);
      const g = s('g', null,
        s('rect', { x: LW + j * CW + 1, y: y + 1, width: CW - 2, height: RH - 2, rx: 3, fill: bg }),
        v.n ? s('text', { x: LW + j * CW + CW / 2, y: y + RH / 2 + 4, class: 'cell', style: `fill:${ink(bg)}` }, fmt(v.v)) : null,
        s('title', null, v.label));
      // The accessible name starts with the text the cell shows.
      svg.append(v.n ? s('a', { href: v.href, 'aria-label': `${fmt(v.v)}: ${v.label}` }, g) : g);
    });
  });
  return svg;
}

function trends(rows, mode) {
  // Every year of the range, also one the API would leave out.
  const ys = rows.map((r) => r.year);
  const years = [];
  for (let y = Math.min(...ys); y <= Math.max(...ys); y++) years.push(y);
  const themes = new Map();
  const totals = new Map();
  for (const r of rows) {
    if (!themes.has(r.theme.slug)) themes.set(r.theme.slug, { ...r.theme, total: 0, by: new Map() });
    const t = themes.get(r.theme.slug);
    t.total += r.count;
    t.by.set(r.year, r);
    totals.set(r.year, r.total);
  }
  const list = [...themes.values()].sort((a, b) => b.total - a.total);
  const share = mode === 'share';
  const max = Math.max(share ? 0.01 : 1, ...rows.map((r) => (share ? r.share : r.count)));
  const fmt = share ? (x) => pct(x) : (x) => String(Math.round(x));
  const svg = grid({
    id: 'trends', rows: list, cols: years.map((y) => ({ key: y, label: String(y) })), max, fmt,
    rowHead: (t) => t.name, rowHref: (t) => `/?theme=${t.slug}`,
    colHead: (c) => `${c.label}${totals.get(c.key) ? '' : '*'}`,
    cell: (t, c) => {
      const r = t.by.get(c.key) || { count: 0, share: 0, total: totals.get(c.key) || 0 };
      return { n: r.count, v: share ? r.share : r.count, href: `/?theme=${t.slug}&year=${c.key}`,
        label: `${t.name}, ${c.key}: ${r.count} of ${r.total} initiative${r.total === 1 ? '' : 's'} (${pct(r.share || 0)})` };
    },
  });
  const gaps = years.filter((y) => !totals.get(y));
  return { svg, legend: seqLegend(max, fmt, share ? 'share of the year\u2019s initiatives' : 'initiatives'), gaps, years, totals };
}

function byCountry(rows) {
  const countries = new Map();
  const themes = new Map();
  for (const r of rows) {
    if (!countries.has(r.country.code)) countries.set(r.country.code, { ...r.country, total: r.total });
    if (!themes.has(r.theme.slug)) themes.set(r.theme.slug, { ...r.theme, total: 0, by: new Map() });
    const t = themes.get(r.theme.slug);
    t.total += r.count;
    t.by.set(r.country.code, r);
  }
  const cols = [...countries.values()].sort((a, b) => b.total - a.total).slice(0, 20);
  const list = [...themes.values()].sort((a, b) => b.total - a.total);
  const max = Math.max(0.01, ...rows.filter((r) => cols.some((c) => c.code === r.country.code)).map((r) => r.share));
  const svg = grid({
    id: 'bycountry', rows: list, cols: cols.map((c) => ({ key: c.code, label: `${c.name} (${c.total})` })), max, fmt: (x) => pct(x),
    rotate: true, CW: 40, rowHref: (t) => `/?theme=${t.slug}`,
    cell: (t, c) => {
      const r = t.by.get(c.key) || { count: 0, share: 0, total: 0 };
      return { n: r.count, v: r.share, href: `/?theme=${t.slug}&country=${c.key}`,
        label: `${t.name} in ${c.label.replace(/ \(\d+\)$/, '')}: ${r.count} of ${r.total} (${pct(r.share)})` };
    },
  });
  return { svg, legend: seqLegend(max, (x) => pct(x), 'share of the country\u2019s initiatives'), shown: cols.length, all: countries.size };
}

function cooccurrence(pairs) {
  const names = new Map();
  for (const p of pairs) { names.set(p.a.slug, p.a.name); names.set(p.b.slug, p.b.name); }
  const deg = new Map();
  for (const p of pairs) for (const k of [p.a.slug, p.b.slug]) deg.set(k, (deg.get(k) || 0) + p.count);
  const slugs = [...names.keys()].sort((a, b) => deg.get(b) - deg.get(a));
  const idx = new Map(slugs.map((k, i) => [k, i]));
  const cell = new Map();
  for (const p of pairs) { cell.set(`${p.a.slug}|${p.b.slug}`, p); cell.set(`${p.b.slug}|${p.a.slug}`, p); }
  const LW = 230, C = 36, TOP = 250;
  const W = LW + slugs.length * C + 150, H = TOP + slugs.length * C + 10;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart cooc', id: 'cooc', 'aria-labelledby': 'cooc-h' });
  slugs.forEach((k, j) => {
    const x = LW + j * C + C / 2 + 4;
    svg.append(s('text', { x, y: TOP - 6, class: 'colhead rot', transform: `rotate(-60 ${x} ${TOP - 6})` }, names.get(k)));
    svg.append(s('a', { href: `/?theme=${k}` }, s('text', { x: LW - 8, y: TOP + j * C + C / 2 + 4, class: 'rowhead' }, names.get(k))));
  });
  for (const a of slugs) for (const b of slugs) {
    const i = idx.get(a), j = idx.get(b);
    const x = LW + j * C, y = TOP + i * C;
    if (a === b) { svg.append(s('rect', { x: x + 1, y: y + 1, width: C - 2, height: C - 2, fill: '#eee', rx: 3 })); continue; }
    const p = cell.get(`${a}|${b}`);
    const bg = p ? div(p.lift) : '#f7f9fb';
    svg.append(s('g', null,
      s('rect', { x: x + 1, y: y + 1, width: C - 2, height: C - 2, rx: 3, fill: bg }),
      p ? s('text', { x: x + C / 2, y: y + C / 2 + 4, class: 'cell', style: `fill:${ink(bg)}` }, String(p.count)) : null,
      s('title', null, p ? `${names.get(a)} + ${names.get(b)}: ${p.count} initiatives, Jaccard ${p.jaccard.toFixed(2)}, lift ${p.lift.toFixed(2)}` : `${names.get(a)} + ${names.get(b)}: none`)));
  }
  return svg;
}

export async function show(el, ctx) {
  mount(el, loading('the charts'));
  let d;
  try {
    d = await gql(QUERY);
  } catch (err) {
    mount(el, errorBox(err));
    return;
  }
  let mode = ctx.params.get('trend') === 'share' ? 'share' : 'count';
  const trendBox = h('div.scroll');
  const trendLegend = h('div');
  const trendNote = h('p.muted.small');
  const radios = ['count', 'share'].map((m) => h('label.radio', null,
    h('input', { type: 'radio', name: 'trend-mode', value: m, id: 'trend-' + m, checked: m === mode,
      onchange: () => { mode = m; history.replaceState(history.state, '', m === 'share' ? '/charts?trend=share' : '/charts'); drawTrends(); } }),
    m === 'count' ? ' counts' : ' share of each year'));
  function drawTrends() {
    const t = trends(d.themeTrends, mode);
    mount(trendBox, t.svg);
    mount(trendLegend, t.legend);
    trendNote.textContent = `Award years ${t.years[0]}–${t.years[t.years.length - 1]}, every year shown` +
      (t.gaps.length ? `; no initiative has an award in ${t.gaps.join(', ')} (marked *).` : '.') +
      ' Initiatives per year: ' + t.years.map((y) => `${y}: ${t.totals.get(y) || 0}`).join(', ') + '.';
  }
  drawTrends();
  const bc = byCountry(d.themeByCountry);
  const flat = (rows, f) => rows.map(f);
  mount(el, h('section.charts', null,
    h('h1', null, 'Charts'),
    h('figure', null,
      h('h2', { id: 'trends-h' }, 'Themes by award year'),
      h('p.muted.small', null, 'Initiatives entered in each award year, per theme (an initiative can have several themes). Years differ in size, so the share of each year answers “which themes rose”. Click a cell to list them.'),
      h('fieldset.toggle', null, h('legend', null, 'Show'), radios),
      trendLegend, trendBox, trendNote,
      exportButtons('theme-trends', flat(d.themeTrends, (r) => ({ theme: r.theme.slug, theme_name: r.theme.name, year: r.year, count: r.count, year_total: r.total, share: r.share })))),
    h('figure', null,
      h('h2', { id: 'bycountry-h' }, 'Themes by country'),
      h('p.muted.small', null, `Share of each country's initiatives (city-level and national) with the theme; the ${bc.shown} countries with most initiatives of ${bc.all}, number of initiatives in brackets. Click a cell to list them.`),
      bc.legend, h('div.scroll', null, bc.svg),
      exportButtons('theme-by-country', flat(d.themeByCountry, (r) => ({ theme: r.theme.slug, theme_name: r.theme.name, country: r.country.code, country_name: r.country.name, count: r.count, country_total: r.total, share: r.share })))),
    h('figure', null,
      h('h2', { id: 'cooc-h' }, 'Themes that appear together'),
      h('p.muted.small', null, 'Number of initiatives with both themes; the colour shows lift: how much more (orange) or less (blue) often the two appear together than if themes were independent.'),
      liftLegend(), h('div.scroll', null, cooccurrence(d.themeCooccurrence)),
      exportButtons('theme-pairs', flat(d.themeCooccurrence, (r) => ({ theme_a: r.a.slug, theme_b: r.b.slug, count: r.count, jaccard: r.jaccard, lift: r.lift }))))));
}
