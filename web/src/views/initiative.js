// Initiative view: everything the graph knows about one initiative, with
// provenance, and "Similar elsewhere" (similar initiatives in other cities,
// each with the reason).
import { gql, keyOf } from '../api.js';
import { h, mount, pct, loading, errorBox, STATUS_LABEL } from '../dom.js';
import { lastSearch, LEVEL_LABEL } from './search.js';
import { notFound, isNotFound } from './notfound.js';

const QUERY = `query Initiative($id: ID!) {
  initiative(id: $id) {
    id key title titleDerived altTitles summary covid
    city { city { id name countryCode latitude longitude } confidence evidence sources { url method } }
    country { country { code name } confidence evidence }
    level { level confidence evidence }
    themes { theme { slug name description } source confidence terms sources { url method } }
    awards { year status category sources { url method } }
    sources { url method }
  }
  similarInitiatives(id: $id, first: 8, differentCity: true) {
    score semanticScore textScore themeScore reason
    sharedThemes { slug name }
    sharedTerms
    initiative { id key title city { city { id name } } country { country { code name } } }
  }
}`;

const METHOD = {
  listing: 'showroom listing', 'url-category': 'category in the URL', 'url-country': 'country in the URL',
  'url-year': 'year in the URL', 'page-structure': 'page structure', 'winners-footer': 'winners list',
  text: 'text of the page', 'user-file': 'user file', curation: 'curation',
};

function sourceLink(src) {
  const label = METHOD[src.method] || src.method;
  if (/^https?:\/\//.test(src.url)) {
    return h('a', { href: src.url, rel: 'noopener noreferrer', target: '_blank' }, src.url.replace(/^https?:\/\/(www\.)?/, ''), h('span.muted', null, ` (${label})`));
  }
  return h('span', null, src.url, h('span.muted', null, ` (${label})`));
}

// The percentage is written beside it; the bar is decoration.
function meter(x, label) {
  return h('span.meter', { title: `${label}: ${pct(x)}`, 'aria-hidden': 'true' }, h('span', { style: { width: pct(x) } }));
}

/** citeLine: title, source URL, "civicgraph, data as of <date>" (the API has no import date, so the day it was read). */
/** warmup: the initiative page's request (see search.js's warmup); the
 * key is a placeholder, since Neo4j plans a statement, not its values. */
export const warmup = () => [{ query: QUERY, variables: { id: 'warm-up' } }];

export function citeLine(i) {
  const src = i.sources.map((s) => s.url).find((u) => /^https?:\/\//.test(u));
  const date = new Date().toISOString().slice(0, 10);
  return `“${i.title}”. ${src ? src + '. ' : ''}civicgraph, data as of ${date}, ${location.origin}/initiative/${encodeURIComponent(i.key)}.`;
}

export async function show(el, ctx) {
  const key = decodeURIComponent(ctx.match[1]);
  mount(el, loading('the initiative'));
  let data;
  try {
    data = await gql(QUERY, { id: key });
  } catch (err) {
    if (!isNotFound(err)) { mount(el, errorBox(err)); return; }
    data = { initiative: null };
  }
  const i = data.initiative;
  if (!i) {
    notFound(el, 'Initiative not found', [`No initiative has the key “${key}”. `,
      h('a', { href: '/?q=' + encodeURIComponent(key.replace(/-/g, ' ')) }, 'Search for its words'), '.']);
    return;
  }
  document.title = `${i.title} · civicgraph`;
  const city = i.city?.city;
  const country = i.country?.country;
  const sim = data.similarInitiatives;

  mount(el, h('article.initiative', null,
    h('p.crumbs', null, h('a', { href: lastSearch }, '← Search results')),
    h('h1', null, i.title, i.titleDerived ? h('span.muted.small', { title: 'The showroom gave no title; this one is derived from the summary.' }, ' (derived title)') : null),
    i.altTitles.length ? h('p.muted', null, 'Also listed as: ', i.altTitles.join(' · ')) : null,
    h('p.summary.lead', null, i.summary || h('span.muted', null, 'No summary.')),
    h('dl.facts', null,
      h('dt', null, 'Place'),
      h('dd', { class: 'place' },
        city ? [h('a', { href: `/map?city=${city.id.replace('city/', '')}` }, city.name),
          i.city.evidence ? h('span.muted', null, ` (matched “${i.city.evidence}”, confidence ${pct(i.city.confidence)})`) : null] : h('span.muted', null, 'no city'),
        country ? [', ', h('a', { href: `/?country=${country.code}` }, country.name)] : null),
      h('dt', null, 'Awards'),
      h('dd', null, i.awards.length ? h('ul.plain', null, i.awards.map((a) => h('li', null,
        h('span.badge.' + a.status.toLowerCase(), null, STATUS_LABEL[a.status]), ' ',
        h('a', { href: `/?year=${a.year}` }, String(a.year)),
        a.category ? h('span.muted', null, ` · category ${a.category}`) : null))) : h('span.muted', null, i.covid ? 'COVID-19 measure (not an award entry)' : 'no award year')),
      h('dt', null, 'Level'),
      h('dd', { class: 'level' }, i.level ? [LEVEL_LABEL[i.level.level] || i.level.level,
        i.level.evidence ? h('span.muted', null, ` (the text says “${i.level.evidence}”)`) : null] : h('span.muted', null, 'unknown (the text does not say)')),
      h('dt', null, 'Graph'),
      h('dd', null, h('a', { href: '/graph/' + i.id }, 'Show its neighbourhood as a graph'), city ? [' · ', h('a', { href: '/graph/' + city.id }, `${city.name} in the graph`)] : null)),
    h('section.themes', null,
      h('h2', null, 'Themes'),
      i.themes.length ? h('ul.themelist', null, i.themes.map((t) => h('li', null,
        h('a.tag', { href: `/?theme=${t.theme.slug}`, title: t.theme.description }, t.theme.name),
        h('span.src', null, t.source === 'category' ? 'from a showroom category page' : t.source === 'text' ? 'from the text' : 'set by a curator'),
        t.terms.length ? h('span.muted', null, ` (“${t.terms.join('”, “')}”)`) : null,
        ' ', meter(t.confidence, 'confidence'), h('span.muted.small', null, ` ${pct(t.confidence)}`)))) : h('p.muted', null, 'No theme.')),
    h('section.similar', { 'aria-labelledby': 'sim-h' },
      h('h2', { id: 'sim-h' }, 'Similar elsewhere'),
      h('p.muted.small', null, 'Initiatives in other cities (or national ones) that say something similar. The score blends meaning (multilingual embeddings), shared words and shared themes, and the text weighs most: by default 0.6 × meaning + 0.3 × words + 0.1 × themes (the server can be set otherwise; the API describes the formula on SimilarInitiative.score).'),
      sim.length ? h('ol.simlist', null, sim.map((s) => {
        const c = s.initiative.city?.city;
        const co = s.initiative.country?.country;
        return h('li.similar-item', null,
          h('a.simtitle', { href: '/initiative/' + encodeURIComponent(s.initiative.key || keyOf(s.initiative.id)) }, s.initiative.title),
          h('span.simplace', { dataset: { city: c?.name || '' } }, c ? `${c.name}${co ? ', ' + co.name : ''}` : co ? `${co.name} (no city)` : 'place unknown'),
          h('span.reason', null, s.reason),
          h('span.score', null, meter(s.score, 'similarity'), ` ${pct(s.score)}`, h('span.muted.small', null, ` meaning ${pct(s.semanticScore)} · words ${pct(s.textScore)} · themes ${pct(s.themeScore)}`)));
      })) : h('p.muted', null, 'No similar initiative elsewhere.')),
    h('section.cite', { 'aria-labelledby': 'cite-h' },
      h('h2', { id: 'cite-h' }, 'Cite this'),
      h('p.citeline', { id: 'cite' }, citeLine(i)),
      h('button', { type: 'button', onclick: (e) => navigator.clipboard?.writeText(citeLine(i)).then(() => { e.target.textContent = 'Copied'; }, () => { e.target.textContent = 'Select the line to copy it'; }) }, 'Copy')),
    h('section.sources', null,
      h('h2', null, 'Sources'),
      h('ul.plain', null, i.sources.map((src) => h('li', null, sourceLink(src)))))));
}
