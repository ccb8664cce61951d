// The friendly page for anything that does not exist: an unknown path, an
// initiative key or a city id nobody has. It says so in words (no raw API
// error) and links home.
import { h, mount } from '../dom.js';

/** notFound fills el with a "not found" page; what is a list of nodes/strings. */
export function notFound(el, title, what, extra = null) {
  document.title = `${title} · civicgraph`;
  mount(el, h('section.page.notfound', { dataset: { notfound: '' } },
    h('h1', null, title),
    h('p', null, what),
    extra,
    h('p', null, 'The link may be old, or the data was imported again since. ',
      h('a', { href: '/' }, 'Go to the start page'), ' or ', h('a', { href: '/about' }, 'read about the data'), '.')));
}

/** isNotFound tells whether an API error means "no such object". */
export const isNotFound = (err) => !!err && (
  (err.errors || []).some((e) => e.extensions?.code === 'NOT_FOUND' || /not found|no such|unknown/i.test(e.message)));
