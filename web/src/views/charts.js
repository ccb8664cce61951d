// Charts from the aggregation queries, drawn as SVG by hand:
// theme × award-year trends (themeTrends) as a heatmap with per-year totals,
// and theme co-occurrence (themeCooccurrence) as a matrix coloured by lift.
import { gql } from '../api.js';
import { h, s, mount, loading, errorBox } from '../dom.js';

const QUERY = `{
  themeTrends { theme { slug name } year count }
  themeCooccurrence(minCount: 1) { a { slug name } b { slug name } count jaccard lift }
}`;

// Sequential blues and a diverging scale for lift (below 1 blue, above 1 orange).
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

function trends(rows) {
  const years = [...new Set(rows.map((r) => r.year))].sort();
  const themes = new Map();
  for (const r of rows) {
    if (!themes.has(r.theme.slug)) themes.set(r.theme.slug, { ...r.theme, total: 0, by: new Map() });
    const t = themes.get(r.theme.slug);
    t.total += r.count;
    t.by.set(r.year, r.count);
  }
  const list = [...themes.values()].sort((a, b) => b.total - a.total);
  const max = Math.max(1, ...rows.map((r) => r.count));
  const LW = 230, CW = 54, RH = 26, TOP = 28, BAR = 90;
  const W = LW + years.length * CW + 10 + BAR + 40, H = TOP + list.length * RH + 10;
  const maxTotal = Math.max(1, ...list.map((t) => t.total));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart heat', role: 'img', 'aria-labelledby': 'trends-h' });
  years.forEach((y, j) => svg.append(s('text', { x: LW + j * CW + CW / 2, y: 18, class: 'colhead' }, String(y))));
  svg.append(s('text', { x: LW + years.length * CW + 10, y: 18, class: 'colhead start' }, 'all years'));
  list.forEach((t, i) => {
    const y = TOP + i * RH;
    svg.append(s('a', { href: `/?theme=${t.slug}` }, s('text', { x: LW - 8, y: y + RH / 2 + 4, class: 'rowhead' }, t.name)));
    years.forEach((yr, j) => {
      const n = t.by.get(yr) || 0;
      const bg = seq(n / max);
      const cell = s('g', null,
        s('rect', { x: LW + j * CW + 1, y: y + 1, width: CW - 2, height: RH - 2, rx: 3, fill: bg }),
        n ? s('text', { x: LW + j * CW + CW / 2, y: y + RH / 2 + 4, class: 'cell', style: `fill:${ink(bg)}` }, String(n)) : null,
        s('title', null, `${t.name}, ${yr}: ${n} initiative${n === 1 ? '' : 's'}`));
      svg.append(n ? s('a', { href: `/?theme=${t.slug}&year=${yr}`, 'aria-label': `${t.name} ${yr}: ${n}` }, cell) : cell);
    });
    const bw = (BAR * t.total) / maxTotal;
    svg.append(s('rect', { x: LW + years.length * CW + 10, y: y + 5, width: bw, height: RH - 10, class: 'bar' }),
      s('text', { x: LW + years.length * CW + 14 + bw, y: y + RH / 2 + 4, class: 'barlabel' }, String(t.total)));
  });
  return svg;
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
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart cooc', role: 'img', 'aria-labelledby': 'cooc-h' });
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

export async function show(el) {
  mount(el, loading('the charts'));
  let d;
  try {
    d = await gql(QUERY);
  } catch (err) {
    mount(el, errorBox(err));
    return;
  }
  mount(el, h('section.charts', null,
    h('h1', null, 'Charts'),
    h('figure', null,
      h('h2', { id: 'trends-h' }, 'Themes by award year'),
      h('p.muted.small', null, 'Initiatives entered in each award year, per theme (an initiative can have several themes). Click a cell to list them.'),
      h('div.scroll', null, trends(d.themeTrends))),
    h('figure', null,
      h('h2', { id: 'cooc-h' }, 'Themes that appear together'),
      h('p.muted.small', null, 'Number of initiatives with both themes; colour shows lift (orange: together more often than by chance, blue: less often).'),
      h('div.scroll', null, cooccurrence(d.themeCooccurrence)))));
}
