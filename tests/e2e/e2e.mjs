// e2e.mjs -- the headroom dashboard in a real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core; no browser is downloaded).
//
//   node e2e.mjs --out DIR --expect REPORT.json (--file F.html | --url URL) [--label L] [--series]
//                [--details yes|no]
//
// Against the page (a self-contained `report --format html` file, or a live
// `headroom serve`), asserts:
//   - the header: "snapshot" for a report, "clock frozen at" when the
//     server's clock is frozen (api/v1/status), never "live" then;
//   - the overview shows one card per SLO of REPORT.json, each with the
//     status class of REPORT.json, its burning-now signal (burning_now.level)
//     and its small SLI-vs-target chart drawn; an overspent budget reads
//     "overspent", not "-";
//   - sorting (budget left, burning now, name) and filtering (text, needs
//     attention) the cards; the URL carries them and a reload restores them;
//   - a click on a service's name opens its page (#/service/NAME): its
//     cards, its release gate, and (serve) every SLO's figures of
//     api/v1/risk?service=S (p_exhaust, median, p90, worst consumption, the
//     chance of consuming 10 %), "thin history" exactly when the risk is
//     thin; a report names the command instead; no sideways scrolling on a
//     phone;
//   - a click on a card opens that SLO's page (#/slo/NAME);
//   - the SLO page draws its charts: canvases of non-zero size with ink on
//     them (with --series: the SLI, budget, burn-rate and traffic charts);
//     its burning-now signal; the burn-rate chart's threshold lines are the
//     SLO's own thresholds (detail.thresholds), its axis holds the peak, it
//     is logarithmic when the values span more than 20x and the switch
//     works; no legend entry is struck through; the budget chart draws the
//     status light's levels (detail.status_thresholds.remaining);
//   - the alert table has one row per alert of detail.alerts with its
//     state; the timeline shows the alert transitions with theirs;
//   - the store's details: with --details yes (the default with --url:
//     serve reads its store) the latest bad events table has rows (time,
//     status, path, duration, line; a click shows the whole line) and the
//     latency percentile chart is drawn; with --details no (the default
//     with --file: a report of logs has no store) both panels are hidden;
//   - the links to the logs elsewhere (detail.links) and the system-metrics
//     panel (detail.system_metrics: a chart per metric, or its error);
//   - the release risk and target panels (serve only; a report says where
//     to get them): the figures of api/v1/risk?service=S (p_exhaust, the
//     median, p90 and worst consumption, each p_at_least level, every SLO
//     of the service) and "thin history" exactly when the SLO's risk is
//     thin, on the picked SLO's page and on a latency SLO of a service
//     with six deploys; the figures of api/v1/suggest?slo=NAME (suggested
//     target, the worst SLI achieved, the chart of each window's SLI (the
//     copied configuration gives chat-latency a 7d window, so it has many)
//     with the current and suggested targets, each candidate's share of
//     windows met and budget as time, the suggested one marked, and
//     p50/p95/p99 of a latency SLO);
//   - zoom: the 1d button; with --url the zoomed range is fetched again on a
//     finer grid; the 6h button shows a point every minute; the URL carries
//     the SLO and the zoom, and a reload restores both; the links follow;
//   - no JavaScript error, no failed request (the favicon included), no
//     request leaving the machine.
//   - the journeys' matrix (api/v1/journeys, or in the file
//     HEADROOM_DATA.journeys) above the services: one point per journey in its quadrant's box, coloured by its
//     status, the table beside it; a composite SLO's card lists its components;
// Screenshots go to DIR: <label>-journeys.png, <label>-overview.png, <label>-overview-phone.png,
// <label>-slo.png, <label>-slo-zoom.png, <label>-slo-6h.png,
// <label>-slo-phone.png, <label>-decisions.png (the two panels of the picked
// SLO), <label>-decisions-latency.png (those of the latency SLO),
// <label>-decisions-phone.png (the risk panel on a phone), <label>-service.png,
// <label>-budget-levels.png (the latency SLO's budget chart with the status levels). Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
function opt(name, def) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}
const out = opt('--out', 'e2e-out');
const expectFile = opt('--expect');
const file = opt('--file');
const url = opt('--url');
const label = opt('--label', file ? 'report' : 'serve');
const wantSeries = args.includes('--series');
const wantDetails = opt('--details', url ? 'yes' : 'no') === 'yes';
if (!expectFile || (!file && !url)) {
  console.error('usage: node e2e.mjs --out DIR --expect REPORT.json (--file F.html | --url URL) [--label L] [--series]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const expected = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
const slos = expected.slos || [];
const target = file ? 'file://' + path.resolve(file) : url;
const shot = (name) => path.join(out, `${label}-${name}.png`);

let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) { passed++; console.log(`ok   ${label}: ${what}`); }
  else { failed++; console.log(`FAIL ${label}: ${what}`); }
}
const rank = { nodata: 0, green: 1, yellow: 2, orange: 3, red: 4 };
const nowRank = { ok: 0, elevated: 1, burning: 2 };
const level = (s) => (s.burning_now && s.burning_now.level) || null;
const iso = (sec) => new Date(Math.round(sec) * 1000).toISOString().replace(/\.000Z$/, 'Z');
const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

// In the page: canvases under SEL with their size and ink.
const canvasInk = (sel) => [...document.querySelectorAll(sel)].map((c) => {
  const r = c.getBoundingClientRect();
  let ink = 0;
  try {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 16) if (d[i] > 0) ink++;
  } catch (e) { ink = -1; }
  const p = c.closest('.panel') || c.closest('[data-slo]');
  return { w: r.width, h: r.height, ink, panel: p && (p.id || p.getAttribute('data-slo')), spark: c.getAttribute('data-spark') };
});
// In the page: what a Chart.js chart under SEL holds.
const chartState = (sel) => {
  const c = document.querySelector(sel);
  const ch = c && window.Chart && window.Chart.getChart(c);
  if (!ch) return null;
  let peak = 0;
  const ts = [];
  ch.data.datasets.forEach((d, di) => d.data.forEach((p) => {
    const v = p !== null && typeof p === 'object' ? ('v' in p ? p.v : p.y) : p;
    if (typeof v === 'number' && v > peak) peak = v;
    if (di === 0 && p && typeof p === 'object' && typeof p.x === 'number') ts.push(p.x);
  }));
  return {
    peak, type: ch.scales.y.type, yMax: ch.scales.y.max, xMin: ch.scales.x.min, xMax: ch.scales.x.max, ts,
    lines: ((ch.options.plugins.hrLines || {}).h || []).map((l) => ({ y: l.y, name: l.name, status: l.status })),
    struck: ((ch.legend && ch.legend.legendItems) || []).filter((i) => i.hidden).map((i) => i.text),
  };
};

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-e2e-chromium-'));
// A fresh profile directory each run (launchPersistentContext passes it as --user-data-dir).
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1366, height: 900 },
  deviceScaleFactor: 1,
  timeout: 30000,
});
const t0 = Date.now();
const outside = [], badRequests = [], errors = [];
let hasChart = true;

async function openPage(viewport) {
  const page = await ctx.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // A build without the chart library answers 404 for it: reported as a note, not an error.
    if (m.type() === 'error' && !/\/vendor\/chart\.js$/.test((m.location() || {}).url || '')) errors.push(m.text());
  });
  page.setDefaultTimeout(15000);
  return page;
}
// A full-page screenshot with the sticky header put back at the top (else
// it is drawn over the middle of the page).
async function fullShot(page, name) {
  await page.evaluate(() => { document.querySelector('header.top').style.position = 'static'; });
  await page.screenshot({ path: shot(name), fullPage: true });
  await page.evaluate(() => { document.querySelector('header.top').style.position = ''; });
}
// Requests in flight: a reload waits for none (else it aborts a refresh or
// a zoom's fetch, and that would count as a failed request).
const inFlight = new Set();
async function quiet() {
  for (let i = 0; i < 100 && inFlight.size; i++) await new Promise((r) => setTimeout(r, 50));
}
async function ready(page, sel) { await page.waitForSelector(`body[data-ready="1"] ${sel}`); }
async function cardOrder(page) { return page.$$eval('.card', (els) => els.map((e) => e.getAttribute('data-slo'))); }
async function detailOf(page, name) {
  return page.evaluate(async (n) => (window.HEADROOM_DATA ? (window.HEADROOM_DATA.details || {})[n]
    : await (await fetch('api/v1/slos/' + encodeURIComponent(n))).json()), name);
}

async function checkHeader(page, where) {
  const live = await page.$eval('#live', (e) => e.textContent);
  if (file) {
    check(/snapshot/.test(live) && !/\blive\b/.test(live), `${where}: the header says snapshot, not live ("${live}")`);
    return;
  }
  const st = await page.evaluate(async () => (await fetch('api/v1/status')).json()).catch(() => null);
  if (st && st.clock === 'frozen')
    check(/clock frozen at \d{4}-\d\d-\d\d \d\d:\d\d/.test(live) && !/\blive\b/.test(live), `${where}: the header says the clock is frozen, not live ("${live}")`);
  else
    check(/\blive\b/.test(live), `${where}: the header says live with a live clock ("${live}")`);
}

async function checkOverview(page) {
  await page.goto(target, { waitUntil: 'load' });
  await ready(page, '.card');
  const cards = await page.$$eval('.card', (els) => els.map((e) => ({
    slo: e.getAttribute('data-slo'), cls: e.className,
    now: (e.querySelector('.now') || { dataset: {} }).dataset.level || null,
    big: e.querySelector('.big').textContent.trim(),
  })));
  check(cards.length === slos.length && slos.length > 0, `overview shows ${cards.length} cards, want ${slos.length}`);
  for (const s of slos) {
    const c = cards.find((x) => x.slo === s.name);
    check(!!c && c.cls.split(/\s+/).includes('status-' + s.status), `card ${s.name} has class status-${s.status}` + (c ? ` (got "${c.cls}")` : ' (missing)'));
    if (c && level(s)) check(c.now === level(s), `card ${s.name}: burning-now signal "${c.now}", want "${level(s)}"`);
    if (c && typeof s.budget_remaining === 'number' && s.budget_remaining < 0)
      check(/overspent/.test(c.big) && !/-/.test(c.big), `card ${s.name}: an overspent budget reads "${c.big}"`);
  }
  const services = [...new Set(slos.map((s) => s.service))];
  const groups = await page.$$eval('section.service', (els) => els.map((e) => e.getAttribute('data-service')));
  check(services.every((s) => groups.includes(s)), `cards grouped by service (${groups.join(', ')})`);
  const big = await page.$eval('.card .big', (e) => e.textContent.trim());
  check(/^-?\d+(\.\d)?%/.test(big) || /no data/.test(big), `budget left in the largest type on a card: "${big}"`);
  const sparks = (await page.evaluate(canvasInk, 'canvas[data-spark]')).filter((c) => c.w > 0 && c.h > 0 && c.ink > 10);
  check(sparks.length === slos.length, `overview: a small SLI-vs-target chart drawn on ${sparks.length} of ${slos.length} cards`);
  await checkHeader(page, 'overview');
  await fullShot(page, 'overview');
}

// The journeys' matrix above the services (serve: api/v1/journeys; the
// report file: HEADROOM_DATA.journeys, the same JSON inlined): one point per
// journey, coloured by its status, inside its quadrant's box.
async function checkMatrix(page) {
  const js = url ? await page.evaluate(async () => (await fetch('api/v1/journeys')).json()).catch(() => null)
    : await page.evaluate(() => (window.HEADROOM_DATA && window.HEADROOM_DATA.journeys) || null);
  check(js && Array.isArray(js.journeys) && js.journeys.length > 0,
    `${url ? 'api/v1/journeys answers' : 'the report inlines'} ${js ? js.journeys.length : 0} journeys`);
  if (!js) return;
  const m = await page.evaluate(() => {
    const box = document.querySelector('#ov-matrix'), list = document.querySelector('#ov-list');
    const rects = {};
    document.querySelectorAll('#ov-matrix rect.q').forEach((r) => {
      const k = [...r.classList].find((c) => c.startsWith('q-')).slice(2);
      rects[k] = r.getBoundingClientRect().toJSON();
    });
    return {
      shown: !!box && !box.hidden && box.getBoundingClientRect().height > 100,
      above: !!box && !!list && box.getBoundingClientRect().bottom <= list.getBoundingClientRect().top,
      rects,
      points: [...document.querySelectorAll('#ov-matrix a.pt')].map((a) => {
        const c = a.querySelector('circle').getBoundingClientRect();
        return { service: a.getAttribute('data-journey'), status: a.getAttribute('data-status'), cls: a.querySelector('circle').getAttribute('class'),
          x: c.x + c.width / 2, y: c.y + c.height / 2, fill: getComputedStyle(a.querySelector('circle')).fill };
      }),
      rows: [...document.querySelectorAll('#ov-matrix tr[data-journey]')].map((r) => r.getAttribute('data-journey')),
    };
  });
  check(m.shown && m.above, 'the journeys matrix is drawn above the services');
  check(sameSet(m.points.map((p) => p.service), js.journeys.map((j) => j.service)),
    `one point per journey (${m.points.map((p) => p.service).join(', ')})`);
  for (const j of js.journeys) {
    const p = m.points.find((x) => x.service === j.service), r = m.rects[j.quadrant];
    check(!!p && p.status === j.status && p.cls.includes('s-' + j.status), `journey ${j.service}: point coloured ${p && p.status}, want ${j.status}`);
    check(!!p && !!r && p.x > r.x && p.x < r.x + r.width && p.y > r.y && p.y < r.y + r.height,
      `journey ${j.service}: its point lies in the ${j.quadrant} quadrant`);
  }
  const fills = new Set(m.points.map((p) => p.status + '=' + p.fill));
  check(new Set(m.points.map((p) => p.fill)).size === new Set(m.points.map((p) => p.status)).size,
    `a colour per status (${[...fills].join(', ')})`);
  check(JSON.stringify(m.rows) === JSON.stringify(js.journeys.map((j) => j.service)), 'the table beside lists the journeys');
  // A composite SLO's card names its components.
  for (const s of slos.filter((x) => Array.isArray(x.components))) {
    const parts = await page.$$eval(`.card[data-slo="${s.name}"] dd.comp span`, (els) => els.length).catch(() => 0);
    check(parts === s.components.length, `composite ${s.name}: its card lists ${parts} of ${s.components.length} components`);
  }
  const b = await page.$eval('#ov-matrix', (e) => { /* the sticky header out of the way, the page at its top */
    document.querySelector('header.top').style.position = 'static';
    window.scrollTo(0, 0);
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  await page.screenshot({ path: shot('journeys'), clip: b, fullPage: true });
  await page.evaluate(() => { document.querySelector('header.top').style.position = ''; });
}

async function checkSortFilter(page) {
  const by = Object.fromEntries(slos.map((s) => [s.name, s]));
  const budget = (n) => (typeof by[n].budget_remaining === 'number' && by[n].status !== 'nodata' ? by[n].budget_remaining : Infinity);
  await page.selectOption('#ov-sort', 'budget');
  let order = await cardOrder(page);
  check(order.length === slos.length && order.every((n, i) => i === 0 || budget(order[i - 1]) <= budget(n)),
    `sort by budget left: least first (${order.join(', ')})`);
  await page.selectOption('#ov-sort', 'now');
  order = await cardOrder(page);
  const lv = (n) => nowRank[level(by[n])] || 0;
  check(order.every((n, i) => i === 0 || lv(order[i - 1]) >= lv(n)), `sort by burning now: burning first (${order.join(', ')})`);
  await page.selectOption('#ov-sort', 'name');
  const names = await page.$$eval('.card .name', (els) => els.map((e) => e.textContent));
  check(names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0), 'sort by name');
  await page.fill('#ov-q', 'chat');
  order = await cardOrder(page);
  const want = slos.filter((s) => [s.name, s.display_name, s.service].some((x) => x && x.toLowerCase().includes('chat'))).map((s) => s.name);
  check(want.length > 0 && sameSet(order, want), `filter "chat": ${order.join(', ')}`);
  await page.fill('#ov-q', '');
  await page.check('#ov-attn');
  order = await cardOrder(page);
  const attn = slos.filter((s) => s.status !== 'green' || (level(s) && level(s) !== 'ok')).map((s) => s.name);
  check(sameSet(order, attn), `needs attention only: ${order.join(', ')} (want ${attn.join(', ')})`);
  await page.fill('#ov-q', 'matching');
  await page.selectOption('#ov-sort', 'budget');
  const hash = decodeURIComponent(new URL(page.url()).hash);
  check(/sort=budget/.test(hash) && /q=matching/.test(hash) && /attention=1/.test(hash), `the URL carries sort and filter (${hash})`);
  const before = await cardOrder(page);
  await quiet();
  await page.reload({ waitUntil: 'load' });
  await ready(page, '#ov-list');
  const restored = await page.evaluate(() => ({ sort: document.querySelector('#ov-sort').value, q: document.querySelector('#ov-q').value,
    attn: document.querySelector('#ov-attn').checked }));
  const after = await cardOrder(page);
  check(restored.sort === 'budget' && restored.q === 'matching' && restored.attn && JSON.stringify(after) === JSON.stringify(before),
    `a reload restores sort and filter (${JSON.stringify(restored)}; ${after.join(', ')})`);
  await page.goto(target.replace(/#.*$/, '') + '#/', { waitUntil: 'load' });
  await ready(page, '.card');
}

async function checkPhoneOverview() {
  const phone = await openPage({ width: 390, height: 844 });
  await phone.goto(target, { waitUntil: 'load' });
  await ready(phone, '.card');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `phone width: no horizontal scrolling (overflow ${overflow}px)`);
  await phone.screenshot({ path: shot('overview-phone'), fullPage: false });
  await phone.close();
}

async function checkCharts(page) {
  await page.waitForSelector('.chart-box canvas');
  await page.waitForTimeout(300);
  const canvases = await page.evaluate(canvasInk, '.chart-box canvas');
  const drawn = canvases.filter((c) => c.w > 0 && c.h > 0 && c.ink > 50);
  check(drawn.length >= 1, `SLO page draws charts: ${drawn.length} canvases with ink (${canvases.map((c) => `${c.panel} ${Math.round(c.w)}x${Math.round(c.h)}`).join(', ')})`);
  if (wantSeries) {
    for (const p of ['p-sli', 'p-budget', 'p-burn', 'p-traffic'])
      check(drawn.some((c) => c.panel === p), `chart ${p} drawn`);
  }
  if (wantDetails)
    check(drawn.some((c) => c.panel === 'p-latency'), 'latency percentile chart (p-latency) drawn');
  else
    check(await page.$('#p-latency') === null, 'no latency chart without a store');
  const struck = [];
  for (const id of ['p-sli', 'p-budget', 'p-burn', 'p-traffic', 'p-latency']) {
    const st = await page.evaluate(chartState, `#${id} canvas`);
    if (st) struck.push(...st.struck.map((t) => `${id}: ${t}`));
  }
  check(struck.length === 0, `no legend entry struck through${struck.length ? ': ' + struck.join(', ') : ''}`);
}

// The burn-rate chart: the SLO's own thresholds, the peak on the axis, the
// log/linear switch.
async function checkBurn(page, det) {
  const burn = await page.evaluate(chartState, '#p-burn canvas');
  if (!burn) return;
  const thr = Array.isArray(det.thresholds) ? det.thresholds : [];
  const want = thr.filter((t) => t.kind !== 'budget' && typeof t.burn_rate === 'number' && t.burn_rate > 0)
    .map((t) => `${t.name}=${+t.burn_rate.toFixed(6)}`);
  const got = burn.lines.map((l) => `${l.name}=${+l.y.toFixed(6)}`);
  if (thr.length) {
    check(sameSet(got, want), `burn-rate chart: the threshold lines are the SLO's own (${got.join(', ')}; want ${want.join(', ')})`);
    const listed = await page.$$eval('#thr-list li', (els) => els.map((e) => e.getAttribute('data-name')));
    check(sameSet(listed, thr.map((t) => t.name)), `burn-rate chart: every threshold listed beside it (${listed.join(', ')})`);
  }
  check(burn.yMax >= burn.peak, `burn-rate axis holds the ${burn.peak.toFixed(2)}x peak (max ${burn.yMax}), nothing capped`);
  const lo = Math.min(1, ...burn.lines.map((l) => l.y));
  const spread = Math.max(burn.peak, ...burn.lines.map((l) => l.y)) / lo;
  check((spread > 20) === (burn.type === 'logarithmic'), `burn-rate axis ${burn.type} for values spanning ${spread.toFixed(1)}x`);
  await page.click('#p-burn button[data-scale="linear"]');
  const lin = await page.evaluate(chartState, '#p-burn canvas');
  await page.click('#p-burn button[data-scale="log"]');
  const lg = await page.evaluate(chartState, '#p-burn canvas');
  check(lin.type === 'linear' && lin.yMax >= lin.peak && lg.type === 'logarithmic', `the scale switch: linear then log (${lin.type}, ${lg.type})`);
}

// The budget chart: the status light's levels of detail.status_thresholds.
async function checkBudgetLevels(page, det) {
  const b = await page.evaluate(chartState, '#p-budget canvas');
  const rem = (det.status_thresholds || {}).remaining;
  if (!b || !Array.isArray(rem)) {
    check(false, `budget chart and status_thresholds in the detail (${!!b}, ${JSON.stringify(det.status_thresholds)})`);
    return;
  }
  const got = b.lines.filter((l) => l.status).map((l) => `${l.status}=${l.y}`);
  const want = [`yellow=${rem[0]}`, `orange=${rem[1]}`].concat(rem[2] !== 0 ? [`red=${rem[2]}`] : []);
  check(sameSet(got, want), `budget chart: the status levels of status_thresholds (${got.join(', ')}; want ${want.join(', ')})`);
}

async function checkAlerts(page, det) {
  const rows = await page.$$eval('#alerts tbody tr', (trs) => trs.map((tr) => `${tr.getAttribute('data-condition')}=${tr.getAttribute('data-state')}`));
  if (!Array.isArray(det.alerts)) {
    check(rows.length === 0 && /no alert history/i.test(await page.$eval('#alerts', (e) => e.textContent)), 'alerts: no alert history without a store');
  } else {
    const want = det.alerts.map((a) => `${a.condition}=${a.state}`);
    check(sameSet(rows, want) && new Set(rows.map((r) => r.split('=')[0])).size === rows.length,
      `alert table: one row per alert with its state (${rows.join(', ') || 'none'}; want ${want.join(', ') || 'none'})`);
  }
  const tl = (det.timeline || []).filter((e) => e.source === 'alert').map((e) => e.kind);
  const shown = await page.$$eval('#timeline li[data-kind="alert"]', (els) => els.map((e) => e.getAttribute('data-state')));
  check(sameSet(shown, tl.slice(-200)), `timeline: the alert transitions with their state (${shown.length}: ${[...new Set(shown)].join(', ') || 'none'})`);
  if (tl.length) {
    const pills = await page.$$eval('#timeline li[data-kind="alert"] .pill', (els) => els.map((e) => e.textContent));
    check(pills.length === tl.length && pills.every((p) => /firing|resolved/.test(p)), 'timeline: each alert transition shows its state');
  }
}

async function checkBottom(page, det) {
  const links = Array.isArray(det.links) ? det.links : [];
  if (links.length) {
    const href = await page.$eval('#links a[data-link="0"]', (a) => a.getAttribute('href'));
    check(href === links[0].url, `logs link for the whole range: ${href}`);
  } else {
    check(await page.$eval('#p-links', (e) => e.hidden), 'no logs panel without headroom.dev/logs-url');
  }
  const sys = Array.isArray(det.system_metrics) ? det.system_metrics : [];
  if (sys.length) {
    const got = await page.$$eval('#sys .sys', (els) => els.map((e) => ({ title: e.querySelector('h4').textContent,
      err: (e.querySelector('.err') || {}).textContent || null })));
    const ink = (await page.evaluate(canvasInk, '#sys canvas')).filter((c) => c.ink > 50).length;
    const ok = sys.filter((m) => !m.error).length;
    check(got.length === sys.length && got.every((g, i) => g.title === sys[i].title && (g.err || null) === (sys[i].error || null)) && ink === ok,
      `system metrics: ${got.length} panels, ${ink} charts drawn, errors shown (${got.map((g) => g.title + (g.err ? ' [error]' : '')).join(', ')})`);
  } else {
    check(await page.$eval('#p-sys', (e) => e.hidden), 'no system-metrics panel without headroom.dev/system-metrics');
  }
  if (wantDetails) {
    const sel = '#p-bad:not([hidden]) table.bad-events tbody tr';
    await page.waitForSelector(sel).catch(() => null);
    const rows = await page.$$eval(sel, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    check(rows.length > 0 && rows.length <= 100, `bad events table: ${rows.length} rows (1..100)`);
    if (rows.length) {
      const r = rows[0];
      check(r.length === 5 && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(r[0]) && r[4].length > 20,
        `bad event row: time, status, path, duration, line ("${r.slice(0, 4).join(' | ')}")`);
      const times = rows.map((x) => x[0]);
      check(times.every((t, i) => i === 0 || times[i - 1] >= t), 'bad events newest first');
      await page.click(sel + ':first-child td.line');
      check(await page.$eval(sel + ':first-child', (tr) => tr.classList.contains('open')), 'a click on a bad event shows its whole line');
    }
  } else {
    check(await page.$eval('#p-bad', (e) => e.hidden).catch(() => true), 'no bad events panel without a store');
  }
}

async function checkSloPage(page, pick) {
  await page.click(`.card[data-slo="${pick.name}"]`);
  await page.waitForSelector(`.slo-page[data-slo="${pick.name}"]`);
  check(decodeURIComponent(new URL(page.url()).hash) === `#/slo/${pick.name}`, `a click on the card opens #/slo/${pick.name}`);
  const det = (await detailOf(page, pick.name)) || {};
  const lv = await page.$eval('.kpi-now .now', (e) => e.getAttribute('data-level')).catch(() => null);
  if (level(pick)) check(lv === level(pick), `SLO page: the burning-now signal "${lv}" beside the budget, want "${level(pick)}"`);
  hasChart = await page.evaluate(() => !!window.Chart);
  if (!hasChart) {
    // A build without HR_CHART_JS (tools/web-deps.sh): the page says so and shows the figures.
    console.log(`note ${label}: this build embeds no chart library (/vendor/chart.js): chart checks skipped`);
    check(await page.$('.nochart') !== null, 'without the chart library the SLO page says the charts are missing');
  } else {
    await checkCharts(page);
    await checkBurn(page, det);
    await checkBudgetLevels(page, det);
  }
  await checkAlerts(page, det);
  await checkBottom(page, det);
  const budget = await page.$eval('.kpi.budget .big', (e) => e.textContent.trim());
  check(budget.length > 0, `SLO page: budget left "${budget}"`);
  const fsz = await page.$eval('.kpi.budget .big', (e) => parseFloat(getComputedStyle(e).fontSize));
  const maxOther = await page.$$eval('.slo-page *', (els) => Math.max(...els.filter((e) => !e.closest('.kpi.budget')).map((e) => parseFloat(getComputedStyle(e).fontSize))));
  check(fsz > maxOther, `the budget left is the largest type on the page (${fsz}px > ${maxOther}px)`);
  await checkHeader(page, 'SLO page');
  await fullShot(page, 'slo');
  return det;
}

// A figure as shown ("170%", "< 0.01%", "237 ms", "1.24 s") in
// the API's unit (a share, seconds); NaN when it is not one.
function figure(text) {
  const t = String(text).trim();
  if (/^< 0\.01%$/.test(t)) return 0.00005;
  let m = /^(-?[\d.]+)%$/.exec(t);
  if (m) return +m[1] / 100;
  m = /^([\d.]+) ms$/.exec(t);
  if (m) return +m[1] / 1000;
  m = /^([\d.]+) s$/.exec(t);
  if (m) return +m[1];
  return NaN;
}
// A duration as fmtDur writes it ("2d 19h", "40m 19s", "45s"): [value, the
// unit of its last part] in seconds; null when it is not one.
function duration(text) {
  const unit = { d: 86400, h: 3600, m: 60, s: 1 };
  const parts = String(text).trim().split(' ').map((p) => /^(\d+)([dhms])$/.exec(p));
  if (!parts.length || parts.some((p) => !p)) return null;
  return [parts.reduce((a, p) => a + +p[1] * unit[p[2]], 0), unit[parts[parts.length - 1][2]]];
}
// The shown duration is x cut to its last unit (rounded to the second).
const durNear = (text, x) => {
  const d = duration(text);
  return d !== null && d[0] <= x + 0.5 && x < d[0] + d[1] + 0.5;
};
// The page shows the API's value x as text: within its rounding (three
// figures for shares, whole ms, whole minutes or hours for budgets).
const near = (text, x, rel = 0.006, abs = 0.00006) => {
  const v = figure(text);
  return typeof x === 'number' && Number.isFinite(v) && Math.abs(v - x) <= Math.max(abs, rel * Math.abs(x));
};

// A service's page, opened from the overview by its name.
async function checkService(page, svc) {
  await page.click(`section.service[data-service="${svc}"] h2 a`);
  await page.waitForSelector(`.svc-page[data-service="${svc}"]`);
  check(decodeURIComponent(new URL(page.url()).hash) === `#/service/${svc}`, `a click on the service's name opens #/service/${svc}`);
  const cards = await cardOrder(page);
  const want = slos.filter((s) => s.service === svc).map((s) => s.name);
  check(sameSet(cards, want), `service page: the cards of ${svc} (${cards.join(', ')})`);
  const sparks = (await page.evaluate(canvasInk, '.svc-page canvas[data-spark]')).filter((c) => c.ink > 10).length;
  check(sparks === want.length, `service page: ${sparks} small charts drawn`);
  if (file) {
    const txt = await page.$eval('#p-risk', (e) => e.textContent).catch(() => '');
    check(/headroom risk --service/.test(txt), 'service page: a report names the command that gives the release risk');
  } else {
    await page.waitForSelector('#risk-slos', { timeout: 10000 }).catch(() => null);
    const api = await page.evaluate(async (v) => ({
      risk: await (await fetch('api/v1/risk?service=' + encodeURIComponent(v))).json(),
      gate: await (await fetch('api/v1/gate?service=' + encodeURIComponent(v))).json(),
    }), svc);
    const rows = await page.$$eval('#risk-slos tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-slo'),
      ...[...tr.querySelectorAll('td')].slice(1).map((td) => td.childNodes[0].textContent.trim())]));
    const bad = api.risk.slos.filter((x, i) => {
      const r = rows[i] || [];
      const c = x.consumption;
      return r[0] !== x.name || !near(r[2], x.p_exhaust) || !near(r[3], c.p50) || !near(r[4], c.p90) || !near(r[5], c.max) ||
        !near(r[6], x.p_at_least['0.1']) || +r[7] !== x.deploys;
    });
    check(rows.length === api.risk.slos.length && bad.length === 0,
      `service page: release risk of every SLO (${rows.map((r) => `${r[0]}: exhausted ${r[2]}, median ${r[3]}, p90 ${r[4]}, worst ${r[5]}, ≥10% ${r[6]}, ${r[7]} deploys`).join('; ')})`);
    const thin = await page.$eval('#risk-thin', (e) => e.textContent).catch(() => null);
    check(api.risk.thin ? thin !== null && thin.includes(`only ${api.risk.deploys} past deploy`) : thin === null,
      `service page: ${api.risk.deploys} deploys: ${thin === null ? 'no thin-history warning' : `"${thin}"`} (thin: ${api.risk.thin})`);
    const gate = await page.$eval('.svc-page [data-gate]', (e) => e.getAttribute('data-gate')).catch(() => null);
    check(gate === api.gate.decision, `service page: the release gate says ${gate} (${api.gate.decision})`);
  }
  await fullShot(page, 'service');
  const phone = await openPage({ width: 390, height: 844 });
  await phone.goto(target.replace(/#.*$/, '') + '#/service/' + encodeURIComponent(svc), { waitUntil: 'load' });
  await ready(phone, '.svc-page');
  if (url) await phone.waitForSelector('#risk-slos', { timeout: 10000 }).catch(() => null);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `phone width: the service page does not scroll sideways (overflow ${overflow}px)`);
  await phone.close();
  await page.goto(target.replace(/#.*$/, '') + '#/', { waitUntil: 'load' });
  await ready(page, '.card');
}

// The release risk and target panels of the SLO page now shown.
async function checkDecisions(page, pick, what) {
  if (file) {
    const txt = await page.$eval('#p-risk', (e) => e.textContent).catch(() => '');
    const txt2 = await page.$eval('#p-suggest', (e) => e.textContent).catch(() => '');
    check(/headroom risk --service/.test(txt) && /headroom suggest --slo/.test(txt2),
      `${what}: a report says where the release risk and target suggestion come from`);
    return;
  }
  await page.waitForSelector('#risk-exhaust, #risk-none', { timeout: 10000 }).catch(() => null);
  await page.waitForSelector('#suggest-target, #suggest-none', { timeout: 10000 }).catch(() => null);
  const api = await page.evaluate(async ([svc, n]) => ({
    risk: await (await fetch('api/v1/risk?service=' + encodeURIComponent(svc))).json(),
    sug: await (await fetch('api/v1/suggest?slo=' + encodeURIComponent(n))).json(),
  }), [pick.service, pick.name]);
  const r = api.risk.slos.find((x) => x.name === pick.name);
  const txt = (sel) => page.$eval(sel, (e) => e.textContent.trim()).catch(() => null);
  const first = (t) => (t || '').split(' ')[0] === '<' ? (t || '').split(' ').slice(0, 2).join(' ') : (t || '').split(' ')[0];
  if (r && r.deploys > 0) {
    const got = { exhaust: await txt('#risk-exhaust'), median: first(await txt('#risk-median')), p90: await txt('#risk-p90'), max: await txt('#risk-max') };
    check(near(got.exhaust, r.p_exhaust) && near(got.median, r.consumption.p50) && near(got.p90, r.consumption.p90) && near(got.max, r.consumption.max),
      `${what}: release risk: exhausts ${got.exhaust} (p_exhaust ${r.p_exhaust}), consumes ${got.median} median, ${got.p90} p90, ${got.max} worst`);
    const levels = await page.$$eval('#risk-levels tr', (trs) => trs.map((tr) => [tr.getAttribute('data-level'), tr.querySelector('.bv').textContent,
      parseFloat(tr.querySelector('.fill').style.width)]));
    const want = Object.keys(r.p_at_least);
    check(levels.length === want.length && levels.every(([k, t, w]) => near(t, r.p_at_least[k]) && Math.abs(w / 100 - r.p_at_least[k]) < 0.001),
      `${what}: the chance of consuming at least ${levels.map(([k, t]) => `${k}: ${t}`).join(', ')} (bars as wide as the figures)`);
    const thin = await txt('#risk-thin');
    check(r.thin ? thin !== null && thin.includes(`only ${r.deploys} past deploy`) : thin === null,
      `${what}: ${r.deploys} deploys: ${thin === null ? 'no thin-history warning' : `"${thin}"`} (thin: ${r.thin})`);
  } else {
    check((await txt('#risk-none')) !== null, `${what}: no past deploy, said plainly`);
  }
  const rows = await page.$$eval('#risk-slos tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-slo')));
  check(api.risk.slos.length < 2 || sameSet(rows, api.risk.slos.map((x) => x.name)), `${what}: every SLO of ${pick.service} in the risk table (${rows.join(', ')})`);

  const sg = api.sug.slos[0];
  const target = await txt('#suggest-target');
  check(sg.suggested_target === null ? target === '—' : near(target, sg.suggested_target, 1e-7, 1e-7),
    `${what}: suggested target ${target} (${sg.suggested_target}), current ${sg.current_target}`);
  const sthin = await txt('#suggest-thin');
  check(sg.windows > 0 && sg.thin ? sthin !== null && sthin.includes(`Only ${sg.windows} whole`) : sthin === null,
    `${what}: ${sg.windows} windows: ${sthin === null ? 'no thin-basis warning' : `"${sthin}"`} (thin: ${sg.thin})`);
  const worst = first(await txt('#suggest-achieved'));
  check(near(worst, sg.achieved.min, 0, 0.00006), `${what}: worst SLI achieved ${worst} (${sg.achieved.min})`);
  const cands = await page.$$eval('#suggest-cands tbody tr', (trs) => trs.map((tr) => ({
    target: +tr.getAttribute('data-target'), share: tr.querySelector('.bv').childNodes[0].textContent.trim(),
    budget: tr.querySelector('td.n').childNodes[0].textContent.trim(), suggested: !!tr.querySelector('.pill'),
  })));
  const bad = sg.candidates.filter((c, i) => !cands[i] || cands[i].target !== c.target || !near(cands[i].share, c.met_share) ||
    !durNear(cands[i].budget, c.budget_seconds) || cands[i].suggested !== (c.target === sg.suggested_target));
  check(cands.length === sg.candidates.length && bad.length === 0,
    `${what}: ${cands.length} candidate targets with share met and budget (${cands.map((c) => `${c.target}: ${c.share}, ${c.budget}${c.suggested ? ' *' : ''}`).join('; ')})`);
  const w = sg.window_slis || { end: [] };
  if (w.end.length >= 2 && hasChart) {
    const ch = await page.evaluate(chartState, '#suggest-chart canvas');
    const ink = (await page.evaluate(canvasInk, '#suggest-chart canvas')).filter((c) => c.ink > 50).length;
    const pts = ch ? ch.ts.length : 0;
    check(ch && ink === 1 && pts === w.end.length && ch.lines.some((l) => l.y === sg.current_target) &&
      (sg.suggested_target === sg.current_target || ch.lines.some((l) => l.y === sg.suggested_target)),
      `${what}: the SLI of each of ${w.end.length} windows charted (${pts} points) with the current and suggested targets`);
  } else {
    check(await page.$('#suggest-chart canvas') === null, `${what}: no window chart for ${w.end.length} window(s)`);
  }
  if (sg.latency) {
    const q = await page.$$eval('#suggest-latency [data-q]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-q'), e.querySelector('b').textContent])));
    check(['p50', 'p95', 'p99'].every((k) => near(q[k], sg.latency[k], 0.003, 0.0006)),
      `${what}: latency p50 ${q.p50}, p95 ${q.p95}, p99 ${q.p99} (${['p50', 'p95', 'p99'].map((k) => sg.latency[k].toFixed(4)).join(', ')})`);
    const thr = await page.$$eval('#suggest-thr td[data-share]', (els) => els.map((e) => [e.getAttribute('data-share'), e.textContent]));
    const wantThr = Object.keys(sg.latency.threshold_for);
    check(thr.length === wantThr.length && thr.every(([k, t]) => near(t, sg.latency.threshold_for[k], 0.003, 0.0006)),
      `${what}: the duration < X met by each share (${thr.map(([k, t]) => `${k}: ${t}`).join(', ')})`);
  } else {
    check(await page.$('#suggest-latency') === null, `${what}: no latency figures for an SLO that reads no duration`);
  }
}

async function decisionsShot(page, name) {
  await page.locator('#p-risk').scrollIntoViewIfNeeded();
  const a = await page.$eval('#p-risk', (e) => { const r = e.getBoundingClientRect(); return { y: r.top + window.scrollY, h: r.height }; });
  const b = await page.$eval('#p-suggest', (e) => { const r = e.getBoundingClientRect(); return { y: r.top + window.scrollY, h: r.height }; });
  const top = Math.min(a.y, b.y) - 8, bottom = Math.max(a.y + a.h, b.y + b.h) + 8;
  await page.evaluate(() => { document.querySelector('header.top').style.position = 'static'; });
  await page.screenshot({ path: shot(name), fullPage: true, clip: { x: 0, y: top, width: 1366, height: bottom - top } });
  await page.evaluate(() => { document.querySelector('header.top').style.position = ''; });
}

const zoomOf = (page) => page.evaluate(() => {
  const c = document.querySelector('#p-burn canvas, #p-sli canvas');
  const ch = c && window.Chart.getChart(c);
  return ch ? [ch.scales.x.min, ch.scales.x.max] : null;
});
const stepShown = (page) => page.$eval('#shown', (e) => +e.getAttribute('data-step'));

async function checkZoom(page, pick, det) {
  const zoomBtn = await page.$('#toolbar button[data-span="86400"]');
  if (!zoomBtn || !hasChart) return;
  const step0 = await stepShown(page);
  await zoomBtn.click();
  const on = await page.$eval('#toolbar button.on', (b) => b.textContent);
  check(on === '1d', `zoom to the last day (button "${on}" active)`);
  const z = await zoomOf(page);
  const hash = decodeURIComponent(new URL(page.url()).hash);
  check(hash === `#/slo/${pick.name}?from=${iso(z[0])}&to=${iso(z[1])}`, `the URL carries the SLO and the zoom (${hash})`);
  if (url) {
    await page.waitForFunction((s0) => +document.querySelector('#shown').getAttribute('data-step') < s0, step0, { timeout: 5000 }).catch(() => null);
    const step = await stepShown(page);
    check(step < step0, `live: the zoomed day is fetched on a finer grid (a point every ${step} s, was ${step0} s)`);
  }
  if (Array.isArray(det.links) && det.links.length) {
    await page.waitForTimeout(100);
    const href = await page.$eval('#links a[data-link="0"]', (a) => a.getAttribute('href'));
    check(href.includes(iso(z[0])) && href.includes(iso(z[1])), `the logs link follows the zoom (${href})`);
  }
  // Hover shows a value (Chart.js tooltip, drawn on the canvas): hover must not throw.
  const box = await page.$('#p-sli canvas, .chart-box canvas');
  if (box) {
    const b = await box.boundingBox();
    await page.mouse.move(b.x + b.width * 0.6, b.y + b.height / 2);
    await page.waitForTimeout(100);
  }
  await page.screenshot({ path: shot('slo-zoom'), fullPage: false });

  // The last 6 hours: a point every minute.
  await page.click('#toolbar button[data-span="21600"]');
  await page.waitForTimeout(url ? 600 : 100);
  const six = await page.evaluate(chartState, '#p-burn canvas');
  const z6 = await zoomOf(page);
  const inside = six ? six.ts.filter((t) => t >= z6[0] && t <= z6[1]) : [];
  const gaps = inside.slice(1).map((t, i) => t - inside[i]);
  check(inside.length >= 300 && gaps.every((g) => g === 60) && (await stepShown(page)) === 60,
    `6h zoom: ${inside.length} points a minute apart (toolbar: a point every ${await stepShown(page)} s)`);
  await page.locator('#p-burn').scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('slo-6h'), fullPage: false });

  // A reload restores the SLO and the zoom from the URL.
  const before = decodeURIComponent(new URL(page.url()).hash);
  await quiet();
  await page.reload({ waitUntil: 'load' });
  await ready(page, `.slo-page[data-slo="${pick.name}"] .chart-box canvas`);
  await page.waitForTimeout(url ? 600 : 200);
  const z2 = await zoomOf(page);
  const on2 = await page.$eval('#toolbar button.on', (b) => b.textContent).catch(() => null);
  check(z2 && Math.abs(z2[0] - z6[0]) < 1 && Math.abs(z2[1] - z6[1]) < 1 && on2 === '6h' && (await stepShown(page)) === 60,
    `a reload of ${before} restores the SLO page and the 6h zoom (${z2 && z2.map(iso).join(' – ')}, button ${on2})`);
  await page.click('#toolbar button[data-span="0"]');
  check(decodeURIComponent(new URL(page.url()).hash) === `#/slo/${pick.name}`, 'the window button drops the zoom from the URL');
}

async function checkPhoneSlo(pick) {
  const phone = await openPage({ width: 390, height: 844 });
  await phone.goto(target.replace(/#.*$/, '') + '#/slo/' + encodeURIComponent(pick.name), { waitUntil: 'load' });
  await ready(phone, '.slo-page');
  await phone.waitForTimeout(300);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `phone width: the SLO page does not scroll sideways (overflow ${overflow}px)`);
  await fullShot(phone, 'slo-phone');
  if (url) await phone.waitForSelector('#risk-exhaust, #risk-none', { timeout: 10000 }).catch(() => null);
  await phone.evaluate(() => { document.querySelector('header.top').style.position = 'static'; document.querySelector('#p-risk').scrollIntoView(); });
  await phone.screenshot({ path: shot('decisions-phone'), fullPage: false });
  await phone.close();
}

// A grouped SLO (e2e.sh gives chat-send-availability groupBy: [client]): its
// groups panel lists the groups of the report, and (live) "what is burning"
// ranks the clients over the range shown, fetched again for a zoom.
async function checkBurning(page) {
  const g = slos.find((s) => Array.isArray(s.groups));
  if (!g) return;
  await page.goto(target.replace(/#.*$/, '') + '#/slo/' + encodeURIComponent(g.name), { waitUntil: 'load' });
  await ready(page, `.slo-page[data-slo="${g.name}"]`);
  const rows = await page.$$eval('#p-groups:not([hidden]) table.groups tbody tr', (r) => r.length);
  check(rows === g.groups.length, `${g.name}: the groups panel lists its ${g.groups.length} groups (${rows} rows)`);
  if (!url) {
    check(await page.$eval('#p-burning', (e) => e.hidden), `${g.name}: no "what is burning" panel without the API`);
    return;
  }
  const done = '#p-burning:not([hidden]) table.burning tbody tr, #p-burning:not([hidden]) p.empty:not(:empty)';
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((e) => !/Loading/.test(e.textContent)),
    done, { timeout: 10000 }).catch(() => null);
  const sub = await page.$eval('#burning-sub', (e) => e.textContent).catch(() => '');
  const vals = await page.$$eval('#p-burning table.burning tbody td.path', (t) => t.map((e) => e.textContent));
  const labels = new Set(g.groups.map((x) => x.labels[Object.keys(x.labels)[0]]));
  check(/bad events by client/.test(sub) && vals.length > 0 && vals.every((v) => labels.has(v)),
    `${g.name}: what is burning ranks its clients over the range shown (${vals.join(', ')}; "${sub}")`);
  await page.locator('#p-burning').scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('slo-burning'), fullPage: false });
  const zoomBtn = await page.$('#toolbar button[data-span="86400"]');
  if (zoomBtn) {
    await zoomBtn.click();
    await page.waitForFunction((s0) => { const e = document.querySelector('#burning-sub'); return e && e.textContent !== s0; },
      sub, { timeout: 5000 }).catch(() => null);
    const sub1 = await page.$eval('#burning-sub', (e) => e.textContent).catch(() => '');
    check(sub1 !== sub, `${g.name}: the zoom to a day asks again for its range ("${sub1}")`);
  }
  await page.waitForTimeout(300);
  await page.locator('#p-burning').scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('slo-burning-1d'), fullPage: false });
}

try {
  // Nothing but the page itself and loopback: any other request fails the test.
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'file:' || u.protocol === 'data:' || u.hostname === '127.0.0.1' || u.hostname === 'localhost') return route.continue();
    outside.push(u.href);
    return route.abort();
  });
  // No failed request at all (a missing favicon included); a build without
  // the chart library answers 404 for it, which the page says itself.
  ctx.on('request', (r) => inFlight.add(r));
  ctx.on('requestfinished', (r) => inFlight.delete(r));
  ctx.on('requestfailed', (r) => { inFlight.delete(r); if (!outside.includes(r.url())) badRequests.push(`${r.url()} (${(r.failure() || {}).errorText})`); });
  ctx.on('response', (r) => { if (r.status() >= 400 && !/\/vendor\/chart\.js$/.test(r.url())) badRequests.push(`${r.url()} (HTTP ${r.status()})`); });
  const page = await openPage();

  // 1. The overview, its sorting and filtering, on a phone.
  await checkOverview(page);
  await checkMatrix(page);
  await checkSortFilter(page);
  await checkPhoneOverview();
  await checkService(page, 'core-matching');

  // 2. Click the card of the worst SLO: its page opens with charts drawn.
  const pick = [...slos].sort((a, b) => (rank[b.status] || 0) - (rank[a.status] || 0))[0];
  const det = await checkSloPage(page, pick);
  await checkDecisions(page, pick, pick.name);
  await decisionsShot(page, 'decisions');
  await checkZoom(page, pick, det);
  await checkPhoneSlo(pick);

  // A latency SLO of another service: its release risk and percentiles.
  const lat = slos.find((s) => s.name === 'chat-latency') || slos.find((s) => /latency/.test(s.name) && s.service !== pick.service);
  if (lat) {
    await page.goto(target.replace(/#.*$/, '') + '#/slo/' + encodeURIComponent(lat.name), { waitUntil: 'load' });
    await ready(page, `.slo-page[data-slo="${lat.name}"]`);
    await checkDecisions(page, lat, lat.name);
    await decisionsShot(page, 'decisions-latency');
    if (hasChart) {
      await page.evaluate(() => window.scrollTo(0, document.querySelector('#p-budget').getBoundingClientRect().top + window.scrollY - 70));
      await page.waitForTimeout(200);
      await page.screenshot({ path: shot('budget-levels'), fullPage: false });
    }
    await page.goto(target.replace(/#.*$/, '') + '#/slo/' + encodeURIComponent(pick.name), { waitUntil: 'load' });
    await ready(page, `.slo-page[data-slo="${pick.name}"]`);
  }

  await checkBurning(page);

  // 3. Back to the overview by the link.
  await page.click('.slo-head a[href^="#/"]');
  await page.waitForSelector('.card');
  check((await page.$$('.card')).length === slos.length, 'the link back shows the overview again');

  check(errors.length === 0, `no JavaScript errors${errors.length ? ': ' + errors.slice(0, 3).join(' | ') : ''}`);
  check(badRequests.length === 0, `no failed request (favicon included)${badRequests.length ? ': ' + badRequests.slice(0, 3).join(' ') : ''}`);
  check(outside.length === 0, `no request leaves the machine${outside.length ? ': ' + outside.slice(0, 3).join(' ') : ''}`);
} catch (e) {
  check(false, `unexpected: ${e && e.message ? e.message.split('\n')[0] : e}`);
} finally {
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${out}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
