// Browser test of the civicgraph explorer in headless Debian Chromium
// (playwright-core; no downloaded browser). Needs a running server with the
// ../shared showroom imported:
//
//   BASE_URL=http://127.0.0.1:8090 node explorer.test.mjs
//
// Steps (each saves a screenshot to e2e/screenshots/): load /, type
// "volunteers" and see results, apply a theme facet, open an initiative and
// see a similar initiative in another city with its reason, open the graph
// and expand a node (the node count grows) and highlight a path, open the map
// and click a city (the list filters), the charts, GraphiQL, and two pages
// at phone width. Any console error or page error on any page fails the
// test. Prints the time from navigation to the first search results and
// closes with "N passed, N failed".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.SCREENSHOT_DIR || path.join(here, 'screenshots');
const TIMEOUT = 20_000;
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
try {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  ctx.setDefaultTimeout(TIMEOUT);
  const page = await ctx.newPage();
  watch(page);
  let current = { title: '', city: '' };

  await step('load / and see the first results', async () => {
    const t0 = Date.now();
    await page.goto(BASE + '/');
    await page.locator('#results li.result').first().waitFor();
    timings.wall = Date.now() - t0;
    timings.mark = await page.evaluate(() => performance.getEntriesByName('civicgraph:first-results')[0]?.startTime);
    const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd);
    timings.dcl = nav;
    assert(await page.locator('#q').evaluate((el) => el === document.activeElement), 'search box has focus on load');
    await shot(page, '01-home.png');
    // Again, now that the server and Neo4j have seen the queries once.
    const t1 = Date.now();
    await page.goto(BASE + '/?q=volunteers');
    await page.locator('#results li.result').first().waitFor();
    timings.warmWall = Date.now() - t1;
    timings.warmMark = await page.evaluate(() => performance.getEntriesByName('civicgraph:first-results')[0]?.startTime);
    await page.goto(BASE + '/');
    await page.locator('#results li.result').first().waitFor();
  });

  await step('type "volunteers": results as you type, keyboard selection', async () => {
    const t0 = Date.now();
    await page.locator('#q').pressSequentially('volunteers', { delay: 40 });
    await page.waitForFunction(() => /match “volunteers”/.test(document.querySelector('#search-status')?.textContent || ''));
    timings.typing = Date.now() - t0;
    const n = await page.locator('#results li.result').count();
    assert(n > 0, 'no results for volunteers');
    assert(new URL(page.url()).searchParams.get('q') === 'volunteers', 'URL carries q=volunteers: ' + page.url());
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert(await page.locator('#results li.result').nth(1).getAttribute('aria-selected') === 'true', 'ArrowDown selects the second result');
    await page.keyboard.press('ArrowUp');
    await shot(page, '02-search-volunteers.png');
  });

  await step('apply a theme facet: counts match', async () => {
    const facet = page.locator('fieldset[data-facet="theme"] li').first();
    const value = await facet.locator('input').getAttribute('value');
    const count = Number(await facet.locator('.count').textContent());
    await facet.locator('label').click();
    await page.waitForFunction((v) => new URL(location.href).searchParams.getAll('theme').includes(v), value);
    await page.waitForFunction((c) => (document.querySelector('#search-status')?.textContent || '').startsWith(c === 1 ? '1 initiative' : `${c} initiatives`), count);
    assert(await page.locator('.chips .chip').count() >= 1, 'an active-filter chip shows');
    console.log(`     facet theme=${value}: ${count} initiatives`);
    await shot(page, '03-theme-facet.png');
  });

  await step('open an initiative: similar initiative in another city, with its reason', async () => {
    const listUrl = page.url();
    const rows = page.locator('#results li.result');
    const n = await rows.count();
    let found = false;
    for (let i = 0; i < n && !found; i++) {
      const city = await rows.nth(i).locator('.place').getAttribute('data-city');
      if (!city) continue;
      current = { title: (await rows.nth(i).locator('.title').textContent()).trim(), city };
      await rows.nth(i).locator('a').click();
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
    assert((await page.locator('h1').textContent()).includes(current.title.replace(/…$/, '').slice(0, 20)), 'title shown');
    assert(await page.locator('.themelist li').count() > 0, 'themes shown');
    assert(/\/initiative\//.test(page.url()), 'URL is /initiative/<key>');
    await shot(page, '04-initiative.png');
  });

  await step('open the graph and expand a node: node count grows; path highlighted', async () => {
    await page.locator('a', { hasText: 'Show its neighbourhood as a graph' }).click();
    await page.locator('#node-count').waitFor();
    const count = async () => Number(await page.locator('#node-count').textContent());
    const n0 = await count();
    // Click (a real mouse click on the canvas) the city, theme or country node with the most neighbours to come.
    const target = await page.locator('.cy').evaluate((box) => {
      const cy = box.cy;
      const n = cy.nodes().filter((x) => !x.data('expanded') && x.data('kind') !== 'INITIATIVE')[0] || cy.nodes().filter((x) => !x.data('expanded'))[0];
      const p = n.renderedPosition();
      return { id: n.id(), x: p.x, y: p.y };
    });
    const bb = await page.locator('.cy').boundingBox();
    await page.mouse.click(bb.x + target.x, bb.y + target.y);
    await page.waitForFunction((n) => Number(document.querySelector('#node-count')?.textContent) > n, n0);
    const n1 = await count();
    console.log(`     expanded ${target.id}: ${n0} -> ${n1} nodes`);
    assert(new URL(page.url()).searchParams.get('expand')?.includes(target.id), 'URL records the expansion');
    // Path: shift+click the centre, then a node two hops away.
    const ends = await page.locator('.cy').evaluate((box, tid) => {
      const cy = box.cy;
      const c = cy.nodes('.centre')[0];
      const far = cy.getElementById(tid).neighborhood('node').filter((x) => x.id() !== c.id() && !c.neighborhood().contains(x))[0];
      return [c, far].map((x) => ({ id: x.id(), ...x.renderedPosition() }));
    }, target.id);
    await page.keyboard.down('Shift');
    for (const e of ends) await page.mouse.click(bb.x + e.x, bb.y + e.y);
    await page.keyboard.up('Shift');
    await page.waitForFunction(() => /Path found/.test(document.querySelector('.pathmsg')?.textContent || ''));
    const onPath = await page.locator('.cy').evaluate((box) => box.cy.edges('.path').length);
    assert(onPath >= 2, 'path edges highlighted');
    console.log(`     path ${ends[0].id} -> ${ends[1].id}: ${onPath} edges highlighted`);
    await shot(page, '05-graph-expanded-path.png');
  });

  await step('open the map and click a city: the list filters', async () => {
    await page.locator('header nav a', { hasText: 'Map' }).click();
    await page.locator('svg.europe a.city').first().waitFor();
    const cities = await page.locator('svg.europe a.city').count();
    assert(cities > 5, 'cities drawn: ' + cities);
    const land = await page.locator('svg.europe path.country').count();
    assert(land > 30, 'country shapes drawn: ' + land);
    // The biggest circle is drawn first.
    const city = page.locator('svg.europe a.city').first();
    const name = await city.getAttribute('data-name');
    const label = await city.getAttribute('aria-label');
    const expected = Number(label.match(/: (\d+)/)[1]);
    // A click at the centre of the biggest circle, as a user would make it,
    // even where a smaller neighbour's circle overlaps it.
    const box = await city.locator('circle').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('#city-results li.result').first().waitFor();
    const rows = await page.locator('#city-results li.result .place').allTextContents();
    assert(rows.length === expected, `list has ${rows.length} rows, circle says ${expected}`);
    assert(rows.every((r) => r.startsWith(name)), `every listed initiative is in ${name}: ${rows.join(' | ')}`);
    assert(new URL(page.url()).searchParams.get('city'), 'URL carries the city');
    console.log(`     ${cities} cities, ${land} country shapes; clicked ${name}: ${rows.length} initiatives listed`);
    await shot(page, '06-map-city.png');
  });

  await step('charts: theme × year trends and co-occurrence', async () => {
    await page.locator('header nav a', { hasText: 'Charts' }).click();
    await page.locator('svg.heat rect').first().waitFor();
    assert(await page.locator('svg.heat a').count() > 10, 'trend cells drawn');
    assert(await page.locator('svg.cooc rect').count() > 10, 'co-occurrence cells drawn');
    await shot(page, '07-charts.png');
  });

  await step('GraphiQL at /graphiql with schema docs', async () => {
    await page.goto(BASE + '/graphiql');
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-sidebar button[aria-label*="Documentation"]').first().click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: /Execute query/i }).first().click();
    await page.locator('.graphiql-response').getByText('totalCount').first().waitFor();
    await shot(page, '08-graphiql.png');
  });

  await step('phone width: search and initiative', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    phone.setDefaultTimeout(TIMEOUT);
    const p = await phone.newPage();
    watch(p);
    await p.goto(BASE + '/?q=volunteers');
    await p.locator('#results li.result').first().waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `page wider than the phone by ${overflow}px`);
    await p.screenshot({ path: path.join(SHOTS, '09-phone-search.png') });
    await p.locator('#results li.result a').first().click();
    await p.locator('article.initiative h1').waitFor();
    await p.locator('section.similar').waitFor();
    await p.screenshot({ path: path.join(SHOTS, '10-phone-initiative.png'), fullPage: true });
    await phone.close();
  });
} finally {
  await browser.close();
}

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
