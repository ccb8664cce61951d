// Browser test of the civicgraph explorer in headless Debian Chromium
// (playwright-core; no downloaded browser). Needs a running server with the
// ../shared showroom imported:
//
//   BASE_URL=http://127.0.0.1:8090 node explorer.test.mjs
//
// Steps: the landing and first results, search and keyboard (results
// reachable by Tab, a skip link), facet counts that equal what ticking gives
// (OR within a group) and visible "unknown" buckets, the level filter, Back
// after "Show more" (list and scroll restored), CSV/JSON export, an
// initiative with "Similar elsewhere" and "cite this", the not-found pages,
// the graph (start from a search, labelled initiatives, the path fitted in
// view and told in words), the map (every city inside the viewBox, ranking
// not clipped, the nearest centre wins a click, national initiatives
// shaded), the charts (legends, every year, shares, themes by country), the
// about page (live coverage), GraphiQL; then every view at 1440×900 and at
// 390×844: axe-core (fails on any serious or critical violation), no
// horizontal overflow (measured against visualViewport.width, which
// isMobile does not widen) and a screenshot. Any console error, page error,
// failed same-origin request or request to another origin fails the test.
// Prints the time to the first search results and "N passed, N failed".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.SCREENSHOT_DIR || path.join(here, 'screenshots');
const TIMEOUT = 20_000;
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
fs.rmSync(SHOTS, { recursive: true, force: true });
fs.mkdirSync(SHOTS, { recursive: true });

const results = [];
const problems = []; // console errors and page errors, with the page they happened on
let failedHard = false;

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function step(name, fn) {
  if (failedHard) {
    results.push({ name, status: 'skipped' });
    console.log(`- skip ${name}`);
    return;
  }
  const before = problems.length;
  const t0 = Date.now();
  try {
    await fn();
    if (problems.length > before) throw new Error('console/page errors:\n    ' + problems.slice(before).join('\n    '));
    results.push({ name, status: 'passed' });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, status: 'failed' });
    console.log(`FAIL ${name}: ${err.message}`);
    failedHard = true; // later steps build on this one
  }
}

function watch(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`[console.error on ${page.url()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`[page error on ${page.url()}] ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.url().startsWith(BASE)) problems.push(`[HTTP ${res.status()} on ${page.url()}] ${res.url()}`);
  });
  page.on('request', (req) => {
    if (!req.url().startsWith(BASE) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) problems.push(`[external request from ${page.url()}] ${req.url()}`);
  });
}

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name), fullPage: false });

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-quic', '--disable-sync'],
});
const timings = {};
const axeSummary = {}; // impact -> count, over every audited view and width
const axeFailures = [];

/** audit runs axe-core in the page; returns its violations (all impacts), records serious/critical ones. */
async function audit(page, name, { exclude = [], failing = true } = {}) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE); // evaluate: not subject to the page's CSP
  const v = await page.evaluate(async (exclude) => {
    const r = await window.axe.run(exclude.length ? { exclude: exclude.map((s) => [s]) } : document, { resultTypes: ['violations'] });
    return r.violations.map((x) => ({ id: x.id, impact: x.impact, n: x.nodes.length, where: x.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, exclude);
  for (const x of v) {
    if (failing) axeSummary[x.impact] = (axeSummary[x.impact] || 0) + x.n;
    if (failing && (x.impact === 'serious' || x.impact === 'critical')) axeFailures.push(`${name}: ${x.impact} ${x.id} ×${x.n} (${x.where.join(' | ')})`);
  }
  return v;
}

/** parseCSV reads RFC 4180 text (quoted fields, doubled quotes, CRLF). */
function parseCSV(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\n') throw new Error('bare LF in CSV at ' + i);
    field += c; i++;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function api(page, query) {
  return page.evaluate(async (q) => (await (await fetch('/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: q }) })).json()).data, query);
}
const statusText = (page) => page.locator('#search-status').textContent();
const totalOf = async (page) => Number((await statusText(page)).match(/^(\d+)/)?.[1]);
async function waitLoaded(page, prev) {
  await page.waitForFunction((p) => { const l = document.querySelector('#results'); return l && l.dataset.loaded && l.dataset.loaded !== p && !l.hasAttribute('aria-busy'); }, prev ?? '');
}
const loadedMark = (page) => page.locator('#results').getAttribute('data-loaded');
async function download(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: dl.suggestedFilename(), text: fs.readFileSync(await dl.path(), 'utf8') };
}

try {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  ctx.setDefaultTimeout(TIMEOUT);
  const page = await ctx.newPage();
  watch(page);
  let current = { title: '', city: '', key: '' };

  await step('load /: a landing that says what the site is, recent winners, first results', async () => {
    // The landing's GraphQL requests, to compare with the server's warm-up set.
    const sent = [];
    const record = (req) => { if (req.method() === 'POST' && req.url().endsWith('/graphql')) sent.push(JSON.parse(req.postData() || '{}').query); };
    page.on('request', record);
    const t0 = Date.now();
    await page.goto(BASE + '/');
    await page.locator('#results li.result').first().waitFor();
    timings.wall = Date.now() - t0;
    timings.mark = await page.evaluate(() => performance.getEntriesByName('civicgraph:first-results')[0]?.startTime);
    timings.dcl = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd);
    assert(await page.locator('#q').evaluate((el) => el === document.activeElement), 'search box has focus on load');
    assert(await page.locator('h1').count() === 1, 'one h1 on the search page');
    assert(/political-innovation/i.test(await page.locator('.landing .lead').textContent()), 'the landing says what the site is');
    await page.locator('.landing .winners li a').first().waitFor();
    page.off('request', record); // the test's own requests below are not the page's
    const winners = await page.locator('.landing .winners li a').count();
    const years = await page.locator('.landing .winyear h3').allTextContents();
    const d = await api(page, '{ awardYears { year winners { key } } }');
    const latest = d.awardYears.filter((y) => y.winners.length).slice(-2).reverse();
    assert(years.join() === latest.map((y) => y.year).join(), `winners of ${latest.map((y) => y.year)} shown: ${years}`);
    assert(winners === latest.reduce((n, y) => n + y.winners.length, 0), 'every recent winner listed');
    console.log(`     landing: winners of ${years.join(', ')} (${winners})`);
    // Every request of the first visit is in the warm-up the server runs at
    // start (the embedded dist/warmup.json), so Neo4j had planned it before
    // this visit.
    const warmFile = path.join(here, '..', 'internal', 'explorer', 'dist', 'warmup.json');
    const warm = new Set(JSON.parse(fs.readFileSync(warmFile, 'utf8')).map((r) => r.query));
    const cold = [...new Set(sent)].filter((q) => !warm.has(q));
    assert(sent.length >= 3 && !cold.length, `landing requests not in the warm-up: ${cold.map((q) => q.slice(0, 60))}`);
    await shot(page, '01-home.png');
    const t1 = Date.now();
    await page.goto(BASE + '/?q=volunteers');
    await page.locator('#results li.result').first().waitFor();
    timings.warmWall = Date.now() - t1;
    timings.warmMark = await page.evaluate(() => performance.getEntriesByName('civicgraph:first-results')[0]?.startTime);
    await page.goto(BASE + '/');
    await page.locator('#results li.result').first().waitFor();
  });

  await step('type "volunteers": results as you type; ↓ and Tab reach the results; skip links', async () => {
    const t0 = Date.now();
    await page.locator('#q').pressSequentially('volunteers', { delay: 40 });
    await page.waitForFunction(() => /match “volunteers”/.test(document.querySelector('#search-status')?.textContent || ''));
    timings.typing = Date.now() - t0;
    assert(await page.locator('#results li.result').count() > 0, 'no results for volunteers');
    assert(new URL(page.url()).searchParams.get('q') === 'volunteers', 'URL carries q=volunteers: ' + page.url());
    // No listbox options wrapping links, no link taken out of the Tab order.
    assert(await page.locator('#results [role=option], #results a[tabindex="-1"]').count() === 0, 'result rows are plain list items with focusable links');
    await page.keyboard.press('ArrowDown');
    assert(await page.evaluate(() => document.activeElement === document.querySelectorAll('#results a.open')[0]), '↓ focuses the first result');
    await page.keyboard.press('ArrowDown');
    assert(await page.evaluate(() => document.activeElement === document.querySelectorAll('#results a.open')[1]), '↓ again focuses the second result');
    await page.keyboard.press('Escape');
    assert(await page.locator('#q').evaluate((el) => el === document.activeElement), 'Esc goes back to the box');
    // Tab from the box: the skip link past the ~40 filter checkboxes, then Enter lands on the first result.
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement?.classList.contains('skip-inline')), 'Tab from the box reaches "Skip the filters to the results"');
    await page.keyboard.press('Enter');
    assert(await page.evaluate(() => document.activeElement === document.querySelector('#results a.open')), 'Enter on it focuses the first result');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement?.closest('#results') != null), 'Tab moves on within the results');
    // The page-wide skip link is the first Tab stop of the page.
    const first = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')].find((e) => !e.disabled && !e.hidden)?.textContent);
    assert(first === 'Skip to content', 'first Tab stop is the skip link: ' + first);
    await page.locator('a.skip').focus();
    await page.keyboard.press('Enter');
    assert(await page.evaluate(() => document.activeElement?.id === 'view'), 'skip link moves focus to the main content');
    await shot(page, '02-search-volunteers.png');
  });

  await step('facet counts equal what ticking gives (OR within a group); unknown buckets shown', async () => {
    await page.goto(BASE + '/');
    await page.locator('#results li.result').first().waitFor();
    const cov = (await api(page, '{ coverage { initiatives withCountry withYear withLevel } }')).coverage;
    const unknown = async (g) => Number(await page.locator(`li.unknown[data-unknown="${g}"] .count`).textContent());
    assert(await unknown('country') === cov.initiatives - cov.withCountry, `country unknown = ${cov.initiatives - cov.withCountry}`);
    assert(await unknown('year') === cov.initiatives - cov.withYear, `year unknown = ${cov.initiatives - cov.withYear}`);
    assert(await unknown('level') === cov.initiatives - cov.withLevel, `level unknown = ${cov.initiatives - cov.withLevel}`);
    const tick = async (sel) => {
      const li = page.locator(sel).first();
      const value = await li.locator('input').getAttribute('value');
      const c = li.locator('.count');
      const count = await c.getAttribute('data-count');
      const add = await c.getAttribute('data-add');
      const before = await totalOf(page);
      const mark = await loadedMark(page);
      await li.locator('label').click();
      await waitLoaded(page, mark);
      return { value, count: count === '' ? null : Number(count), add: add === '' ? null : Number(add), before, after: await totalOf(page) };
    };
    // 1) Participation: nothing ticked in the group, the count is the result.
    await page.goto(BASE + '/?theme=participation');
    await page.locator('#results li.result').first().waitFor();
    const part = await totalOf(page);
    const direct = Number(await (await api(page, '{ initiatives(filter: {themes: ["participation"]}) { totalCount } }')).initiatives.totalCount);
    assert(part === direct, `participation: ${part} = ${direct}`);
    // 2) Another theme in the same group: its "+n" is what ticking adds (OR).
    const other = await tick('fieldset[data-facet="theme"] li:has(input:not(:checked)):has-text("Democracy")');
    assert(other.add != null, 'an unticked theme in a group with a ticked one shows +n');
    assert(other.after === other.before + other.add, `ticking ${other.value}: ${other.before} + ${other.add} = ${other.after}`);
    console.log(`     theme participation (${part}) + ${other.value}: +${other.add} predicted, ${other.after} after ticking`);
    // 3) A country in a group with nothing ticked: the count is the result.
    const co = await tick('fieldset[data-facet="country"] li:not(.unknown)');
    assert(co.after === co.count, `country ${co.value}: count ${co.count}, after ticking ${co.after}`);
    // 4) A second country: +n adds up too.
    const co2 = await tick('fieldset[data-facet="country"] li:has(input:not(:checked))');
    assert(co2.after === co2.before + co2.add, `second country ${co2.value}: ${co2.before} + ${co2.add} = ${co2.after}`);
    // 5) Award status (counted per status in any year, as the filter does).
    const stx = await tick('fieldset[data-facet="status"] li:has(input:not(:checked))');
    assert(stx.after === stx.count, `status ${stx.value}: count ${stx.count}, after ticking ${stx.after}`);
    assert(await page.locator('.chips .chip').count() >= 4, 'chips for the active filters');
    await shot(page, '03-facets.png');
  });

  await step('level of government filter', async () => {
    await page.goto(BASE + '/');
    await page.locator('#results li.result').first().waitFor();
    const li = page.locator('fieldset[data-facet="level"] li:not(.unknown)').first();
    const value = await li.locator('input').getAttribute('value');
    const count = Number(await li.locator('.count').textContent());
    const mark = await loadedMark(page);
    await li.locator('label').click();
    await waitLoaded(page, mark);
    assert(new URL(page.url()).searchParams.get('level') === value, 'URL carries level');
    assert(await totalOf(page) === count, `level ${value}: ${count} = ${await totalOf(page)}`);
    console.log(`     level ${value}: ${count} initiatives`);
  });

  await step('Back after "Show more" restores the list and the scroll position', async () => {
    await page.goto(BASE + '/?theme=participation');
    await page.locator('#results li.result').first().waitFor();
    await page.locator('button.more').click();
    await page.waitForFunction(() => document.querySelectorAll('#results li.result').length === 40);
    await page.locator('#results li.result').nth(32).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 150));
    const y = await page.evaluate(() => window.scrollY);
    const title = (await page.locator('#results li.result .title').nth(33).textContent()).trim();
    await page.locator('#results li.result a.open').nth(33).click();
    await page.locator('article.initiative h1').waitFor();
    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll('#results li.result').length >= 40);
    await page.waitForFunction((y0) => Math.abs(window.scrollY - y0) < 3, y, { timeout: 5000 }).catch(() => {});
    const y2 = await page.evaluate(() => window.scrollY);
    const rows = await page.locator('#results li.result').count();
    assert(rows === 40, `40 rows back, got ${rows}`);
    assert(Math.abs(y2 - y) < 3, `scroll restored: ${y} then ${y2}`);
    assert((await page.locator('#results li.result .title').nth(33).textContent()).trim() === title, 'same row 34');
    console.log(`     40 rows and scrollY ${y2} (was ${y}) after Back`);
  });

  await step('export the result set as CSV (RFC 4180, UTF-8) and JSON', async () => {
    await page.goto(BASE + '/?theme=participation');
    await page.locator('#results li.result').first().waitFor();
    const total = await totalOf(page);
    const csv = await download(page, () => page.locator('#export-csv').click());
    const json = await download(page, () => page.locator('#export-json').click());
    assert(csv.name.endsWith('.csv') && json.name.endsWith('.json'), 'file names');
    assert(csv.text.charCodeAt(0) === 0xfeff, 'CSV starts with a UTF-8 BOM');
    assert(csv.text.endsWith('\r\n'), 'CRLF line ends');
    const rows = parseCSV(csv.text.slice(1));
    const cols = rows[0];
    assert(cols.includes('title') && cols.includes('source') && cols.includes('country'), 'header: ' + cols.join(','));
    assert(rows.length - 1 === total, `CSV rows ${rows.length - 1} = results ${total}`);
    assert(rows.every((r) => r.length === cols.length), 'every CSV row has every column');
    const j = JSON.parse(json.text);
    assert(j.count === total && j.initiatives.length === total, 'JSON has every result');
    const ti = cols.indexOf('title');
    assert(rows.slice(1).every((r, i) => r[ti] === j.initiatives[i].title), 'CSV and JSON agree on every title (quoting round-trips)');
    const hard = j.initiatives.filter((x) => /[",\n]/.test(x.title + x.summary)).length;
    assert(hard > 0, 'the set has values that need quoting');
    assert(/[^\x00-\x7f]/.test(csv.text.slice(1)), 'non-ASCII text kept');
    console.log(`     ${total} rows in CSV and JSON; ${hard} with commas, quotes or newlines`);
  });

  await step('open an initiative: similar elsewhere with its reason; level; cite this', async () => {
    await page.goto(BASE + '/?q=volunteers');
    await page.locator('#results li.result').first().waitFor();
    const listUrl = page.url();
    const rows = page.locator('#results li.result');
    const n = await rows.count();
    let found = false;
    for (let i = 0; i < n && !found; i++) {
      const city = await rows.nth(i).locator('.place').getAttribute('data-city');
      if (!city) continue;
      current = { title: (await rows.nth(i).locator('.title').textContent()).trim(), city };
      await rows.nth(i).locator('a.open').click();
      await page.locator('article.initiative h1').waitFor();
      await page.locator('section.similar').waitFor();
      const others = await page.locator('.similar-item').evaluateAll((items, here) => items
        .map((li) => ({ city: li.querySelector('.simplace').dataset.city, reason: li.querySelector('.reason').textContent.trim(), title: li.querySelector('.simtitle').textContent }))
        .filter((x) => x.city && x.city !== here && x.reason), city);
      if (others.length) {
        found = true;
        console.log(`     "${current.title}" (${city}) ~ "${others[0].title}" (${others[0].city}): ${others[0].reason}`);
      } else {
        await page.goto(listUrl);
        await rows.first().waitFor();
      }
    }
    assert(found, 'no listed initiative with a city has a similar one in another city');
    // Each similar item's parts add up to its score by the formula the page
    // states (the server's default weights; shown rounded to whole percents).
    const parts = await page.locator('.similar-item .score').allTextContents();
    assert(parts.length > 0, 'similar items show their score');
    for (const p of parts) {
      const m = p.match(/(\d+)%\s*meaning (\d+)% · words (\d+)% · themes (\d+)%/);
      assert(m, `score line "${p}" lacks the meaning, words and themes parts`);
      const [score, sem, words, themes] = m.slice(1).map(Number);
      const want = 0.6 * sem + 0.3 * words + 0.1 * themes;
      assert(Math.abs(score - want) <= 1.5, `score ${score}% is not 0.6 × ${sem} + 0.3 × ${words} + 0.1 × ${themes} = ${want.toFixed(1)}%`);
    }
    const h1 = await page.locator('h1').textContent();
    assert(h1.includes(current.title.replace(/…$/, '').slice(0, 20)), 'title shown');
    assert(await page.locator('h1').count() === 1, 'one h1');
    assert(await page.locator('.themelist li').count() > 0, 'themes shown');
    assert((await page.locator('dd.level').textContent()).trim().length > 0, 'level of government (or "unknown") shown');
    const cite = await page.locator('#cite').textContent();
    const src = (await page.locator('section.sources a[href^="http"]').first().getAttribute('href'));
    assert(cite.includes(h1.replace(' (derived title)', '').trim()), 'cite has the title: ' + cite);
    assert(src && cite.includes(src), 'cite has the source URL: ' + cite);
    assert(/civicgraph, data as of \d{4}-\d{2}-\d{2}/.test(cite), 'cite has "civicgraph, data as of <date>": ' + cite);
    current.url = page.url();
    console.log(`     cite: ${cite}`);
    await shot(page, '04-initiative.png');
  });

  await step('not found: friendly pages with a link home (initiative, city, graph node, path)', async () => {
    for (const [u, re] of [['/initiative/does-not-exist', /Initiative not found/], ['/map?city=1', /City not found/], ['/graph/city/1', /Not in the graph/], ['/no/such/page', /Page not found/]]) {
      await page.goto(BASE + u);
      await page.locator('[data-notfound]').waitFor();
      const text = await page.locator('[data-notfound]').textContent();
      assert(re.test(text), `${u}: ${text}`);
      assert(await page.locator('[data-notfound] a[href="/"]').count() === 1, `${u}: a link home`);
      assert(await page.locator('.error').count() === 0, `${u}: no raw API error`);
    }
    await page.goto(BASE + '/initiative/does-not-exist');
    await page.locator('[data-notfound]').waitFor();
    await shot(page, '05-not-found.png');
  });

  await step('graph: start from a search (box and per-result link), labelled initiatives', async () => {
    await page.goto(BASE + '/graph');
    await page.locator('#graph-q').fill('Gdynia');
    await page.locator('#graph-found a[href="/graph/city/3099424"]').click();
    await page.locator('#node-count').waitFor();
    assert(page.url().endsWith('/graph/city/3099424'), 'the graph starts from the city found: ' + page.url());
    await page.goto(BASE + '/?q=volunteers');
    await page.locator('#results li.result a.graphlink').first().click();
    await page.locator('#node-count').waitFor();
    assert(/\/graph\/initiative\//.test(page.url()), 'the "graph" link of a result opens its graph: ' + page.url());
    const lab = await page.locator('.cy').evaluate((box) => box.cy.nodes('[kind = "INITIATIVE"]').map((n) => n.style('label')).filter(Boolean).length);
    assert(lab > 0, 'initiative nodes carry labels');
  });

  await step('graph: expand a node; path highlighted, fitted in view, described in words', async () => {
    await page.goto(current.url);
    await page.locator('a', { hasText: 'Show its neighbourhood as a graph' }).click();
    await page.locator('#node-count').waitFor();
    const count = async () => Number(await page.locator('#node-count').textContent());
    const n0 = await count();
    const target = await page.locator('.cy').evaluate((box) => {
      const cy = box.cy;
      // The unexpanded place or theme node farthest from any other node, so the click cannot hit a neighbour.
      const free = (n) => Math.min(...cy.nodes().filter((m) => m !== n).map((m) => Math.hypot(m.renderedPosition().x - n.renderedPosition().x, m.renderedPosition().y - n.renderedPosition().y)));
      const cands = cy.nodes().filter((x) => !x.data('expanded') && x.data('kind') !== 'INITIATIVE');
      const n = (cands.length ? cands : cy.nodes().filter((x) => !x.data('expanded'))).sort((a, b) => free(b) - free(a))[0];
      const p = n.renderedPosition();
      return { id: n.id(), x: p.x, y: p.y, free: free(n) };
    });
    const bb = await page.locator('.cy').boundingBox();
    await page.mouse.click(bb.x + target.x, bb.y + target.y);
    await page.waitForFunction((n) => Number(document.querySelector('#node-count')?.textContent) > n, n0);
    await page.waitForFunction((id) => (new URL(location.href).searchParams.get('expand') || '').includes(id), target.id, { timeout: 5000 }).catch(() => {});
    console.log(`     expanded ${target.id} (${Math.round(target.free)} px from its nearest neighbour): ${n0} -> ${await count()} nodes`);
    assert(new URL(page.url()).searchParams.get('expand')?.includes(target.id), 'URL records the expansion');
    // The path of the issue's report (two cities), from its URL.
    await page.goto(BASE + '/graph/city/2654675?from=city/2654675&to=city/3093133');
    await page.waitForFunction(() => /Path found/.test(document.querySelector('.pathmsg')?.textContent || ''));
    const geo = await page.locator('.cy').evaluate((box) => {
      const cy = box.cy;
      const w = box.clientWidth, hgt = box.clientHeight;
      const nodes = cy.nodes('.path').map((n) => ({ id: n.id(), label: n.data('label'), ...n.renderedPosition() }));
      return { w, hgt, nodes, edges: cy.edges('.path').length };
    });
    assert(geo.edges >= 2, 'path edges highlighted');
    const out = geo.nodes.filter((n) => n.x < 0 || n.y < 0 || n.x > geo.w || n.y > geo.hgt);
    assert(!out.length, `path nodes outside the view: ${out.map((n) => `${n.id}@${Math.round(n.x)},${Math.round(n.y)}`).join(' ')}`);
    const words = await page.locator('.pathwords').textContent();
    const names = await page.locator('.cy').evaluate((box) => [box.cy.getElementById('city/2654675').data('label'), box.cy.getElementById('city/3093133').data('label')]);
    assert(words.startsWith(names[0]) && words.endsWith(names[1]) && /→/.test(words), 'path in words: ' + words);
    console.log(`     path in words: ${words}`);
    await shot(page, '06-graph-path.png');
  });

  await step('map: every city inside the viewBox, ranking not clipped, nearest centre wins, national shading', async () => {
    await page.locator('header nav a', { hasText: 'Map' }).click();
    await page.locator('svg.europe a.city').first().waitFor();
    const g = await page.locator('svg.europe').evaluate((svg) => {
      const [, , W, H] = svg.getAttribute('viewBox').split(' ').map(Number);
      const cs = [...svg.querySelectorAll('a.city circle')].map((c) => ({ name: c.parentNode.dataset.name, x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), r: +c.getAttribute('r') }));
      return { W, H, cs, out: cs.filter((c) => c.x - c.r < 0 || c.y - c.r < 0 || c.x + c.r > W || c.y + c.r > H).map((c) => c.name) };
    });
    assert(!g.out.length, 'circles cut by the viewBox: ' + g.out.join(', '));
    for (const name of ['Chaniá', 'Ferla']) assert(g.cs.some((c) => c.name === name), name + ' is drawn');
    const outside = (await page.locator('.mapnote').getAttribute('data-outside')) || '';
    const cities = [];
    for (let after = null; ;) {
      const d = (await page.evaluate(async (a) => (await (await fetch('/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: 'query($a: String) { cities(first: 100, after: $a) { pageInfo { hasNextPage endCursor } edges { node { name latitude longitude } } } }', variables: { a } }) })).json()).data, after)).cities;
      cities.push(...d.edges.map((e) => e.node));
      if (!d.pageInfo.hasNextPage) break;
      after = d.pageInfo.endCursor;
    }
    const european = cities.filter((c) => c.longitude > -32 && c.longitude < 50 && c.latitude > 26 && c.latitude < 72);
    assert(g.cs.length === european.length, `${g.cs.length} circles for ${european.length} European cities (not drawn: ${outside})`);
    // Ranking numbers 1–15 fully inside the side panel.
    const rank = await page.locator('aside.mapside').evaluate((side) => {
      const left = side.getBoundingClientRect().left;
      return [...side.querySelectorAll('.ranking .rank')].map((r) => ({ t: r.textContent, ok: r.getBoundingClientRect().left >= left - 0.5 }));
    });
    assert(rank.length === 15 && rank.every((r, i) => r.t === `${i + 1}.` && r.ok), 'ranking numbers 1.–15. visible: ' + JSON.stringify(rank.filter((r) => !r.ok)));
    assert(await page.locator('svg.europe path.national').count() > 5, 'countries with national initiatives shaded');
    // Overlapping circles: a click at a city's centre opens that city.
    for (const [id, name] of [['2761369', 'Vienna'], ['3099424', 'Gdynia']]) {
      const c = page.locator(`svg.europe a.city[data-city="${id}"] circle`);
      const b = await c.boundingBox();
      await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
      await page.waitForFunction((i) => new URL(location.href).searchParams.get('city') === i, id);
      await page.locator('#city-heading').filter({ hasText: name }).waitFor();
    }
    // The biggest circle: its list has as many rows as the circle says.
    const city = page.locator('svg.europe a.city').first();
    const name = await city.getAttribute('data-name');
    const expected = Number((await city.getAttribute('aria-label')).match(/: (\d+)/)[1]);
    const box = await city.locator('circle').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('#city-heading').filter({ hasText: name }).waitFor();
    await page.locator('#city-results li.result').first().waitFor();
    const rows = await page.locator('#city-results li.result .place').allTextContents();
    assert(rows.length === expected, `list has ${rows.length} rows, circle says ${expected}`);
    assert(rows.every((r) => r.startsWith(name)), `every listed initiative is in ${name}`);
    console.log(`     ${g.cs.length} circles, all inside; not drawn (outside Europe): ${outside || 'none'}; ${name}: ${rows.length} listed`);
    await shot(page, '07-map-city.png');
  });

  await step('charts: legends, every year, shares per year, themes by country, pairs with a lift legend, data export', async () => {
    await page.locator('header nav a', { hasText: 'Charts' }).click();
    await page.locator('#trends rect').first().waitFor();
    assert(await page.locator('.legend-scale').count() === 3, 'a colour legend per chart');
    const years = (await page.locator('#trends text.colhead').allTextContents()).map((y) => parseInt(y, 10));
    assert(years.every((y, i) => i === 0 || y === years[i - 1] + 1), 'every year of the range: ' + years.join(' '));
    await page.locator('#trend-share').check();
    await page.waitForFunction(() => [...document.querySelectorAll('#trends text.cell')].every((t) => t.textContent.endsWith('%')));
    assert(new URL(page.url()).searchParams.get('trend') === 'share', 'URL carries trend=share');
    const tt = (await api(page, '{ themeTrends { year count share } }')).themeTrends;
    const anyShare = tt.find((r) => r.count > 0);
    assert(await page.locator(`#trends a[aria-label^="${Math.round(anyShare.share * 100)}%"]`).count() > 0, 'shares as the API computes them');
    assert(await page.locator('#bycountry a').count() > 20, 'themes-by-country cells drawn');
    assert(await page.locator('#cooc rect').count() > 10, 'co-occurrence cells drawn');
    const csv = await download(page, () => page.locator('button[data-export="theme-trends.csv"]').click());
    assert(parseCSV(csv.text.slice(1)).length - 1 === tt.length, 'trend data exported, one row per theme and year');
    await shot(page, '08-charts.png');
  });

  await step('about the data: live coverage from the API, sources and licences', async () => {
    await page.locator('header nav a', { hasText: 'About the data' }).click();
    await page.locator('table.coverage').waitFor();
    const cov = (await api(page, '{ coverage { initiatives withCity withCountry countryOnly withoutPlace withYear withLevel } }')).coverage;
    for (const [k, v] of Object.entries(cov)) {
      const shown = Number(await page.locator(`tr[data-cov="${k}"] td.num`).first().textContent());
      assert(shown === v, `${k}: page ${shown}, API ${v}`);
    }
    const text = await page.locator('section.about').textContent();
    assert(/GeoNames/.test(text) && /CC BY 4\.0/.test(text) && /Natural Earth/.test(text) && /showroom/.test(text), 'sources and licences named');
    await shot(page, '09-about.png');
  });

  await step('GraphiQL at /graphiql with schema docs (axe: its own DOM reported, not failing)', async () => {
    await page.goto(BASE + '/graphiql');
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-sidebar button[aria-label*="Documentation"]').first().click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: /Execute query/i }).first().click();
    await page.locator('.graphiql-response').getByText('totalCount').first().waitFor();
    const v = await audit(page, 'graphiql', { failing: false });
    timings.graphiql = v.map((x) => `${x.impact} ${x.id} ×${x.n}`).join(', ') || 'none';
    await shot(page, '10-graphiql.png');
  });

  // Every view at both widths: axe-core, overflow, screenshot.
  const views = [
    ['search', '/?q=volunteers', '#results li.result'],
    ['landing', '/', '.landing .winners li'],
    ['initiative', null, 'section.similar'],
    ['graph', '/graph/city/2654675?from=city/2654675&to=city/3093133', '.pathwords'],
    ['graph-start', '/graph', '#graph-q'],
    ['map', '/map?city=2761369', '#city-results li.result'],
    ['charts', '/charts', '#cooc rect'],
    ['about', '/about', 'table.coverage'],
    ['not-found', '/initiative/does-not-exist', '[data-notfound]'],
  ];
  for (const [wname, opts] of [['desktop', { viewport: { width: 1440, height: 900 } }], ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }]]) {
    await step(`${wname} ${opts.viewport.width}×${opts.viewport.height}: every view passes axe-core (no serious/critical), no horizontal overflow, no chip over a title`, async () => {
      const c = await browser.newContext(opts);
      c.setDefaultTimeout(TIMEOUT);
      const p = await c.newPage();
      watch(p);
      const bad = [];
      const before = axeFailures.length;
      try {
        for (const [name, url, ready] of views) {
          await p.goto(url ? BASE + url : current.url);
          await p.locator(ready).first().waitFor();
          // Audit the settled view, not one still loading (a slow run once caught it mid-load).
          await p.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
          await p.waitForTimeout(name.startsWith('graph') ? 600 : 150);
          const o = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, vw: Math.round(window.visualViewport.width), iw: window.innerWidth }));
          if (o.sw > o.vw) bad.push(`${name}: laid out ${o.sw} px wide in ${o.vw} px (innerWidth ${o.iw})`);
          // A result row's "graph" chip never covers its title's text.
          const covered = await p.evaluate(() => [...document.querySelectorAll('li.result')].flatMap((li) => {
            const t = li.querySelector('.title'), g = li.querySelector('a.graphlink');
            if (!t || !g) return [];
            const r = t.getBoundingClientRect(), right = r.right - parseFloat(getComputedStyle(t).paddingRight);
            return right > g.getBoundingClientRect().left + 0.5 ? [t.textContent.slice(0, 40)] : [];
          }));
          if (covered.length) bad.push(`${name}: the graph chip covers ${covered.length} result titles, e.g. "${covered[0]}"`);
          const v = await audit(p, `${name} @${opts.viewport.width}`);
          console.log(`     ${name}: ${o.sw}/${o.vw} px; axe: ${v.map((x) => `${x.impact} ${x.id} ×${x.n}`).join(', ') || 'no violations'}`);
          await p.screenshot({ path: path.join(SHOTS, `${wname}-${name}.png`), fullPage: name !== 'graph' });
        }
      } finally {
        await c.close();
      }
      assert(!bad.length, 'layout: ' + bad.join('; '));
      assert(axeFailures.length === before, 'axe-core serious/critical:\n    ' + axeFailures.slice(before).join('\n    '));
    });
  }
} finally {
  await browser.close();
}

console.log(`axe-core ${JSON.parse(fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8')).version} over the explorer's views at both widths, violations by impact: ${JSON.stringify(axeSummary)}`);
if (timings.graphiql) console.log(`GraphiQL (reported, not failing; see web/README.md): ${timings.graphiql}`);
if (timings.wall != null) {
  console.log(`load time to first results, first load: ${Math.round(timings.mark ?? NaN)} ms from navigation start (performance mark; DOMContentLoaded at ${Math.round(timings.dcl ?? NaN)} ms), ${timings.wall} ms wall clock from page.goto`);
}
if (timings.warmWall != null) console.log(`load time to first results, warm (/?q=volunteers loaded again): ${Math.round(timings.warmMark ?? NaN)} ms from navigation start, ${timings.warmWall} ms wall clock`);
if (timings.typing != null) console.log(`typing "volunteers" (40 ms per key) to its results: ${timings.typing} ms`);
console.log(`screenshots: ${SHOTS}`);
const count = (s) => results.filter((r) => r.status === s).length;
const skipped = count('skipped');
console.log(`${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(count('failed') || skipped ? 1 : 0);
