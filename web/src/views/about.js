// About the data: live coverage figures from the API's `coverage` query,
// where the data comes from and under which terms.
import { gql } from '../api.js';
import { h, mount, pct, loading, errorBox } from '../dom.js';

const QUERY = `{ coverage { initiatives withCity withCountry countryOnly withoutPlace withYear withLevel withTheme derivedTitles covid }
  awardYears { year initiativeCount } }`;

/** warmup: the about page's request (see search.js's warmup). */
export const warmup = () => [{ query: QUERY, variables: {} }];

export async function show(el) {
  mount(el, h('section.page.about', null, h('h1', null, 'About the data'), loading('the coverage figures')));
  let d;
  try {
    d = await gql(QUERY);
  } catch (err) {
    mount(el, h('section.page.about', null, h('h1', null, 'About the data'), errorBox(err)));
    return;
  }
  const c = d.coverage;
  const row = (key, label, n, note) => h('tr', { dataset: { cov: key } },
    h('th', { scope: 'row' }, label), h('td.num', null, String(n)), h('td.num', null, pct(n / Math.max(1, c.initiatives))), h('td', null, note || ''));
  const years = d.awardYears.map((y) => y.year);
  mount(el, h('section.page.about', null,
    h('h1', null, 'About the data'),
    h('p.lead', null, 'civicgraph links the initiatives of the Innovation in Politics Awards showroom to cities, countries, themes, award years and levels of government. ',
      'Every link records the page it was read from and how (see “Sources” on any initiative).'),
    h('h2', null, 'Coverage, live from the API'),
    h('p', null, 'Counted now by the ', h('code', null, 'coverage'), ' query. What is not counted is unknown, not absent: an initiative without a year may still have been entered in an award, one without a city may be national.'),
    h('div.scroll', { tabindex: '0', role: 'region', 'aria-label': 'Coverage table' }, h('table.coverage', null,
      h('caption.visually-hidden', null, 'How many initiatives have each kind of fact'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Fact'), h('th', { scope: 'col' }, 'Initiatives'), h('th', { scope: 'col' }, 'Share'), h('th', { scope: 'col' }, 'Note'))),
      h('tbody', null,
        row('initiatives', 'All initiatives', c.initiatives),
        row('withCity', 'With a city', c.withCity, 'and so a country; these are on the map'),
        row('withCountry', 'With a country', c.withCountry),
        row('countryOnly', 'Country but no city', c.countryOnly, 'national, regional, or the city was not resolved'),
        row('withoutPlace', 'Place unknown', c.withoutPlace, 'neither city nor country'),
        row('withYear', 'With an award year', c.withYear, years.length ? `award years ${years[0]}–${years[years.length - 1]}` : ''),
        row('withLevel', 'With a level of government', c.withLevel, 'only where the text says who runs it'),
        row('withTheme', 'With a theme', c.withTheme),
        row('derivedTitles', 'Title derived from the summary', c.derivedTitles, 'the page gave no title'),
        row('covid', 'COVID-19 measures', c.covid)))),
    h('h2', null, 'Where it comes from'),
    h('ul', null,
      h('li', null, 'Initiatives, summaries, awards and categories: the showroom of the Innovation in Politics Awards (Innovation in Politics Institute), read page by page at import time. The texts remain theirs; civicgraph keeps the source URL of each fact.'),
      h('li', null, 'Cities, coordinates and population: GeoNames, under CC BY 4.0 (attribution: GeoNames, geonames.org).'),
      h('li', null, 'Map shapes: Natural Earth 1:50m (public domain), through the npm package world-atlas.'),
      h('li', null, 'Themes and levels of government: assigned by civicgraph from showroom categories and keywords in the text, each with its confidence and the words that matched.')),
    h('h2', null, 'Using it'),
    h('p', null, 'Every view has its own URL, so a link shows the same thing to your reader. The search page downloads the current results as CSV or JSON; every initiative has a “cite this” line. For anything else, the GraphQL API is open at ',
      h('a', { href: '/graphiql', 'data-reload': '' }, '/graphql'), '.'),
    h('p', null, 'Please credit “civicgraph, with data from the Innovation in Politics showroom and GeoNames (CC BY 4.0)” and link the initiative’s source page.')));
}
