/* headroom dashboard: one page, hash routing (#/, #/service/NAME and
 * #/slo/NAME), the view in the URL (#/?sort=S&q=TEXT&attention=1,
 * #/slo/NAME?from=T&to=T).
 *
 * Data: window.HEADROOM_DATA when the page is a self-contained report
 * (report --format html: the report JSON plus "details": {name: detail} and
 * "journeys", the matrix; journeys --format html: the same with "view":
 * "journeys", the matrix first),
 * else the JSON API of `headroom serve` (GET api/v1/slos, api/v1/slos/NAME,
 * api/v1/trends, api/v1/status, api/v1/alerts, api/v1/gate?service=S,
 * api/v1/journeys for the value x frequency matrix of the overview, and
 * on a service's page api/v1/risk?service=S, on an SLO's page that and
 * api/v1/suggest?slo=NAME, read
 * again when the instant moves), refreshed every 10 s. Every figure is the engine's: the page draws what it
 * gets and computes none of it again. Every field may be missing: the page
 * shows what it has. docs/dashboard.md has the shapes. Charts: Chart.js
 * (embedded at /vendor/chart.js); without it the figures still show. */
(function () {
  'use strict';

  var STATIC = window.HEADROOM_DATA || null;
  var REFRESH_MS = 10000, ZOOM_FETCH_MS = 300, ZOOM_POINTS = 720;
  /* docs/alerting.md: the conditions of an SLO without alert policies. */
  var DEFAULT_THRESHOLDS = [
    { name: 'page-1h-5m', kind: 'burn_rate', burn_rate: 14.4, severity: 'page', lookback: '1h', short_lookback: '5m' },
    { name: 'page-6h-30m', kind: 'burn_rate', burn_rate: 6, severity: 'page', lookback: '6h', short_lookback: '30m' },
    { name: 'ticket-1d-2h', kind: 'burn_rate', burn_rate: 3, severity: 'ticket', lookback: '1d', short_lookback: '2h' },
    { name: 'ticket-3d-6h', kind: 'burn_rate', burn_rate: 1, severity: 'ticket', lookback: '3d', short_lookback: '6h' }
  ];
  var RANK = { nodata: 0, green: 1, yellow: 2, orange: 3, red: 4 };
  var NOW_RANK = { ok: 0, elevated: 1, burning: 2 };
  var NOW_WORD = { ok: 'quiet now', elevated: 'elevated now', burning: 'burning now' };
  var NOW_ICON = { ok: '○', elevated: '▲', burning: '●' };
  var SORTS = { service: 'service', budget: 'budget left', now: 'burning now', status: 'status', name: 'name' };

  var state = {
    report: null, details: {}, gates: {}, alerts: null, status: null, trends: null, journeys: null, error: null,
    risk: {}, suggest: {}, /* by service, by SLO: {at, data} or {at, error} */
    charts: {}, route: { page: 'overview', params: {} }, timer: null, current: null,
    zoom: null, zoomDetail: null, zoomTimer: null, burnScale: null, burning: null,
    overview: { sort: 'service', q: '', attention: false }
  };

  /* ---------- small helpers ---------- */
  function $(id) { return document.getElementById(id); }
  function each(list, f) { Array.prototype.forEach.call(list, f); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function isNum(x) { return typeof x === 'number' && isFinite(x); }
  function num(x) { return isNum(x) ? x : null; }
  function statusOf(s) { return s && RANK[s.status] !== undefined ? s.status : 'nodata'; }
  function name(s) { return s.display_name || s.name; }
  function maxOf(a, dflt) { var v = a.filter(isNum); return v.length ? Math.max.apply(null, v) : dflt; }
  function minOf(a, dflt) { var v = a.filter(isNum); return v.length ? Math.min.apply(null, v) : dflt; }

  function durSecs(str) { /* "5m" "1h" "1d" "2w" "90s" -> seconds */
    var m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(String(str));
    if (!m) return NaN;
    return parseFloat(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]];
  }
  function fmtDur(s) { /* like the CLI: "43m 12s", "14h 24m", "2d 3h" */
    if (!isNum(s)) return 'never';
    var neg = s < 0 ? '-' : ''; s = Math.abs(s);
    var t = Math.round(s);
    if (s < 1) return s === 0 ? '0s' : neg + s.toPrecision(2) + 's';
    if (t < 60) return neg + t + 's';
    if (t < 3600) return neg + Math.floor(t / 60) + 'm ' + (t % 60) + 's';
    if (t < 86400) return neg + Math.floor(t / 3600) + 'h ' + Math.floor(t % 3600 / 60) + 'm';
    return neg + Math.floor(t / 86400) + 'd ' + Math.floor(t % 86400 / 3600) + 'h';
  }
  function fmtSpan(s) { return fmtDur(s).replace(/ 0[dhms]$/, ''); } /* "28d", "1h", "5m" */
  function pctDigits(target) {
    if (!isNum(target) || target >= 1 || target <= 0) return 2;
    return Math.min(5, Math.max(1, Math.ceil(-Math.log10(1 - target) - 1e-6)));
  }
  function fmtPct(x, d) { return isNum(x) ? (x * 100).toFixed(d == null ? 1 : d) + '%' : '—'; }
  function fmtBurn(x) {
    if (!isNum(x)) return '—';
    return (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + '×';
  }
  /* The budget as people read it: "44.7%" / "3h 0m", or "89.5% overspent" /
   * "36m 5s overspent" when it is negative: the wording of the gate's reason
   * and report's BUDGET LEFT (budget_pct_text in src/core/slo_eval.c). */
  function budgetPct(b) { return isNum(b) && b < 0 ? fmtPct(-b, 1) + ' overspent' : fmtPct(b, 1); }
  function budgetTime(secs) { return isNum(secs) && secs < 0 ? fmtDur(-secs) + ' overspent' : fmtDur(secs); }
  function fmtSecs(v) { /* a duration in seconds: "87 ms", "1.24 s", "3m 20s" */
    if (!isNum(v)) return '—';
    if (v < 1) return (v < 0.01 ? (v * 1000).toFixed(2) : v < 0.1 ? (v * 1000).toFixed(1) : (v * 1000).toFixed(0)) + ' ms';
    if (v < 60) return v.toFixed(v < 10 ? 2 : 1) + ' s';
    return fmtDur(v);
  }
  function pad(n) { return n < 10 ? '0' + n : '' + n; }
  var MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function toSecs(at) { /* unix seconds (number or digits) or RFC 3339 -> seconds */
    if (isNum(at)) return at;
    if (typeof at === 'string' && /^\d+(\.\d+)?$/.test(at)) return parseFloat(at);
    var ms = Date.parse(at);
    return isNaN(ms) ? NaN : ms / 1000;
  }
  function isoOf(sec) { return new Date(Math.round(sec) * 1000).toISOString().replace(/\.000Z$/, 'Z'); }
  function fmtTime(sec, withDate) { /* UTC, like the CLI */
    if (!isNum(sec)) return '—';
    var d = new Date(sec * 1000);
    var hm = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    if (withDate === false) return hm;
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + hm;
  }
  function fmtAtMs(at) {
    var sec = toSecs(at);
    if (!isNum(sec)) return '—';
    var ms = Math.round((sec - Math.floor(sec)) * 1000), d = new Date(Math.floor(sec) * 1000);
    return fmtTime(sec) + ':' + pad(d.getUTCSeconds()) + '.' + ('00' + ms).slice(-3);
  }
  /* A time tick: the date at whole days (or when ticks are days apart),
   * else the time of day. */
  function fmtTick(sec, step) {
    var d = new Date(sec * 1000), day = MON[d.getUTCMonth()] + ' ' + d.getUTCDate();
    if (step >= 86400 || (sec % 86400 === 0 && step >= 3600)) return day;
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }
  /* Ticks on round UTC times (whole minutes, hours, days, weeks), as many as
   * the axis has room for. */
  var TICK_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2419200];
  function timeTicks(scale) {
    var lo = scale.min, hi = scale.max, room = Math.max(2, Math.floor((scale.width || 600) / 75));
    var step = TICK_STEPS.filter(function (st) { return (hi - lo) / st <= room; })[0] || TICK_STEPS[TICK_STEPS.length - 1];
    var ticks = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push({ value: t });
    scale.$hrStep = step;
    scale.ticks = ticks;
  }
  /* Log-axis ticks: 1, 2, 5 x 10^k, or the powers of ten alone when a decade
   * has too little room. */
  function logTicks(scale) {
    var lo = scale.min, hi = scale.max, dec = Math.log10(hi / lo), room = (scale.height || 200) / Math.max(dec, 1);
    var ms = room >= 60 ? [1, 2, 5] : [1], ticks = [];
    for (var e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      ms.forEach(function (m) { var v = +(m * Math.pow(10, e)).toPrecision(6); if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push({ value: v }); });
    }
    scale.ticks = ticks;
  }
  function pill(cls, text) { return '<span class="pill ' + esc(cls) + '">' + esc(text) + '</span>'; }
  function statusPill(st) { return pill(st, st === 'nodata' ? 'no data' : st); }

  /* ---------- figures of one SLO ---------- */

  /* The burn rate lookbacks of an SLO, shortest first, and the pair that
   * makes the trend: 1h now against 6h (or the nearest longer one). */
  function burnKeys(s) {
    var br = s && s.burn_rate && typeof s.burn_rate === 'object' ? s.burn_rate : {};
    return Object.keys(br).filter(function (k) { return isNum(durSecs(k)); })
      .sort(function (a, b) { return durSecs(a) - durSecs(b); });
  }
  function burnPair(s) {
    var ks = burnKeys(s);
    if (!ks.length) return null;
    var now = ks.indexOf('1h') >= 0 ? '1h' : ks.filter(function (k) { return durSecs(k) >= 3600; })[0] || ks[ks.length - 1];
    var ref = ks.indexOf('6h') >= 0 && now !== '6h' ? '6h'
      : ks.filter(function (k) { return durSecs(k) > durSecs(now); })[0] || null;
    return { now: now, ref: ref, vNow: s.burn_rate[now], vRef: ref ? s.burn_rate[ref] : null };
  }
  function trendHtml(p) {
    if (!p || !p.ref || !isNum(p.vNow) || !isNum(p.vRef)) return '';
    var cls = 'flat', arrow = '→', word = 'steady';
    if (p.vNow > p.vRef * 1.1 + 0.01) { cls = 'up'; arrow = '↑'; word = 'rising'; }
    else if (p.vNow < p.vRef * 0.9 - 0.01) { cls = 'down'; arrow = '↓'; word = 'falling'; }
    return ' <span class="trend ' + cls + '" title="' + word + ': ' + esc(p.now) + ' ' + fmtBurn(p.vNow) +
      ' vs ' + esc(p.ref) + ' ' + fmtBurn(p.vRef) + '">' + arrow + '</span> <small class="c-nodata">' +
      esc(p.ref) + ' ' + fmtBurn(p.vRef) + '</small>';
  }
  function tteText(s) {
    var t = s.time_to_exhaustion_seconds;
    if (t === null || t === undefined) return 'never at this rate';
    if (!isNum(t)) return '—';
    if (t <= 0) return 'exhausted';
    return 'in ' + fmtDur(t);
  }
  function hasNoData(s) { return statusOf(s) === 'nodata' && (s.valid === 0 || s.sli === null); }
  function budgetHtml(s) {
    var b = s.budget_remaining, secs = s.budget_remaining_seconds, over = isNum(b) && b < 0;
    if (hasNoData(s)) return '<div class="big c-nodata">no data</div>';
    var unit = over ? 'overspent' + (isNum(secs) ? ' · ' + fmtDur(-secs) : '') : isNum(secs) ? '· ' + fmtDur(secs) : '';
    return '<div class="big c-' + statusOf(s) + '">' + fmtPct(over ? -b : b, 1) +
      (unit ? ' <span class="unit">' + esc(unit) + '</span>' : '') + '</div>';
  }
  function budgetWord(s) { return isNum(s.budget_remaining) && s.budget_remaining < 0 ? 'error budget overspent' : 'error budget left'; }

  /* "Is it OK right now?": the engine's burning_now, a signal of its own
   * beside the budget (the budget says how much is left; this says whether
   * it is being spent now). */
  function nowOf(s) { var n = s && s.burning_now; return n && NOW_RANK[n.level] !== undefined ? n : null; }
  function nowDetail(n) {
    if (!isNum(n.burn_rate)) return '';
    var txt = fmtBurn(n.burn_rate) + (n.lookback ? ' over ' + n.lookback : '');
    if (isNum(n.threshold)) txt += n.condition ? ' · alert at ' + fmtBurn(n.threshold) : ' · 1× spends it over the window';
    return txt;
  }
  function nowHtml(s, cls) {
    var n = nowOf(s);
    if (!n) return '';
    var det = nowDetail(n);
    var title = 'Right now: ' + NOW_WORD[n.level] + (det ? ' (' + det + (n.condition ? ', ' + n.condition : '') + ')' : '') +
      (n.level === 'ok' ? '. Nothing is burning the budget fast.' : n.level === 'elevated' ? '. Spending faster than the window allows.' :
        '. A paging condition holds now.');
    return '<div class="now now-' + n.level + (cls ? ' ' + cls : '') + '" data-level="' + n.level + '" title="' + esc(title) + '">' +
      '<span class="ico" aria-hidden="true">' + NOW_ICON[n.level] + '</span><b>' + NOW_WORD[n.level] + '</b>' +
      (det ? '<span class="rel">' + esc(det) + '</span>' : '') + '</div>';
  }
  function needsAttention(s) {
    var n = nowOf(s);
    return statusOf(s) !== 'green' || (n && n.level !== 'ok') || firingAlerts().some(function (a) { return a.slo === s.name; });
  }

  /* ---------- data ---------- */
  function getJSON(path) {
    return fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) { var e = new Error(path + ': HTTP ' + r.status); e.status = r.status; throw e; }
      return r.json();
    });
  }
  function optional(path, set) { return getJSON(path).then(set, function () { set(null); }); }
  function sloList() { return (state.report && state.report.slos) || []; }
  function findSlo(nm) {
    var list = sloList();
    for (var i = 0; i < list.length; i++) if (list[i].name === nm) return list[i];
    return null;
  }
  function services(list) {
    var by = {}, order = [];
    list.forEach(function (s) {
      var k = s.service || '(no service)';
      if (!by[k]) { by[k] = []; order.push(k); }
      by[k].push(s);
    });
    return { by: by, order: order };
  }
  /* The alerts firing at the report's instant, as the engine says: GET
   * api/v1/alerts (as they stood at the instant, docs/alerting.md), or in a
   * report the details' alerts (as they stood at the report's). */
  function firingAlerts() {
    var list = state.alerts && Array.isArray(state.alerts.alerts) ? state.alerts.alerts : [];
    return list.filter(function (a) { return a.state === 'firing'; });
  }
  function staticAlerts() {
    var out = [];
    Object.keys(state.details).forEach(function (k) {
      var d = state.details[k];
      if (d && Array.isArray(d.alerts)) out = out.concat(d.alerts);
    });
    return { alerts: out };
  }
  function zoomPath(nm, z) {
    return 'api/v1/slos/' + encodeURIComponent(nm) + '?from=' + Math.floor(z[0]) + '&to=' + Math.ceil(z[1]) + '&points=' + ZOOM_POINTS;
  }
  function fetchZoom(nm, z) {
    return getJSON(zoomPath(nm, z)).then(function (j) {
      if (state.zoom && state.zoom[0] === z[0] && state.zoom[1] === z[1]) state.zoomDetail = { name: nm, from: z[0], to: z[1], data: j };
    }, function () { /* the coarser series stays */ });
  }

  function load() {
    if (STATIC) {
      state.report = STATIC;
      state.details = STATIC.details || {};
      state.alerts = staticAlerts();
      state.journeys = STATIC.journeys || null;
      return Promise.resolve();
    }
    var r = state.route;
    var jobs = [getJSON('api/v1/slos').then(function (j) { state.report = j; }),
      optional('api/v1/alerts', function (j) { state.alerts = j; }),
      optional('api/v1/status', function (j) { state.status = j; })];
    if (r.page === 'slo') {
      jobs.push(getJSON('api/v1/slos/' + encodeURIComponent(r.name)).then(function (j) {
        state.details[r.name] = j;
      }, function (e) { if (e.status === 404) state.details[r.name] = { missing: true }; }));
      if (state.zoom) jobs.push(fetchZoom(r.name, state.zoom));
    } else {
      jobs.push(optional('api/v1/trends', function (j) { state.trends = j; }));
      jobs.push(optional('api/v1/journeys', function (j) { state.journeys = j; }));
    }
    return Promise.all(jobs).then(function () {
      if (r.page === 'overview') return loadGates(services(sloList()).order);
      if (r.page === 'service') return Promise.all([loadGates([r.name]), loadDecisions(r.name, null)]);
      var s = findSlo(r.name);
      return loadDecisions(s && s.service, r.name);
    });
  }
  /* The release risk of the SLO's service and the targets its history
   * supports: read once per instant of the report (they change with it). */
  function loadDecisions(svc, nm) {
    var at = state.report && state.report.at, jobs = [];
    function once(cache, key, path) {
      var c = cache[key];
      if (c && c.at === at) return;
      jobs.push(getJSON(path).then(function (j) { cache[key] = { at: at, data: j }; },
        function (e) { cache[key] = { at: at, error: e && e.message ? e.message : String(e) }; }));
    }
    if (!at) return null;
    if (svc) once(state.risk, svc, 'api/v1/risk?service=' + encodeURIComponent(svc));
    if (nm) once(state.suggest, nm, 'api/v1/suggest?slo=' + encodeURIComponent(nm));
    return Promise.all(jobs);
  }
  function loadGates(list) {
    return Promise.all(list.map(function (svc) {
      return getJSON('api/v1/gate?service=' + encodeURIComponent(svc)).then(function (g) {
        state.gates[svc] = g;
      }, function () { delete state.gates[svc]; });
    }));
  }

  /* ---------- the URL: #/?sort=&q=&attention=1, #/slo/NAME?from=&to= ---------- */
  function parseHash() {
    var h = location.hash.replace(/^#\/?/, ''), q = '', i = h.indexOf('?'), params = {};
    if (i >= 0) { q = h.slice(i + 1); h = h.slice(0, i); }
    q.split('&').forEach(function (kv) {
      if (!kv) return;
      var j = kv.indexOf('=');
      try { params[decodeURIComponent(j < 0 ? kv : kv.slice(0, j))] = j < 0 ? '' : decodeURIComponent(kv.slice(j + 1)); } catch (e) { /* skip */ }
    });
    var m = /^(slo|service)\/(.+)$/.exec(h);
    if (m) { try { return { page: m[1], name: decodeURIComponent(m[2]), params: params }; } catch (e) { /* fall through */ } }
    return { page: 'overview', params: params };
  }
  function query(params) {
    var q = Object.keys(params).filter(function (k) { return params[k] !== '' && params[k] != null; }).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]).replace(/%3A/g, ':');
    }).join('&');
    return q ? '?' + q : '';
  }
  function overviewHash() {
    var o = state.overview;
    return '#/' + query({ sort: o.sort === 'service' ? '' : o.sort, q: o.q, attention: o.attention ? '1' : '' });
  }
  function serviceHash(svc) { return '#/service/' + encodeURIComponent(svc); }
  function sloHash(nm) {
    return '#/slo/' + encodeURIComponent(nm) + (state.zoom ? query({ from: isoOf(state.zoom[0]), to: isoOf(state.zoom[1]) }) : '');
  }
  function writeHash() {
    var r = state.route;
    var h = r.page === 'slo' ? sloHash(r.name) : r.page === 'service' ? serviceHash(r.name) : overviewHash();
    if (location.hash !== h) history.replaceState(null, '', h);
  }
  function applyRoute() {
    var r = parseHash(), p = r.params;
    if (r.page === 'slo') {
      var f = toSecs(p.from), t = toSecs(p.to);
      state.zoom = isNum(f) && isNum(t) && t - f >= 60 ? [f, t] : null;
      if (!state.zoom || !state.zoomDetail || state.zoomDetail.name !== r.name) state.zoomDetail = null;
    } else if (r.page === 'overview') {
      state.overview = { sort: SORTS[p.sort] ? p.sort : 'service', q: p.q || '', attention: p.attention === '1' };
    }
    state.route = r;
  }

  /* ---------- the header ---------- */
  function renderHeader() {
    var at = state.report && state.report.at;
    $('asof').textContent = at ? 'as of ' + fmtTime(toSecs(at)) + ' UTC' : '';
    var live = $('live'), st = state.status, every = 'refreshes every ' + REFRESH_MS / 1000 + ' s';
    if (STATIC) { live.textContent = 'snapshot (report), not refreshed'; live.className = 'live snap'; }
    else if (state.error) { live.textContent = 'stale: ' + state.error; live.className = 'live stale'; }
    else if (st && st.clock === 'frozen') { live.textContent = 'clock frozen at ' + fmtTime(toSecs(st.at)) + ' UTC · ' + every; live.className = 'live frozen'; }
    else if (st && st.clock === 'live') { live.textContent = 'live · ' + every; live.className = 'live on'; }
    else { live.textContent = every; live.className = 'live'; }
    var b = $('banner');
    var errs = (state.report && Array.isArray(state.report.errors)) ? state.report.errors : [];
    if (state.error && !state.report) { b.hidden = false; b.textContent = 'Cannot load the SLOs: ' + state.error; }
    else if (errs.length) { b.hidden = false; b.textContent = 'Input errors: ' + errs.slice(0, 3).join('; '); }
    else b.hidden = true;
  }

  /* ---------- overview ---------- */
  function renderOverview() {
    destroyCharts();
    state.current = null;
    $('crumbs').textContent = '';
    var jview = STATIC && STATIC.view === 'journeys'; /* journeys --format html: the matrix first */
    document.title = jview ? 'headroom journeys' : 'headroom';
    var list = sloList();
    if (!list.length && !jview) { $('app').innerHTML = '<p class="empty">No SLOs in this report.</p>'; return; }
    if (!$('ov-list')) {
      var answer = '<section class="answer" id="ov-answer"></section>', matrix = '<section class="matrix" id="ov-matrix"></section>';
      $('app').innerHTML = '<div class="overview">' + (jview ? matrix + answer : answer + matrix) + '<section id="ov-firing"></section>' +
        '<div class="ov-tools" id="ov-tools">' + toolsHtml() + '</div><div id="ov-list"></div></div>';
      bindTools();
    }
    syncTools();
    $('ov-answer').innerHTML = answerHtml(list);
    $('ov-matrix').innerHTML = matrixHtml(state.journeys);
    $('ov-matrix').hidden = !state.journeys;
    $('ov-firing').innerHTML = firingHtml();
    renderOverviewList();
  }

  function answerHtml(list) {
    var worst = 'nodata', counts = { green: 0, yellow: 0, orange: 0, red: 0, nodata: 0 }, lowest = null, attn = 0;
    list.forEach(function (s) {
      var st = statusOf(s);
      counts[st]++;
      if (needsAttention(s)) attn++;
      if (RANK[st] > RANK[worst]) worst = st;
      if (st !== 'nodata' && isNum(s.budget_remaining) && (!lowest || s.budget_remaining < lowest.budget_remaining)) lowest = s;
    });
    var burning = list.filter(function (s) { var n = nowOf(s); return n && n.level === 'burning'; }).length;
    return '<div class="verdict ' + worst + '" id="verdict"><h1 class="c-' + worst + '">' +
      (attn === 0 && worst === 'green' ? 'All SLOs healthy' : worst === 'nodata' && !attn ? 'No data yet' :
        esc(attn) + ' of ' + list.length + ' SLOs need attention') + '</h1>' +
      (lowest ? '<p>Least budget left: <a href="#/slo/' + encodeURIComponent(lowest.name) + '">' + esc(name(lowest)) +
        '</a> — <b class="c-' + statusOf(lowest) + '">' + esc(budgetPct(lowest.budget_remaining)) + '</b>' +
        (isNum(lowest.budget_remaining_seconds) ? ' (' + esc(fmtDur(Math.abs(lowest.budget_remaining_seconds))) + ')' : '') + '</p>' : '') +
      '<p>' + (burning ? '<b class="c-red">' + burning + ' burning now</b> · ' : 'none burning now · ') +
      list.length + ' SLOs in ' + services(list).order.length + ' services</p></div>' +
      '<div class="counts">' + ['red', 'orange', 'yellow', 'green', 'nodata'].map(function (k) {
        return '<div class="cnt"><b class="c-' + k + '">' + counts[k] + '</b><span>' + (k === 'nodata' ? 'no data' : k) + '</span></div>';
      }).join('') + '</div>';
  }

  /* ---------- overview: the journeys on the value x frequency matrix ---------- */
  /* api/v1/journeys (docs/cli/journeys.md): each journey a point at its
   * frequency (x) and value (y), coloured by its status; the quadrants as in
   * the seed. Positions and quadrants are the engine's; the page only
   * scales 0..1 to the drawing. */
  var QUADRANTS = [
    { key: 'critical', title: 'Critical Moments', sub: 'high value, low frequency', x: 0, y: 0 },
    { key: 'lifeline', title: 'The Lifeline', sub: 'high value, high frequency', x: 1, y: 0 },
    { key: 'periphery', title: 'Periphery', sub: 'low value, low frequency', x: 0, y: 1 },
    { key: 'foundation', title: 'Foundation', sub: 'low value, high frequency', x: 1, y: 1 }
  ];
  /* Points closer than two dots' width would hide one another (two journeys
   * of the same value and frequency): each such group is spread on a small
   * circle around its centre, in the journeys' order (so the same data
   * always draws the same), kept inside the quadrant of its first journey
   * (at.qx, at.qy: 0 or 1, the engine's quadrant), so that no dot is drawn
   * in a box it does not belong to. Returns per point {x, y} (its place),
   * {dx, dy} (where its dot is drawn) and moved. */
  function spread(at, L, T, w, h) {
    var R = 8, groups = [];
    at.forEach(function (p, i) {
      var g = { m: [i] };
      groups = groups.filter(function (o) {
        var near = o.m.some(function (k) { return Math.hypot(at[k].x - p.x, at[k].y - p.y) < 2 * R + 4; });
        if (near) g.m = g.m.concat(o.m);
        return !near;
      });
      groups.push(g);
    });
    var out = at.map(function (p) { return { x: p.x, y: p.y, dx: p.x, dy: p.y, moved: false }; });
    groups.forEach(function (g) {
      if (g.m.length < 2) return;
      g.m.sort(function (a, b) { return a - b; });
      var cx = 0, cy = 0, n = g.m.length, rad = R + 4 + 3 * n;
      g.m.forEach(function (k) { cx += at[k].x / n; cy += at[k].y / n; });
      var bx = L + at[g.m[0]].qx * w / 2, by = T + at[g.m[0]].qy * h / 2, m = rad + R + 2;
      cx = m > w / 4 ? bx + w / 4 : Math.min(bx + w / 2 - m, Math.max(bx + m, cx));
      cy = m > h / 4 ? by + h / 4 : Math.min(by + h / 2 - m, Math.max(by + m, cy));
      g.m.forEach(function (k, r) {
        var a = -Math.PI / 2 + 2 * Math.PI * r / n;
        out[k].dx = cx + rad * Math.cos(a);
        out[k].dy = cy + rad * Math.sin(a);
        out[k].moved = true;
      });
    });
    return out;
  }
  function matrixHtml(js) {
    if (!js || !Array.isArray(js.journeys)) return '';
    var shared = js.journeys.some(function (j) { return !isNum(j.high_frequency); });
    var marked = js.journeys.some(function (j) { return isNum(j.high_frequency); });
    var W = 760, H = 380, L = 46, T = 12, R = 12, B = 40, w = W - L - R, h = H - T - B, PAD = 0.12;
    function unit(x) { return PAD + Math.min(1, Math.max(0, num(x) || 0)) * (1 - 2 * PAD); } /* off the edges and titles */
    function X(f) { return L + unit(f) * w; }
    function Y(v) { return T + (1 - unit(v)) * h; }
    var placed = []; /* label boxes drawn so far: a label goes where it covers none */
    function labelAt(cx, cy, text) {
      var tw = 7.2 * String(text).length + 4, th = 15, mx = L + w / 2, my = T + h / 2;
      var tries = [[13, 4, 'start'], [-13, 4, 'end'], [13, 19, 'start'], [-13, 19, 'end'], [13, -11, 'start'], [-13, -11, 'end'],
        [13, 34, 'start'], [-13, 34, 'end']];
      /* first where the label stays in its point's quadrant (one over the middle line reads as the other's), then anywhere */
      for (var pass = 0; pass < 2; pass++) {
        for (var i = 0; i < tries.length; i++) {
          var x = cx + tries[i][0], y = cy + tries[i][1], x0 = tries[i][2] === 'end' ? x - tw : x;
          var box = { x0: x0, x1: x0 + tw, y0: y - th + 3, y1: y + 3 };
          if (box.x0 < L || box.x1 > L + w) continue;
          if (pass === 0 && ((cx < mx ? box.x1 > mx : box.x0 < mx) || (cy < my ? box.y1 > my : box.y0 < my))) continue;
          if (placed.every(function (b) { return box.x1 < b.x0 || box.x0 > b.x1 || box.y1 < b.y0 || box.y0 > b.y1; })) {
            placed.push(box);
            return { x: x, y: y, anchor: tries[i][2] };
          }
        }
      }
      return { x: cx + 13, y: cy + 4, anchor: 'start' };
    }
    var svg = '<svg class="quad" viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="Journeys on the value and frequency matrix">';
    QUADRANTS.forEach(function (q) {
      var x = L + q.x * w / 2, y = T + q.y * h / 2, n = js.journeys.filter(function (j) { return j.quadrant === q.key; }).length;
      svg += '<rect class="q q-' + q.key + '" x="' + x + '" y="' + y + '" width="' + w / 2 + '" height="' + h / 2 + '"/>' +
        '<text class="qt" x="' + (x + 8) + '" y="' + (y + 18) + '">' + esc(q.title) + '</text>' +
        '<text class="qs" x="' + (x + 8) + '" y="' + (y + 32) + '">' + esc(q.sub) + (n ? ' · ' + n : '') + '</text>';
    });
    svg += '<line class="mid" x1="' + (L + w / 2) + '" y1="' + T + '" x2="' + (L + w / 2) + '" y2="' + (T + h) + '"/>' +
      '<line class="mid" x1="' + L + '" y1="' + (T + h / 2) + '" x2="' + (L + w) + '" y2="' + (T + h / 2) + '"/>' +
      '<text class="ax" x="' + (L + w / 2) + '" y="' + (H - 8) + '" text-anchor="middle">frequency → (events per day on a log scale' +
      (shared && js.scale && js.scale.high_events_per_day > 0 ? ' from ' + esc(Math.round(js.scale.low_events_per_day)) + ' to ' +
        esc(Math.round(js.scale.high_events_per_day)) : '') + (marked ? '; the middle line at each journey\'s own mark' : '') + ')</text>' +
      '<text class="ax" transform="translate(14 ' + (T + h / 2) + ') rotate(-90)" text-anchor="middle">value →</text>';
    var pts = spread(js.journeys.map(function (j) {
      var q = QUADRANTS.filter(function (o) { return o.key === j.quadrant; })[0] || { x: X(j.frequency) >= L + w / 2 ? 1 : 0, y: Y(j.value) >= T + h / 2 ? 1 : 0 };
      return { x: X(j.frequency), y: Y(j.value), qx: q.x, qy: q.y };
    }), L, T, w, h);
    pts.forEach(function (p) { /* the dots first, so that no label is placed over one */
      placed.push({ x0: p.dx - 9, x1: p.dx + 9, y0: p.dy - 9, y1: p.dy + 9 });
    });
    js.journeys.forEach(function (j, i) {
      var st = RANK[j.status] !== undefined ? j.status : 'nodata', p = pts[i], cx = p.dx, cy = p.dy, lab = labelAt(cx, cy, j.service);
      if (p.moved) /* drawn off its place so that both show: a thin line back to where it is */
        svg += '<line class="lead" x1="' + p.x.toFixed(1) + '" y1="' + p.y.toFixed(1) + '" x2="' + cx.toFixed(1) + '" y2="' + cy.toFixed(1) + '"/>' +
          '<circle class="at" cx="' + p.x.toFixed(1) + '" cy="' + p.y.toFixed(1) + '" r="2.5"/>';
      svg += '<a href="#/service/' + encodeURIComponent(j.service) + '" class="pt" data-journey="' + esc(j.service) + '" data-status="' + esc(st) + '">' +
        '<title>' + esc(j.display_name || j.service) + ': ' + esc(st) + ' · value ' + esc(isNum(j.value) ? j.value : 'not set') +
        ' · ' + esc(Math.round(j.events_per_day || 0)) + ' events/day · strictest ' +
        esc(isNum(j.strictest_target) ? fmtPct(j.strictest_target, pctDigits(j.strictest_target)) : '—') + '</title>' +
        '<circle cx="' + cx.toFixed(1) + '" cy="' + cy.toFixed(1) + '" r="8" class="dot s-' + st + '"/>' +
        '<text class="pl" x="' + lab.x.toFixed(1) + '" y="' + lab.y.toFixed(1) + '"' +
        (lab.anchor === 'end' ? ' text-anchor="end"' : '') + '>' + esc(j.service) + '</text></a>';
    });
    svg += '</svg>';
    var warn = (js.warnings || []).map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('');
    var titles = {};
    QUADRANTS.forEach(function (q) { titles[q.key] = q.title; });
    var table = '<table class="jtab"><thead><tr><th>journey</th><th>quadrant</th><th class="n">events/day</th>' +
      '<th class="n">strictest</th><th>status</th></tr></thead><tbody>' + js.journeys.map(function (j) {
        var st = RANK[j.status] !== undefined ? j.status : 'nodata';
        return '<tr data-journey="' + esc(j.service) + '"><td><a href="#/service/' + encodeURIComponent(j.service) + '">' +
          esc(j.service) + '</a>' + (j.display_name && j.display_name !== j.service ? '<div class="id">' + esc(j.display_name) + '</div>' : '') + '</td><td>' +
          esc(titles[j.quadrant] || j.quadrant) + '</td><td class="n">' + esc(Math.round(j.events_per_day || 0)) + '</td><td class="n">' +
          esc(isNum(j.strictest_target) ? fmtPct(j.strictest_target, pctDigits(j.strictest_target)) : '—') + '</td><td>' +
          statusPill(st) + '</td></tr>';
      }).join('') + '</tbody></table>';
    return '<header><h2>Journeys</h2><span class="why">value × frequency; each point is a service, coloured by the worst ' +
      'status of its SLOs; click one for its page</span></header><div class="jbody">' + svg + '<div class="jside">' + table +
      (warn ? '<ul class="jwarn">' + warn + '</ul>' : '') + '</div></div>';
  }

  /* An alert of a grouped SLO's group carries the group's labels
   * ({path: "/pay"}; docs/alerting.md, "Grouped SLOs"): " path=/pay", or ''. */
  function groupText(labels) {
    var keys = labels && typeof labels === 'object' ? Object.keys(labels) : [];
    return keys.map(function (k) { return ' ' + k + '=' + (labels[k] == null ? '-' : labels[k]); }).join('');
  }

  function firingHtml() {
    var firing = firingAlerts();
    if (!firing.length) return '';
    return '<div class="firing"><b>Alerts firing (' + firing.length + ')</b><ul>' + firing.slice(0, 10).map(function (a) {
      return '<li><a href="#/slo/' + encodeURIComponent(a.slo || '') + '">' + esc(a.slo) + '</a>' +
        (groupText(a.labels) ? ' <span class="grp">' + esc(groupText(a.labels)) + '</span>' : '') + ' · ' + esc(a.condition || '') + ' ' +
        pill(a.severity === 'page' ? 'red' : 'orange', a.severity || 'alert') + ' since ' + esc(fmtTime(toSecs(a.fired_at || a.since))) + '</li>';
    }).join('') + '</ul></div>';
  }

  function toolsHtml() {
    return '<label>sort <select id="ov-sort">' + Object.keys(SORTS).map(function (k) {
      return '<option value="' + k + '">' + (k === 'service' ? 'by service' : 'by ' + SORTS[k]) + '</option>';
    }).join('') + '</select></label>' +
      '<label class="grow">filter <input type="search" id="ov-q" placeholder="name or service" autocomplete="off"></label>' +
      '<label class="check"><input type="checkbox" id="ov-attn"> needs attention only</label>' +
      '<span class="ov-count" id="ov-count"></span>';
  }
  function syncTools() {
    var o = state.overview;
    if ($('ov-sort').value !== o.sort) $('ov-sort').value = o.sort;
    if ($('ov-q').value !== o.q && document.activeElement !== $('ov-q')) $('ov-q').value = o.q;
    $('ov-attn').checked = o.attention;
  }
  function bindTools() {
    function changed() {
      state.overview = { sort: $('ov-sort').value, q: $('ov-q').value, attention: $('ov-attn').checked };
      writeHash();
      renderOverviewList();
    }
    $('ov-sort').addEventListener('change', changed);
    $('ov-q').addEventListener('input', changed);
    $('ov-attn').addEventListener('change', changed);
  }

  function visibleSlos() {
    var o = state.overview, q = o.q.trim().toLowerCase();
    var list = sloList().filter(function (s) {
      if (o.attention && !needsAttention(s)) return false;
      return !q || [s.name, s.display_name, s.service].some(function (x) { return x && String(x).toLowerCase().indexOf(q) >= 0; });
    });
    var cmp = {
      budget: function (a, b) { return budgetKey(a) - budgetKey(b); },
      now: function (a, b) { return nowKey(b) - nowKey(a) || budgetKey(a) - budgetKey(b); },
      status: function (a, b) { return RANK[statusOf(b)] - RANK[statusOf(a)] || budgetKey(a) - budgetKey(b); },
      name: function (a, b) { return name(a).localeCompare(name(b)); }
    }[o.sort];
    return cmp ? list.slice().sort(cmp) : list;
  }
  function budgetKey(s) { return isNum(s.budget_remaining) && !hasNoData(s) ? s.budget_remaining : Infinity; }
  function nowKey(s) { /* level first, then how close to (or far past) its threshold */
    var n = nowOf(s);
    if (!n) return -1;
    var ratio = isNum(n.burn_rate) && isNum(n.threshold) && n.threshold > 0 ? n.burn_rate / n.threshold : 0;
    return NOW_RANK[n.level] * 1e9 + Math.min(ratio, 1e8);
  }

  function renderOverviewList() {
    var list = visibleSlos(), total = sloList().length, h = '';
    $('ov-count').textContent = list.length === total ? total + ' SLOs' : list.length + ' of ' + total + ' SLOs shown';
    if (!list.length) h = '<p class="empty">No SLO matches the filter.</p>';
    else if (state.overview.sort === 'service') {
      var sv = services(list);
      sv.order.forEach(function (svc) {
        h += '<section class="service" data-service="' + esc(svc) + '"><header><h2><a href="' + esc(serviceHash(svc)) + '">' + esc(svc) +
          '</a></h2>' + gateHtml(svc) +
          '</header><div class="cards">' + sv.by[svc].map(cardHtml).join('') + '</div></section>';
      });
    } else {
      h = '<section class="service flat"><div class="cards">' + list.map(cardHtml).join('') + '</div></section>';
    }
    $('ov-list').innerHTML = h;
    drawSparks();
  }
  function gateHtml(svc) {
    var g = state.gates[svc];
    if (!g || (g.decision !== 'allow' && g.decision !== 'deny')) return '';
    return '<span class="gate ' + g.decision + '" data-gate="' + esc(g.decision) + '">release gate: <b>' +
      esc(g.decision) + '</b>' + (g.reason ? ' <span class="why">— ' + esc(g.reason) + '</span>' : '') + '</span>';
  }

  function cardHtml(s) {
    var st = statusOf(s), p = burnPair(s), d = pctDigits(s.target);
    return '<a class="card status-' + st + '" href="#/slo/' + encodeURIComponent(s.name) + '" data-slo="' + esc(s.name) + '">' +
      '<div class="head"><div><div class="name">' + esc(name(s)) + '</div><div class="id">' + esc(s.name) +
      (state.overview.sort !== 'service' && s.service ? ' · ' + esc(s.service) : '') + '</div></div>' + statusPill(st) + '</div>' +
      budgetHtml(s) + '<div class="sub">' + budgetWord(s) + '</div>' + nowHtml(s) + sparkHtml(s) +
      '<dl class="facts">' +
      '<dt>SLI / target</dt><dd class="num">' + (s.sli === null || s.sli === undefined ? 'no data' : fmtPct(s.sli, d)) +
      ' / ' + fmtPct(s.target, d) + '</dd>' +
      (p ? '<dt>burn rate ' + esc(p.now) + '</dt><dd class="num"><b>' + fmtBurn(p.vNow) + '</b>' + trendHtml(p) + '</dd>' : '') +
      '<dt>budget exhausted</dt><dd>' + esc(tteText(s)) + '</dd>' +
      componentsHtml(s) + '</dl></a>';
  }
  /* A composite SLO: its components, their weights and consumed budgets. */
  function componentsHtml(s) {
    if (!Array.isArray(s.components) || !s.components.length) return '';
    var wsum = s.components.reduce(function (a, c) { return a + (num(c.weight) || 0); }, 0);
    return '<dt>composite of</dt><dd class="comp">' + s.components.map(function (c) {
      return '<span class="c-' + esc(RANK[c.status] !== undefined ? c.status : 'nodata') + '">' + esc(c.weight) + '/' + esc(wsum) + ' ' +
        esc(String(c.name).replace(s.name + '.', '')) + ' ' + esc(fmtPct(c.budget_consumed, 0)) + ' used</span>';
    }).join(' + ') + '</dd>';
  }

  /* ---------- overview: the small SLI-vs-target chart of a card ---------- */
  /* The rolling SLI over the SLO's window: api/v1/trends, or in a report
   * the detail's series (thinned to about 60 points). */
  function trendOf(s) {
    var tr = state.trends && state.trends.trends && state.trends.trends[s.name];
    if (tr && Array.isArray(tr.t) && Array.isArray(tr.sli)) return tr;
    var d = state.details[s.name], ser = d && seriesOf(d.series);
    if (!ser || !Array.isArray(ser.sli)) return null;
    var every = Math.max(1, Math.ceil(ser.t.length / 60)), t = [], sli = [];
    for (var i = ser.t.length - 1; i >= 0; i -= every) { t.unshift(ser.t[i]); sli.unshift(ser.sli[i]); }
    return { t: t, sli: sli };
  }
  function sparkHtml(s) {
    var tr = trendOf(s);
    if (!tr || !tr.sli.some(isNum)) return '';
    var win = isNum(s.window_seconds) ? fmtSpan(s.window_seconds) : 'window';
    return '<figure class="spark" title="The SLI over the ' + esc(win) + ' window ending at each instant (line), against the target ' +
      esc(fmtPct(s.target, pctDigits(s.target))) + ' (red dashed)"><canvas data-spark="' + esc(s.name) + '"></canvas>' +
      '<figcaption>SLI trend, ' + esc(win) + '<br><span class="tgt">- - target</span></figcaption></figure>';
  }
  function drawSparks() {
    each(document.querySelectorAll('canvas[data-spark]'), function (c) {
      var s = findSlo(c.getAttribute('data-spark')), tr = s && trendOf(s);
      if (tr) drawSpark(c, tr, s.target, cssVar('--' + statusOf(s)) || '#2b6cb0');
    });
  }
  function cssVar(n) { return getComputedStyle(document.documentElement).getPropertyValue(n).trim(); }
  function drawSpark(c, tr, target, color) {
    var dpr = window.devicePixelRatio || 1, w = c.clientWidth, h = c.clientHeight;
    if (!w || !h) return;
    c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    var g = c.getContext('2d'), t = tr.t.map(toSecs), v = tr.sli;
    g.scale(dpr, dpr);
    var lo = minOf(v.concat([target]), 0), hi = maxOf(v.concat([target]), 1), m = Math.max((hi - lo) * 0.12, 1e-5);
    lo -= m; hi += m;
    var t0 = t[0], t1 = t[t.length - 1] > t0 ? t[t.length - 1] : t0 + 1;
    function X(x) { return 1 + (x - t0) / (t1 - t0) * (w - 2); }
    function Y(y) { return h - 1 - (y - lo) / (hi - lo) * (h - 2); }
    if (isNum(target)) {
      g.strokeStyle = '#d93025'; g.lineWidth = 1; g.setLineDash([3, 2]);
      g.beginPath(); g.moveTo(0, Y(target)); g.lineTo(w, Y(target)); g.stroke();
    }
    g.setLineDash([]); g.strokeStyle = color; g.lineWidth = 1.6; g.beginPath();
    var pen = false;
    for (var i = 0; i < t.length; i++) {
      if (!isNum(v[i]) || !isNum(t[i])) { pen = false; continue; }
      if (pen) g.lineTo(X(t[i]), Y(v[i])); else g.moveTo(X(t[i]), Y(v[i]));
      pen = true;
    }
    g.stroke();
  }

  /* ---------- SLO page ---------- */
  function renderSlo(nm) {
    var base = findSlo(nm), det = state.details[nm] || {};
    if (!base && det && det.name) base = det;
    $('crumbs').innerHTML = (base && base.service ? '› <a href="' + esc(serviceHash(base.service)) + '">' + esc(base.service) + '</a> ' : '') +
      '› ' + esc(base ? name(base) : nm);
    document.title = (base ? name(base) : nm) + ' · headroom';
    if (!base) {
      state.current = null;
      if (state.report) $('app').innerHTML = '<p class="empty">No SLO named <b>' + esc(nm) + '</b>. <a href="' + overviewHash() + '">Back to the overview</a>.</p>';
      return;
    }
    var s = {};
    Object.keys(base).forEach(function (k) { s[k] = base[k]; });
    Object.keys(det).forEach(function (k) { if (det[k] !== undefined && det[k] !== null) s[k] = det[k]; });
    state.current = s;
    sloSkeleton(nm);
    $('slo-head').innerHTML = sloHeadHtml(s);
    $('kpis').innerHTML = kpisHtml(s);
    var errs = Array.isArray(s.detail_errors) ? s.detail_errors : [];
    $('detail-errors').hidden = !errs.length;
    $('detail-errors').textContent = errs.length ? 'Some details could not be read: ' + errs.slice(0, 3).join('; ') : '';
    renderCharts(s);
    renderTimeline(s);
    renderAlerts(s);
    renderLinks(s);
    renderSystem(s);
    renderBadEvents(s);
    renderRisk(s);
    renderSuggest(s);
    renderGroups(s);
    renderBurning(s);
  }

  /* "What is burning" over the range shown: a grouped SLO's groups ranked by
   * the bad events they contributed, from the store's grouped counts (GET
   * api/v1/breakdown, docs/cli/report.md "--breakdown"). Live only: the
   * HTML report has no API. */
  function renderBurning(s) {
    var p = $('p-burning'), r = shownRange(s);
    if (!p) return;
    if (STATIC || !Array.isArray(s.groups) || !r) { p.hidden = true; return; }
    p.hidden = false;
    var from = Math.floor(r[0] / 60) * 60, to = Math.floor(r[1] / 60) * 60;
    if (to - from < 60) to = from + 60;
    var key = s.name + '|' + from + '|' + to, c = state.burning;
    $('burning-sub').textContent = 'bad events by ' + (c && c.key === key && c.data ? c.data.field : 'group') + ' · ' +
      fmtTime(from) + ' – ' + fmtTime(to);
    if (c && c.key === key) { if (c.data || c.error) drawBurning(s, c); return; }
    state.burning = { key: key };
    $('burning').innerHTML = '<p class="empty">Loading…</p>';
    getJSON('api/v1/breakdown?slo=' + encodeURIComponent(s.name) + '&from=' + from + '&to=' + to).then(function (j) {
      if (!state.burning || state.burning.key !== key) return;
      state.burning.data = j;
      if (state.current && state.current.name === s.name) renderBurning(state.current);
    }, function (e) {
      if (!state.burning || state.burning.key !== key) return;
      state.burning.error = String(e && e.message || e);
      if (state.current && state.current.name === s.name) renderBurning(state.current);
    });
  }
  function drawBurning(s, c) {
    if (c.error) { $('burning').innerHTML = '<p class="empty">' + esc(c.error) + '</p>'; return; }
    var b = c.data.slos && c.data.slos[0], d = pctDigits(s.target);
    var rows = b && Array.isArray(b.values) ? b.values : [];
    if (!b || !b.valid) { $('burning').innerHTML = '<p class="empty">No valid event in this range.</p>'; return; }
    if (!b.bad) { $('burning').innerHTML = '<p class="empty">Nothing is burning: no bad event among ' + esc(b.valid) + ' in this range.</p>'; return; }
    $('burning').innerHTML = '<p class="meta">' + esc(b.bad) + ' bad of ' + esc(b.valid) + ' · burn rate ' + esc(fmtBurn(b.burn_rate)) +
      ' over the range</p><div class="scroll"><table class="list burning"><thead><tr><th>' + esc(c.data.field) +
      '</th><th class="n">bad</th><th class="n">share</th><th class="n">burn</th><th class="n">valid</th><th class="n">SLI</th></tr></thead><tbody>' +
      rows.map(function (v) {
        return '<tr><td class="path">' + esc(v.value == null ? '(no value)' : v.value) + '</td><td class="n">' + esc(v.bad) +
          '</td><td class="n">' + esc(fmtPct(v.share, 1)) + '</td><td class="n">' + esc(fmtBurn(v.burn_contribution)) +
          '</td><td class="n">' + esc(v.valid) + '</td><td class="n">' + esc(fmtPct(v.sli, d)) + '</td></tr>';
      }).join('') + '</tbody></table></div>';
  }

  /* A grouped SLO (groupBy): one budget per group, worst first as the
   * engine ranks them (docs/config.md, "Grouped SLOs"). */
  function renderGroups(s) {
    var list = Array.isArray(s.groups) ? s.groups : null;
    $('p-groups').hidden = !list;
    if (!list) { $('groups').innerHTML = ''; return; }
    var d = pctDigits(s.target);
    $('groups-sub').textContent = list.length + ' group' + (list.length === 1 ? '' : 's') + ' · worst first · one budget each';
    $('groups').innerHTML = !list.length ? '<p class="empty">No valid event in the window.</p>' :
      '<div class="scroll"><table class="list groups"><thead><tr><th>group</th><th>status</th><th class="n">SLI</th>' +
      '<th class="n">budget left</th><th class="n">burn 1h</th><th class="n">valid</th><th>now</th></tr></thead><tbody>' +
      list.map(function (g) {
        var lb = g.labels || {};
        var label = Object.keys(lb).map(function (k) { return k + '=' + (lb[k] == null ? '—' : lb[k]); }).join(', ');
        var br = g.burn_rate || {};
        return '<tr><td class="path">' + esc(label) + '</td><td>' + statusPill(statusOf(g)) + '</td><td class="n">' +
          esc(fmtPct(g.sli, d)) + '</td><td class="n">' + esc(budgetPct(g.budget_remaining)) + '</td><td class="n">' +
          esc(fmtBurn(br['1h'])) + '</td><td class="n">' + esc(g.valid) + '</td><td>' + esc(g.burning_now || '') + '</td></tr>';
      }).join('') + '</tbody></table></div>';
  }

  function sloSkeleton(nm) {
    var app = $('app'), page = app.querySelector('.slo-page');
    if (page && page.getAttribute('data-slo') === nm) return;
    destroyCharts();
    app.innerHTML = '<div class="slo-page" data-slo="' + esc(nm) + '">' +
      '<div class="slo-head" id="slo-head"></div><div class="banner" id="detail-errors" hidden></div>' +
      '<section class="kpis" id="kpis"></section>' +
      '<div class="toolbar" id="toolbar"></div><section class="charts" id="charts"></section>' +
      '<section class="lower"><div class="panel"><h3>Timeline <small>deploys, incidents, alert transitions, exclusions</small></h3><div id="timeline"></div></div>' +
      '<div class="panel" id="p-alerts"><h3>Alerts <small id="alerts-sub"></small></h3><div id="alerts"></div></div>' +
      '<div class="panel" id="p-risk"><h3>Release risk now <small id="risk-sub"></small></h3><div id="risk"></div></div>' +
      '<div class="panel" id="p-suggest"><h3>Targets from history <small id="suggest-sub"></small></h3><div id="suggest"></div></div>' +
      '<div class="panel wide" id="p-links" hidden><h3>Logs elsewhere <small id="links-sub"></small></h3><div id="links"></div></div>' +
      '<div class="panel wide" id="p-sys" hidden><h3>System metrics <small>from Prometheus, for the range shown</small></h3><div id="sys" class="sys-grid"></div></div>' +
      '<div class="panel wide" id="p-groups" hidden><h3>Groups <small id="groups-sub"></small></h3><div id="groups"></div></div>' +
      '<div class="panel wide" id="p-burning" hidden><h3>What is burning <small id="burning-sub"></small></h3><div id="burning"></div></div>' +
      '<div class="panel wide" id="p-bad" hidden><h3>Latest bad events <small id="bad-sub"></small></h3><div id="bad-events"></div></div></section></div>';
  }

  function sloHeadHtml(s) {
    var st = statusOf(s), d = pctDigits(s.target);
    return '<a href="' + esc(overviewHash()) + '">← all SLOs</a><h1>' + esc(name(s)) + '</h1>' + statusPill(st) +
      (s.latched ? ' <span class="meta">(red latch: held until the SLI recovers)</span>' : '') +
      '<span class="meta">' + (s.service ? '<a href="' + esc(serviceHash(s.service)) + '">' + esc(s.service) + '</a>' : '') +
      ' · ' + esc(s.name) + ' · target ' + fmtPct(s.target, d) +
      (isNum(s.window_seconds) ? ' over ' + esc(fmtSpan(s.window_seconds)) : '') +
      (s.budgeting_method ? ' · ' + esc(s.budgeting_method) : '') + '</span>' + compositeLine(s);
  }
  /* A composite's page: its budget as the weighted mean of its components' (links to their pages). */
  function compositeLine(s) {
    if (!Array.isArray(s.components) || !s.components.length) return '';
    var wsum = s.components.reduce(function (a, c) { return a + (num(c.weight) || 0); }, 0);
    return '<p class="meta composite">composite SLO: budget used = ' + s.components.map(function (c) {
      return esc(c.weight) + '/' + esc(wsum) + ' × <a href="#/slo/' + encodeURIComponent(c.name) + '" class="c-' +
        esc(RANK[c.status] !== undefined ? c.status : 'nodata') + '">' + esc(c.name) + '</a> (' + esc(fmtPct(c.budget_consumed, 1)) + ')';
    }).join(' + ') + ' = ' + esc(isNum(s.budget_remaining) ? fmtPct(1 - s.budget_remaining, 1) : '—') + '</p>';
  }

  function kpisHtml(s) {
    var st = statusOf(s), d = pctDigits(s.target), p = burnPair(s);
    var burnRows = burnKeys(s).map(function (k) {
      var ev = s.events && s.events[k];
      return '<tr><td>' + esc(k) + '</td><td class="n"><b>' + fmtBurn(s.burn_rate[k]) + '</b></td><td class="n c-nodata">' +
        (ev && isNum(ev.valid) ? esc(ev.valid) + ' ev' + (ev.low_traffic ? ' (low)' : '') : '') + '</td></tr>';
    }).join('');
    return '<div class="kpi budget ' + st + '"><div class="sub">' + budgetWord(s) + '</div>' + budgetHtml(s) +
      '<div class="s">' + (isNum(s.budget_seconds) ? 'of ' + esc(fmtDur(s.budget_seconds)) + ' allowed in the window' : '') +
      (s.window_start ? ' · window from ' + esc(fmtTime(toSecs(s.window_start))) : '') + '</div></div>' +
      '<div class="kpi kpi-now"><div class="sub">is it OK right now?</div>' + (nowHtml(s, 'big-now') || '<div class="v">—</div>') +
      (p ? '<div class="s">burn rate ' + esc(p.now) + ' ' + fmtBurn(p.vNow) + trendHtml(p) + '</div>' : '') +
      '<table class="burns">' + burnRows + '</table></div>' +
      '<div class="kpi"><div class="sub">SLI vs target</div><div class="v">' + (s.sli == null ? 'no data' : fmtPct(s.sli, d)) +
      '</div><div class="s">target ' + fmtPct(s.target, d) + ' · ' + (isNum(s.good) ? esc(s.good) : '?') + ' good of ' +
      (isNum(s.valid) ? esc(s.valid) : '?') + '</div></div>' +
      '<div class="kpi"><div class="sub">budget exhausted</div><div class="v">' + esc(tteText(s)) + '</div>' +
      '<div class="s">at the ' + (p ? esc(p.now) : '1h') + ' burn rate</div>' + sinceDeploy(s) + '</div>';
  }

  function sinceDeploy(s) {
    var d = s.since_deploy;
    if (!d || typeof d !== 'object' || !isNum(d.budget_spent)) return '';
    return '<div class="s" id="since-deploy">since the deploy of ' + esc(fmtTime(toSecs(d.at))) + (d.text ? ' (' + esc(d.text) + ')' : '') +
      ': <b>' + fmtPct(d.budget_spent, 1) + '</b> of the budget spent' +
      (isNum(d.budget_spent_seconds) ? ' (' + esc(fmtDur(d.budget_spent_seconds)) + ')' : '') + '</div>';
  }

  /* ---------- SLO page: timeline and alerts ---------- */
  /* detail.timeline in time order: annotations, exclusions and the alert
   * transitions ({source: "alert", kind: firing|resolved}). Newest first. */
  function timelineOf(s) {
    var tl = Array.isArray(s.timeline) ? s.timeline : [];
    return tl.map(function (e) {
      var alert = e.source === 'alert';
      return { at: toSecs(e.at), end: e.end != null ? toSecs(e.end) : null, kind: alert ? 'alert' : e.kind || 'note',
        state: alert ? e.kind : null, condition: e.condition, severity: e.severity, text: e.text || '' };
    }).filter(function (e) { return isNum(e.at); }).sort(function (a, b) { return b.at - a.at; });
  }
  function renderTimeline(s) {
    var tl = timelineOf(s);
    $('timeline').innerHTML = tl.length ? '<ul class="timeline">' + tl.slice(0, 200).map(function (e) {
      var what = e.kind === 'alert' ? '<b>' + esc(e.condition || 'alert') + '</b>' + (e.severity ? ' (' + esc(e.severity) + ')' : '') +
        (e.text ? ' <span class="c-nodata">' + esc(e.text) + '</span>' : '') : esc(e.text);
      return '<li data-kind="' + esc(e.kind) + '"' + (e.state ? ' data-state="' + esc(e.state) + '"' : '') + '><span class="when">' +
        esc(fmtTime(e.at)) + '</span><span class="kind ' + esc(e.kind) + '">' + esc(e.kind) +
        (e.state ? ' ' + pill(alertClass(e.state), e.state) : '') + '</span><span>' + what +
        (isNum(e.end) ? ' <small class="c-nodata">until ' + esc(fmtTime(e.end)) + '</small>' : '') + '</span></li>';
    }).join('') + '</ul>' : '<p class="empty">Nothing on the timeline in this window.</p>';
  }
  function alertClass(st) { return st === 'firing' ? 'red' : st === 'pending' ? 'orange' : st === 'resolved' ? 'green' : 'nodata'; }
  /* An alert's value in the unit of its condition. */
  function alertValue(s, a) {
    var th = thresholdsOf(s).list.filter(function (t) { return t.name === a.condition; })[0];
    if (!isNum(a.value)) return '—';
    if (th && th.kind === 'exhaustion') return a.value < 0 ? '—' : 'gone in ' + fmtDur(a.value);
    if (th && th.kind === 'budget') return fmtPct(a.value, 1) + ' left';
    return fmtBurn(a.value);
  }
  /* The SLO's alerts as they stood at the instant, each once, from the
   * detail only (api/v1/alerts is the store's table now, not this page's). */
  function renderAlerts(s) {
    var list = Array.isArray(s.alerts) ? s.alerts : null;
    $('alerts-sub').textContent = list ? 'as they stood at ' + fmtTime(toSecs(s.to || (state.report && state.report.at))) : '';
    if (!list) {
      $('alerts').innerHTML = '<p class="empty">' + (STATIC ? 'This report did not read the store: no alert history.' :
        'No alert history: the store could not be read.') + '</p>';
      return;
    }
    $('alerts').innerHTML = list.length ? '<div class="scroll"><table class="list alerts"><thead><tr><th>condition</th><th>group</th><th>severity</th><th>state</th>' +
      '<th>fired</th><th>resolved</th><th class="n">value</th></tr></thead><tbody>' + list.map(function (a) {
        return '<tr data-condition="' + esc(a.condition) + '" data-state="' + esc(a.state) + '"><td>' + esc(a.condition || '') + '</td><td>' +
          (groupText(a.labels) ? esc(groupText(a.labels).slice(1)) : '<span class="c-nodata">all events</span>') + '</td><td>' +
          esc(a.severity || '') + '</td><td>' + pill(alertClass(a.state), a.state || '?') +
          (a.state === 'pending' && a.since ? ' <small class="c-nodata">since ' + esc(fmtTime(toSecs(a.since))) + '</small>' : '') +
          '</td><td>' + esc(a.fired_at ? fmtTime(toSecs(a.fired_at)) : '—') + '</td><td>' +
          esc(a.resolved_at ? fmtTime(toSecs(a.resolved_at)) : '—') + '</td><td class="n">' + esc(alertValue(s, a)) + '</td></tr>';
      }).join('') + '</tbody></table></div>' : '<p class="empty">No alerts for this SLO.</p>';
  }

  /* ---------- a service's page (#/service/NAME): its release risk and its SLOs ---------- */
  function renderService(svc) {
    var list = sloList().filter(function (s) { return s.service === svc; });
    $('crumbs').innerHTML = '› ' + esc(svc);
    document.title = svc + ' · headroom';
    state.current = null;
    if (!list.length) {
      destroyCharts();
      $('app').innerHTML = '<p class="empty">No SLO of a service named <b>' + esc(svc) + '</b>. <a href="' + esc(overviewHash()) + '">Back to the overview</a>.</p>';
      return;
    }
    var page = $('app').querySelector('.svc-page');
    if (!page || page.getAttribute('data-service') !== svc) {
      destroyCharts();
      $('app').innerHTML = '<div class="svc-page" data-service="' + esc(svc) + '"><div class="slo-head" id="svc-head"></div>' +
        '<div class="panel" id="p-risk"><h3>Release risk now <small id="risk-sub"></small></h3><div id="risk"></div></div>' +
        '<section class="service"><div class="cards" id="svc-cards"></div></section></div>';
    }
    $('svc-head').innerHTML = '<a href="' + esc(overviewHash()) + '">← all SLOs</a><h1>' + esc(svc) + '</h1>' + gateHtml(svc) +
      '<span class="meta">' + list.length + ' SLO' + (list.length === 1 ? '' : 's') + '</span>';
    renderServiceRisk(svc);
    $('svc-cards').innerHTML = list.map(cardHtml).join('');
    drawSparks();
  }

  /* ---------- SLO page: the release risk and the targets history supports ---------- */
  /* A share as the CLI writes it: three figures, "< 0.01%" below. */
  function fmtShare(x) {
    if (!isNum(x)) return '—';
    var p = x * 100;
    return p !== 0 && Math.abs(p) < 0.01 ? '< 0.01%' : String(+p.toPrecision(3)) + '%';
  }
  function fmtTarget(x) { return isNum(x) ? String(+(x * 100).toPrecision(6)) + '%' : '—'; }
  /* A bar of a share in [0, 1] (its width is the figure itself) and the figure. */
  function shareBar(x, text) {
    var w = isNum(x) ? Math.max(0, Math.min(1, x)) * 100 : 0;
    return '<span class="bar"><span class="fill" style="width:' + w.toFixed(2) + '%"></span></span><span class="bv">' + text + '</span>';
  }
  function notInReport(what, cmd) {
    return '<p class="empty">Not in a report: <code>' + esc(cmd) + '</code> gives ' + esc(what) +
      ', and the dashboard of <code>headroom serve</code> shows it here.</p>';
  }
  /* One cache entry of loadDecisions(): its data, or null with the panel
   * saying why. */
  function decision(box, c, what) {
    if (!c) { box.innerHTML = '<p class="empty">Loading…</p>'; return null; }
    if (c.error) { box.innerHTML = '<p class="empty">Cannot read ' + esc(what) + ': ' + esc(c.error) + '</p>'; return null; }
    return c.data;
  }

  /* api/v1/risk?service=S (docs/cli/risk.md): this SLO's chance that a
   * release exhausts the budget left, its consumption per past release, the
   * chance of consuming at least each level, then every SLO of the service. */
  function riskHead(svc) {
    var box = $('risk');
    $('risk-sub').textContent = svc || '';
    if (STATIC) { box.innerHTML = notInReport('the release risk', 'headroom risk --service ' + (svc || 'S')); return null; }
    var r = decision(box, state.risk[svc], 'the release risk');
    if (!r) return null;
    $('risk-sub').textContent = r.service + ' · each past deploy judged over the ' + fmtSpan(r.horizon_seconds) + ' after it' +
      (isNum(r.canary) && r.canary < 1 ? ' · a canary to ' + fmtShare(r.canary) + ' of the traffic' : '');
    return r;
  }
  function latestDeploy(r) {
    var times = Array.isArray(r.deploy_times) ? r.deploy_times : [];
    return times.length ? ', the latest at ' + esc(fmtTime(toSecs(times[times.length - 1]))) : '';
  }
  /* A service's page: every SLO of it, the service's deploys. */
  function renderServiceRisk(svc) {
    var r = riskHead(svc);
    if (!r) return;
    var box = $('risk'), n = r.deploys;
    box.innerHTML = (!n ? '<p class="risk-none" id="risk-none">No deploy of ' + esc(r.service) + ' at least ' + esc(fmtSpan(r.horizon_seconds)) +
        ' old is on the timeline: there is no history to judge a release by. Record deploys with <code>headroom annotate --kind deploy</code>.</p>'
      : (r.thin ? '<p class="thin" id="risk-thin"><b>Thin history:</b> only ' + n + ' past deploy' + (n === 1 ? '' : 's') +
        ' to judge by (fewer than 5): read these figures as a hint, not a rate.</p>' : '') +
        '<p class="s">From ' + n + ' past deploy' + (n === 1 ? '' : 's') + latestDeploy(r) + '.</p>') + riskTable(r, null, true);
  }
  function renderRisk(s) {
    var r = riskHead(s.service);
    if (!r) return;
    var box = $('risk'), list = Array.isArray(r.slos) ? r.slos : [], n = r.deploys;
    var mine = list.filter(function (x) { return x.name === s.name; })[0];
    if (!n || !mine || !mine.deploys) {
      box.innerHTML = '<p class="risk-none" id="risk-none">No deploy of ' + esc(r.service) + ' at least ' + esc(fmtSpan(r.horizon_seconds)) +
        ' old ' + (n ? 'has this SLO\'s data after it' : 'is on the timeline') + ': there is no history to judge a release by. ' +
        'Record deploys with <code>headroom annotate --kind deploy</code>.</p>' + riskTable(r, s.name, false);
      return;
    }
    var spent = isNum(mine.budget_remaining) && mine.budget_remaining <= 0;
    var c = mine.consumption || {}, pal = mine.p_at_least || {};
    var levels = Object.keys(pal).sort(function (a, b) { return parseFloat(a) - parseFloat(b); });
    box.innerHTML = (mine.thin ? '<p class="thin" id="risk-thin"><b>Thin history:</b> only ' + mine.deploys + ' past deploy' +
        (mine.deploys === 1 ? '' : 's') + ' to judge by (fewer than 5): read these figures as a hint, not a rate.</p>' : '') +
      '<div class="risk-head"><div><div class="sub">chance a release exhausts the budget left</div>' +
      '<div class="v' + (spent ? ' c-red' : '') + '" id="risk-exhaust">' + fmtShare(mine.p_exhaust) + '</div>' +
      '<div class="s">' + (spent ? 'the budget is already spent (' + esc(budgetPct(mine.budget_remaining)) + '): any release exhausts it'
        : 'budget left now <b id="risk-left">' + esc(budgetPct(mine.budget_remaining)) + '</b>') + '</div></div>' +
      '<div><div class="sub">a release consumes</div><div class="v" id="risk-median">' + fmtShare(c.p50) + ' <small>median</small></div>' +
      '<div class="s"><span id="risk-p90">' + fmtShare(c.p90) + '</span> at p90 · <span id="risk-max">' + fmtShare(c.max) +
      '</span> at worst · mean ' + fmtShare(c.mean) + ' of the budget</div></div></div>' +
      '<p class="s">From ' + mine.deploys + ' past deploy' + (mine.deploys === 1 ? '' : 's') + latestDeploy(r) +
      '. Chance that a release consumes at least:</p>' +
      '<table class="shares" id="risk-levels">' + levels.map(function (k) {
        return '<tr data-level="' + esc(k) + '"><td>' + esc(fmtShare(parseFloat(k))) + ' of the budget</td><td>' + shareBar(pal[k], fmtShare(pal[k])) + '</td></tr>';
      }).join('') + '</table>' + (list.length > 1 ? riskTable(r, s.name, false) : '');
  }
  /* Every SLO of the service; full (a service's page): the worst
   * consumption and the chance of consuming 10 % too. */
  function riskTable(r, current, full) {
    var list = Array.isArray(r.slos) ? r.slos : [];
    if (!list.length) return '';
    return '<p class="s">Every SLO of ' + esc(r.service) + ': the chance a release exhausts its budget, and what a release consumes of it.</p>' +
      '<div class="scroll"><table class="list risk' + (full ? ' full' : '') + '" id="risk-slos"><thead><tr><th>SLO</th>' +
      '<th class="n">budget left</th><th class="n">exhausted</th><th class="n">median</th><th class="n">p90</th>' +
      (full ? '<th class="n">worst</th><th class="n">uses ≥ 10%</th>' : '') + '<th class="n">deploys</th></tr></thead><tbody>' + list.map(function (x) {
        var c = x.consumption || {}, pal = x.p_at_least || {};
        return '<tr data-slo="' + esc(x.name) + '"' + (x.name === current ? ' class="cur"' : '') + '><td>' +
          (x.name === current ? esc(x.name) : '<a href="#/slo/' + encodeURIComponent(x.name) + '">' + esc(x.name) + '</a>') + '</td><td class="n">' +
          esc(budgetPct(x.budget_remaining)) + '</td><td class="n">' + fmtShare(x.p_exhaust) + '</td><td class="n">' + fmtShare(c.p50) +
          '</td><td class="n">' + fmtShare(c.p90) + '</td>' + (full ? '<td class="n">' + fmtShare(c.max) + '</td><td class="n">' + fmtShare(pal['0.1']) + '</td>' : '') +
          '<td class="n">' + esc(x.deploys) + (x.thin && x.deploys ? ' <small class="c-orange">thin</small>' : '') +
          '</td></tr>';
      }).join('') + '</tbody></table></div>';
  }

  /* api/v1/suggest?slo=NAME (docs/cli/suggest.md): the SLIs its past
   * windows achieved, each candidate target's share of windows met and its
   * budget as time, the suggestion, and for a latency SLO the percentiles. */
  function renderSuggest(s) {
    var box = $('suggest');
    if (STATIC) { box.innerHTML = notInReport('the targets history supports', 'headroom suggest --slo ' + s.name); return; }
    var c0 = state.suggest[s.name];
    /* Drawn again only when the answer changed (its chart stays put). */
    var key = s.name + '|' + (c0 ? c0.at + '|' + (c0.error || '') : '');
    if (box.getAttribute('data-key') === key && c0) return;
    box.setAttribute('data-key', key);
    $('suggest-sub').textContent = '';
    var j = decision(box, c0, 'the target suggestion');
    if (!j) return;
    var r = Array.isArray(j.slos) ? j.slos.filter(function (x) { return x.name === s.name; })[0] : null;
    if (!r) { box.innerHTML = '<p class="empty">No suggestion for this SLO.</p>'; return; }
    var win = isNum(r.window_seconds) ? fmtSpan(r.window_seconds) : 'window';
    var ach = r.achieved || {}, cands = Array.isArray(r.candidates) ? r.candidates : [];
    var d = Math.max(2, pctDigits(r.current_target));
    $('suggest-sub').textContent = r.windows ? 'over ' + r.windows + (r.windows === 1 ? ' window' : ' windows') + ' of ' + win + ' ending at midnight (' + (r.zone || 'UTC') + ')'
      : r.first_event_at ? 'over all the history: ' + fmtDur(r.history_seconds) : '';
    if (!r.windows_with_data) {
      box.innerHTML = '<p class="empty" id="suggest-none">No history with data to judge a target by' +
        (r.first_event_at ? '' : ' (an SLO on Prometheus keeps its counts there)') + '.</p>' + latencyHtml(r);
      return;
    }
    var cur = cands.filter(function (c) { return c.current; })[0];
    var conf = fmtShare(j.confidence);
    var verdict = r.suggested_target === null || r.suggested_target === undefined
      ? 'No candidate was met in ' + conf + ' of the windows.'
      : r.suggested_target === r.current_target ? 'That is the current target.'
      : cur && isNum(cur.met_share) && cur.met_share < j.confidence
        ? 'The current target ' + fmtTarget(r.current_target) + ' was met in only ' + fmtShare(cur.met_share) + ' of them: history does not support it.'
        : 'The current target ' + fmtTarget(r.current_target) + ' is looser: history supports a tighter one.';
    box.innerHTML = (r.windows ? '' : '<p class="thin" id="suggest-short">The history (' + esc(fmtDur(r.history_seconds)) + ' since ' +
        esc(fmtTime(toSecs(r.first_event_at))) + ') is shorter than one ' + esc(win) + ' window: the figures are over that one window.</p>') +
      (r.windows && r.thin ? '<p class="thin" id="suggest-thin">Only ' + esc(r.windows) + ' whole ' + (r.windows === 1 ? 'window' : 'windows') +
        ': a thin basis for a target.</p>' : '') +
      '<div class="risk-head"><div><div class="sub">suggested target</div><div class="v" id="suggest-target">' + fmtTarget(r.suggested_target) + '</div>' +
      '<div class="s">the tightest met in at least ' + esc(conf) + ' of the windows. ' + esc(verdict) + '</div></div>' +
      '<div><div class="sub">SLI achieved per window</div><div class="v" id="suggest-achieved">' + fmtPct(ach.min, d) + ' <small>worst</small></div>' +
      '<div class="s">' + fmtPct(ach.p10, d) + ' at p10 · ' + fmtPct(ach.p50, d) + ' median</div></div></div>' +
      '<div id="suggest-chart"></div>' +
      '<div class="scroll"><table class="list cands" id="suggest-cands"><thead><tr><th>target</th><th>met in</th><th class="n">error budget</th></tr></thead><tbody>' +
      cands.map(function (c) {
        return '<tr data-target="' + esc(c.target) + '"' + (c.current ? ' class="cur"' : '') + '><td>' + fmtTarget(c.target) +
          (c.current ? ' <small>(current)</small>' : '') + (c.target === r.suggested_target ? ' ' + pill('green', 'suggested') : '') + '</td><td>' +
          shareBar(c.met_share, fmtShare(c.met_share) + ' <small>(' + esc(c.windows_met) + ' of ' + esc(r.windows_with_data) + ')</small>') +
          '</td><td class="n">' + esc(fmtDur(c.budget_seconds)) + ' <small>per ' + esc(win) + '</small></td></tr>';
      }).join('') + '</tbody></table></div>' + latencyHtml(r);
    windowChart(r, d);
  }
  /* The SLI of every window (window_slis) against the current and the
   * suggested target; only with two windows or more. */
  function windowChart(r, d) {
    var w = r.window_slis, holder = $('suggest-chart');
    dropChart('windows');
    if (!holder || !w || !Array.isArray(w.end) || !Array.isArray(w.sli) || w.end.length < 2 || !window.Chart) return;
    var t = w.end.map(toSecs), range = [t[0], t[t.length - 1]];
    var lines = [{ y: r.current_target, color: COLORS.target, width: 1.5, label: 'current target ' + fmtTarget(r.current_target) }];
    if (isNum(r.suggested_target) && r.suggested_target !== r.current_target)
      lines.push({ y: r.suggested_target, color: COLORS.budget, width: 1.5, dash: [2, 3], label: 'suggested ' + fmtTarget(r.suggested_target) });
    var ys = w.sli.filter(isNum).concat(lines.map(function (l) { return l.y; }).filter(isNum));
    holder.innerHTML = '<div class="sub">SLI of each ' + esc(fmtSpan(r.window_seconds)) + ' window, by the day it ended</div><div class="chart-box win-box"><canvas></canvas></div>';
    var o = baseOptions(range, function (v) { return fmtPct(v, Math.max(1, d - 1)); }, 'SLI', function (o) {
      o.scales.x.min = range[0]; o.scales.x.max = range[1];
      o.scales.x.title.text = 'window end (UTC)';
      o.scales.y.suggestedMin = minOf(ys, 0); o.scales.y.suggestedMax = maxOf(ys, 1);
      o.elements.point.radius = w.end.length <= 60 ? 2 : 0;
      o.plugins.legend.display = false;
      o.plugins.tooltip.callbacks.title = function (items) { return items.length ? 'window ending ' + fmtTime(items[0].parsed.x) : ''; };
      o.plugins.tooltip.callbacks.label = function (it) { return ' SLI ' + fmtPct(it.parsed.y, d); };
      o.plugins.hrLines = { h: lines };
    });
    state.charts.windows = new window.Chart(holder.querySelector('canvas').getContext('2d'), { type: 'line',
      data: { datasets: [{ label: 'SLI of the window', data: xy(t, w.sli), borderColor: COLORS.sli, backgroundColor: COLORS.sli }] },
      options: o, plugins: [linesPlugin] });
  }
  function latencyHtml(r) {
    var l = r.latency;
    if (!l || typeof l !== 'object') return '';
    var th = l.threshold_for || {};
    var shares = Object.keys(th).sort(function (a, b) { return parseFloat(a) - parseFloat(b); });
    return '<div class="lat" id="suggest-latency"><div class="sub">latency of ' + esc(isNum(l.events) ? l.events : '?') + ' valid events</div>' +
      '<div class="lat-q">' + ['p50', 'p95', 'p99'].map(function (k) {
        return '<span data-q="' + k + '"><small>' + k + '</small> <b>' + esc(fmtSecs(l[k])) + '</b></span>';
      }).join('') + '</div>' +
      '<table class="list thr-for" id="suggest-thr"><thead><tr><th>a filter <code>duration &lt; X</code> met by</th>' + shares.map(function (k) {
        return '<th class="n">' + esc(fmtShare(parseFloat(k))) + '</th>';
      }).join('') + (isNum(l.current_threshold) ? '<th class="n">the filter now</th>' : '') + '</tr></thead><tbody><tr><td>X =</td>' +
      shares.map(function (k) { return '<td class="n" data-share="' + esc(k) + '">' + esc(fmtSecs(th[k])) + '</td>'; }).join('') +
      (isNum(l.current_threshold) ? '<td class="n"><b>' + esc(fmtSecs(l.current_threshold)) + '</b></td>' : '') + '</tr></tbody></table>' +
      '<p class="s">Bucket upper bounds: each exact value lies below it, within ×1.334.</p></div>';
  }

  /* ---------- SLO page: the bottom layer (logs, system metrics, bad events) ---------- */
  /* The shown range: the zoom, else the detail's from/to. */
  function shownRange(s) {
    if (state.zoom) return state.zoom;
    var f = toSecs(s.from), t = toSecs(s.to);
    return isNum(f) && isNum(t) ? [f, t] : null;
  }
  function zoomData(s) {
    var z = state.zoomDetail;
    return z && state.zoom && z.name === s.name && z.from === state.zoom[0] && z.to === state.zoom[1] ? z.data : null;
  }
  /* A link the server filled for [s.from, s.to], filled again for [from, to]:
   * {from}/{to} (RFC 3339), {from_ms}/{to_ms}, {from_s}/{to_s}. */
  function refillLink(url, s, r) {
    var f0 = toSecs(s.from), t0 = toSecs(s.to);
    if (!isNum(f0) || !isNum(t0) || !r) return url;
    var map = {};
    map[isoOf(f0)] = isoOf(r[0]); map[isoOf(t0)] = isoOf(r[1]);
    map[String(Math.floor(f0) * 1000)] = String(Math.floor(r[0]) * 1000); map[String(Math.floor(t0) * 1000)] = String(Math.ceil(r[1]) * 1000);
    map[String(Math.floor(f0))] = String(Math.floor(r[0])); map[String(Math.floor(t0))] = String(Math.ceil(r[1]));
    var keys = Object.keys(map).sort(function (a, b) { return b.length - a.length; });
    var re = new RegExp('(?<![0-9])(' + keys.map(function (k) { return k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }).join('|') + ')(?![0-9])', 'g');
    return url.replace(re, function (m) { return map[m]; });
  }
  function renderLinks(s) {
    var links = Array.isArray(s.links) ? s.links.filter(function (l) { return l && l.url; }) : [];
    $('p-links').hidden = !links.length;
    if (!links.length) return;
    var r = shownRange(s), zd = zoomData(s);
    $('links-sub').textContent = r ? 'for the range shown: ' + fmtTime(r[0]) + ' – ' + fmtTime(r[1]) + ' UTC' : '';
    $('links').innerHTML = '<ul class="links">' + links.map(function (l, i) {
      var url = zd && Array.isArray(zd.links) && zd.links[i] ? zd.links[i].url : refillLink(l.url, s, r);
      var host = (/^https?:\/\/([^/?#]+)/.exec(url) || [])[1] || '';
      return '<li><a href="' + esc(url) + '" target="_blank" rel="noopener noreferrer" data-link="' + i + '">' + esc(l.title || 'logs') +
        ' ↗</a> <span class="c-nodata">' + esc(host) + '</span></li>';
    }).join('') + '</ul>';
  }

  function renderBadEvents(s) {
    var box = $('p-bad');
    var list = Array.isArray(s.bad_events) ? s.bad_events : null;
    box.hidden = !list;
    if (!list) { $('bad-events').innerHTML = ''; return; }
    $('bad-sub').textContent = list.length ? 'newest first · ' + (list.length >= 100 ? 'the latest ' + list.length : 'all ' + list.length + ' in the store') +
      ' · click a row for its whole line' : '';
    if (!list.length) { $('bad-events').innerHTML = '<p class="empty">No bad events recorded for this SLO.</p>'; return; }
    var open = {};
    each($('bad-events').querySelectorAll('tr.open'), function (tr) { open[tr.getAttribute('data-k')] = 1; });
    $('bad-events').innerHTML = '<div class="scroll"><table class="list bad-events"><thead><tr><th>time (UTC)</th><th>status</th><th>path</th>' +
      '<th class="n">duration</th><th>log line</th></tr></thead><tbody>' + list.map(function (e) {
        var k = esc(String(e.at) + '|' + String(e.line).length + '|' + String(e.path));
        return '<tr data-k="' + k + '"' + (open[k] ? ' class="open"' : '') + '><td class="when">' + esc(fmtAtMs(e.at)) + '</td><td>' +
          (e.status == null ? '—' : '<span class="st' + (isNum(e.status) && e.status >= 500 ? ' s5' : '') + '">' + esc(e.status) + '</span>') +
          '</td><td class="path">' + (e.path == null ? '—' : esc(e.path)) + '</td><td class="n">' + esc(fmtSecs(e.duration)) +
          '</td><td class="line"><code>' + esc(e.line) + '</code></td></tr>';
      }).join('') + '</tbody></table></div>';
  }
  document.addEventListener('click', function (ev) {
    var tr = ev.target && ev.target.closest ? ev.target.closest('table.bad-events tbody tr') : null;
    if (tr) tr.classList.toggle('open');
  });

  /* ---------- charts: shared pieces ---------- */
  var COLORS = { sli: '#2b6cb0', target: '#d93025', budget: '#1f9d55', burn: ['#e8710a', '#7b3fc4', '#2b6cb0', '#0f8b8d', '#a05a2c', '#667085', '#c2185b'],
    good: '#2b6cb0', bad: '#d93025', page: '#d93025', ticket: '#e8710a', other: '#667085',
    marker: { deploy: '#2b6cb0', incident: '#d93025', firing: '#e8710a', resolved: '#1f9d55', note: '#667085' } };

  /* Horizontal lines, vertical markers and shaded bands, plus the zoom
   * selection: options.plugins.hrLines = {h: [{y, color, label, dash}],
   * v: [{x, color}], bands: [{from, to, color}]}. The labels of the
   * horizontal lines are moved apart so that none overlaps another. */
  function labelSlots(lines, y, ca) {
    var gap = 13, out = [];
    lines.forEach(function (l) {
      var py = y.getPixelForValue(l.y);
      if (l.label && isNum(py) && py >= ca.top - 0.5 && py <= ca.bottom + 0.5) out.push({ l: l, py: py, ty: py - 4 });
    });
    out.sort(function (a, b) { return a.ty - b.ty; });
    for (var i = 0; i < out.length; i++) out[i].ty = Math.max(out[i].ty, i ? out[i - 1].ty + gap : ca.top + 10);
    for (var j = out.length - 1; j >= 0; j--) out[j].ty = Math.min(out[j].ty, j < out.length - 1 ? out[j + 1].ty - gap : ca.bottom - 2);
    return out;
  }
  var linesPlugin = {
    id: 'hrLines',
    beforeDatasetsDraw: function (chart) {
      var o = chart.options.plugins.hrLines || {}, x = chart.scales.x, ca = chart.chartArea, ctx = chart.ctx;
      if (!x || !ca || x.type === 'category') return;
      ctx.save();
      (o.bands || []).forEach(function (b) {
        var a = Math.max(ca.left, x.getPixelForValue(b.from)), z = Math.min(ca.right, x.getPixelForValue(b.to));
        if (z > a) { ctx.fillStyle = b.color || 'rgba(120,130,150,.15)'; ctx.fillRect(a, ca.top, z - a, ca.bottom - ca.top); }
      });
      ctx.restore();
    },
    afterDatasetsDraw: function (chart) {
      var o = chart.options.plugins.hrLines || {}, x = chart.scales.x, y = chart.scales.y, ca = chart.chartArea, ctx = chart.ctx;
      if (!x || !y || !ca) return;
      ctx.save();
      drawHLines(ctx, o.h || [], y, ca);
      if (x.type !== 'category') drawMarkers(ctx, o.v || [], x, ca);
      var sel = chart.$hrSel;
      if (sel) {
        ctx.fillStyle = 'rgba(43,108,176,.15)';
        ctx.fillRect(Math.min(sel.a, sel.b), ca.top, Math.abs(sel.b - sel.a), ca.bottom - ca.top);
      }
      ctx.restore();
    }
  };
  function drawHLines(ctx, lines, y, ca) {
    lines.forEach(function (l) {
      var py = y.getPixelForValue(l.y);
      if (!isNum(py) || py < ca.top - 0.5 || py > ca.bottom + 0.5) return;
      ctx.strokeStyle = l.color; ctx.lineWidth = l.width || 1.5; ctx.setLineDash(l.dash || [6, 4]);
      ctx.beginPath(); ctx.moveTo(ca.left, py); ctx.lineTo(ca.right, py); ctx.stroke();
    });
    ctx.setLineDash([]);
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'right';
    labelSlots(lines, y, ca).forEach(function (sl) {
      var w = ctx.measureText(sl.l.label).width;
      ctx.globalAlpha = 0.85; ctx.fillStyle = cssVar('--panel') || '#fff';
      ctx.fillRect(ca.right - 6 - w, sl.ty - 10, w + 4, 13);
      ctx.globalAlpha = 1; ctx.fillStyle = sl.l.color;
      ctx.fillText(sl.l.label, ca.right - 4, sl.ty);
    });
  }
  function drawMarkers(ctx, marks, x, ca) {
    marks.forEach(function (l) {
      var px = x.getPixelForValue(l.x);
      if (px < ca.left || px > ca.right) return;
      ctx.strokeStyle = l.color; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
      ctx.beginPath(); ctx.moveTo(px, ca.top); ctx.lineTo(px, ca.bottom); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = l.color;
      ctx.beginPath(); ctx.moveTo(px - 4, ca.top); ctx.lineTo(px + 4, ca.top); ctx.lineTo(px, ca.top + 6); ctx.fill();
    });
  }

  function destroyCharts() {
    Object.keys(state.charts).forEach(function (k) { try { state.charts[k].destroy(); } catch (e) { /* gone */ } });
    state.charts = {};
  }
  function dropChart(key) {
    if (state.charts[key]) { state.charts[key].destroy(); delete state.charts[key]; }
  }
  function dropPanel(id, key) {
    dropChart(key);
    var el = $(id);
    if (el && el.parentNode) el.parentNode.removeChild(el);
  }

  /* The legend: an entry of a hidden line is drawn faint and marked "off"
   * (a click shows it), never struck through. */
  function legendLabels(chart) {
    return window.Chart.defaults.plugins.legend.labels.generateLabels(chart).map(function (it) {
      if (it.hidden) { it.hidden = false; it.fontColor = '#98a2b3'; it.fillStyle = 'rgba(0,0,0,0)'; it.strokeStyle = '#98a2b3'; it.text += ' (off)'; }
      return it;
    });
  }
  function baseOptions(range, yfmt, ytitle, extra) {
    var span = range[1] - range[0];
    var o = {
      responsive: true, maintainAspectRatio: false, animation: false, normalized: true, spanGaps: false,
      interaction: { mode: 'index', intersect: false },
      elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 }, line: { borderWidth: 1.8, tension: 0 } },
      scales: {
        x: { type: 'linear', min: range[0], max: range[1], grid: { color: 'rgba(127,127,127,.12)' },
          title: { display: true, text: 'time (UTC)', font: { size: 10 }, padding: { top: 0 } },
          afterBuildTicks: timeTicks,
          ticks: { maxRotation: 0, autoSkip: true, callback: function (v) { return fmtTick(v, this.$hrStep || span); } } },
        y: { grid: { color: 'rgba(127,127,127,.12)' }, ticks: { callback: yfmt },
          title: { display: !!ytitle, text: ytitle || '', font: { size: 11 } } }
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 }, generateLabels: legendLabels } },
        tooltip: { callbacks: {
          title: function (items) { return items.length ? fmtTime(items[0].parsed.x) : ''; },
          label: function (it) {
            var raw = it.raw && typeof it.raw === 'object' && 'v' in it.raw ? it.raw.v : it.parsed.y;
            return ' ' + it.dataset.label + ': ' + (it.dataset.$fmt || yfmt)(raw);
          }
        } },
        hrLines: {}
      }
    };
    if (state.zoom) { o.scales.x.min = state.zoom[0]; o.scales.x.max = state.zoom[1]; }
    if (extra) extra(o);
    return o;
  }
  function upsertChart(key, holder, cfg, range) {
    var c = state.charts[key];
    if (c && c.canvas && holder.contains(c.canvas)) {
      c.data = cfg.data; c.options = cfg.options; c.$hrRange = range; c.update('none');
      return c;
    }
    dropChart(key);
    holder.innerHTML = '<div class="chart-box"><canvas></canvas></div>';
    var canvas = holder.querySelector('canvas');
    c = new window.Chart(canvas.getContext('2d'), { type: cfg.type || 'line', data: cfg.data, options: cfg.options, plugins: [linesPlugin] });
    c.$hrRange = range;
    attachZoom(c, canvas);
    state.charts[key] = c;
    return c;
  }
  function noChart(holder, key) {
    dropChart(key);
    holder.innerHTML = '<p class="nochart">No time series for this SLO' + (STATIC ? ' in this report' : ' yet') + '.</p>';
  }
  function xy(t, ys, f) {
    var out = [];
    for (var i = 0; i < t.length && i < ys.length; i++) {
      var v = ys[i];
      out.push({ x: t[i], y: isNum(v) ? (f ? f(v, i) : v) : null });
    }
    return out;
  }
  function panel(id, title, sub, tools) {
    var el = $(id);
    if (!el) {
      el = document.createElement('div');
      el.className = 'panel';
      el.id = id;
      el.innerHTML = '<h3></h3><div class="holder"></div><div class="foot-note"></div>';
      $('charts').appendChild(el);
    }
    el.querySelector('h3').innerHTML = esc(title) + (sub ? ' <small>' + esc(sub) + '</small>' : '') + (tools || '');
    return el.querySelector('.holder');
  }

  /* ---------- charts: zoom ---------- */
  function setZoom(z) {
    var r = state.current && chartRange(state.current);
    if (z && r) z = [Math.max(z[0], r[0]), Math.min(z[1], r[1])];
    state.zoom = z && z[1] - z[0] >= 60 ? z : null;
    if (!state.zoom) state.zoomDetail = null;
    writeHash();
    if (state.current) { renderCharts(state.current); renderLinks(state.current); renderSystem(state.current); renderBurning(state.current); }
    scheduleZoomFetch();
  }
  /* Live: fetch the detail of the zoomed range (debounced), so any zoom gets
   * the finest grid the engine keeps within its points. */
  function scheduleZoomFetch() {
    clearTimeout(state.zoomTimer);
    if (STATIC || !state.zoom || !state.current || zoomData(state.current)) return;
    var nm = state.current.name, z = state.zoom;
    state.zoomTimer = setTimeout(function () {
      fetchZoom(nm, z).then(function () {
        var s = state.current;
        if (s && s.name === nm && zoomData(s)) { renderCharts(s); renderLinks(s); renderSystem(s); }
      });
    }, ZOOM_FETCH_MS);
  }
  function attachZoom(chart, canvas) {
    var start = null;
    function px(ev) { var r = canvas.getBoundingClientRect(); return ev.clientX - r.left; }
    canvas.addEventListener('mousedown', function (ev) {
      if (ev.button !== 0 || chart.scales.x.type === 'category') return;
      start = px(ev); chart.$hrSel = null;
    });
    canvas.addEventListener('mousemove', function (ev) {
      if (start === null) return;
      chart.$hrSel = { a: start, b: px(ev) }; chart.draw();
    });
    function finish(ev) {
      if (start === null) return;
      var a = start, b = px(ev), x = chart.scales.x;
      start = null; chart.$hrSel = null;
      if (Math.abs(b - a) > 6) {
        var lo = x.getValueForPixel(Math.min(a, b)), hi = x.getValueForPixel(Math.max(a, b));
        if (hi - lo >= 60) { setZoom([Math.round(lo), Math.round(hi)]); return; }
      }
      chart.draw();
    }
    canvas.addEventListener('mouseup', finish);
    canvas.addEventListener('mouseleave', function () { if (start !== null) { start = null; chart.$hrSel = null; chart.draw(); } });
    canvas.addEventListener('dblclick', function () { setZoom(null); });
  }

  /* ---------- charts: the SLO page ---------- */
  function seriesOf(ser) {
    return ser && typeof ser === 'object' && Array.isArray(ser.t) && ser.t.length ? ser : null;
  }
  function chartRange(s) {
    var ser = seriesOf(s.series), f = toSecs(s.from), t = toSecs(s.to);
    if (isNum(f) && isNum(t) && t > f) return [f, t];
    if (ser && ser.t.length > 1) return [ser.t[0], ser.t[ser.t.length - 1]];
    var at = toSecs(state.report && state.report.at);
    return isNum(at) ? [at - (s.window_seconds || 86400), at] : [0, 1];
  }
  /* The finest series that covers the range shown: the zoomed detail's
   * (live), "recent" (the last 6 hours minute by minute), or the main one. */
  function viewOf(s) {
    var main = seriesOf(s.series), z = state.zoom;
    if (!z) return { ser: main, lat: s.latency };
    var zd = zoomData(s), cands = [];
    if (zd && seriesOf(zd.series)) cands.push({ ser: zd.series, lat: zd.latency });
    [zd && zd.recent, s.recent].forEach(function (r) {
      r = seriesOf(r);
      if (r && r.t[0] - (r.step_seconds || 60) <= z[0] + 1 && r.t[r.t.length - 1] >= z[1] - 1) cands.push({ ser: r, lat: null });
    });
    cands.sort(function (a, b) { return (a.ser.step_seconds || 1e9) - (b.ser.step_seconds || 1e9); });
    var best = cands[0];
    if (!best || !main || (best.ser.step_seconds || 1e9) >= (main.step_seconds || 1e9)) return { ser: main, lat: zd ? zd.latency || s.latency : s.latency };
    return { ser: best.ser, lat: best.lat || (zd && zd.latency) || s.latency };
  }
  function chartContext(s) {
    var tl = timelineOf(s), v = viewOf(s);
    return {
      range: chartRange(s), ser: v.ser, lat: v.lat, d: pctDigits(s.target),
      markers: tl.filter(function (e) { return !isNum(e.end); }).map(function (e) {
        return { x: e.at, color: COLORS.marker[e.kind === 'alert' ? e.state : e.kind] || COLORS.marker.note };
      }),
      bands: tl.filter(function (e) { return isNum(e.end); }).map(function (e) { return { from: e.at, to: e.end }; })
    };
  }
  function renderCharts(s) {
    if (!window.Chart) {
      $('charts').innerHTML = '<div class="panel"><p class="nochart">Charts need the chart library (/vendor/chart.js), which this build does not embed.</p></div>';
      $('toolbar').innerHTML = '';
      return;
    }
    var c = chartContext(s);
    renderToolbar(c);
    chartSli(s, c);
    chartBudget(s, c);
    chartBurn(s, c);
    chartTraffic(s, c);
    chartLatency(s, c);
  }

  function renderToolbar(c) {
    var tb = $('toolbar'), span = c.range[1] - c.range[0];
    if (!tb.querySelector('button')) {
      var spans = [[0, 'window'], [7 * 86400, '7d'], [86400, '1d'], [6 * 3600, '6h']].filter(function (x) { return x[0] === 0 || x[0] < span; });
      tb.innerHTML = '<span>zoom:</span>' + spans.map(function (x) {
        return '<button type="button" data-span="' + x[0] + '">' + x[1] + '</button>';
      }).join('') + '<span id="shown"></span><span class="keys">' + markerKeyHtml() + '</span>';
      each(tb.querySelectorAll('button'), function (b) {
        b.addEventListener('click', function () {
          var sp = +b.getAttribute('data-span'), r = chartRange(state.current || {});
          setZoom(sp ? [r[1] - sp, r[1]] : null);
        });
      });
    }
    each(tb.querySelectorAll('button[data-span]'), function (b) {
      var sp = +b.getAttribute('data-span');
      b.classList.toggle('on', sp === 0 ? !state.zoom : !!(state.zoom && Math.abs(state.zoom[1] - state.zoom[0] - sp) < 1));
    });
    var r = state.zoom || c.range, step = c.ser && c.ser.step_seconds;
    var shown = $('shown');
    shown.textContent = '· ' + fmtTime(r[0]) + ' – ' + fmtTime(r[1]) + ' UTC' + (isNum(step) ? ' · a point every ' + fmtSpan(step) : '') +
      ' · drag across a chart to zoom, double-click to reset';
    shown.setAttribute('data-step', isNum(step) ? step : '');
  }
  function markerKeyHtml() {
    return [['deploy', 'deploy'], ['incident', 'incident'], ['firing', 'alert fired'], ['resolved', 'alert resolved']].map(function (k) {
      return '<span class="mk" style="color:' + COLORS.marker[k[0]] + '">▼</span> ' + k[1];
    }).join(' ') + ' <span class="mk band"></span> excluded';
  }

  /* 1. The rolling-window SLI (over the window ending at each instant)
   *    against the target. */
  function chartSli(s, c) {
    var win = isNum(s.window_seconds) ? fmtSpan(s.window_seconds) : 'window';
    var h = panel('p-sli', 'SLI vs target', 'the SLI over the ' + win + ' window ending at each instant (rolling)');
    var ser = c.ser;
    if (!ser || !Array.isArray(ser.sli) || !ser.sli.some(isNum)) return noChart(h, 'sli');
    var pfmt = function (v) { return isNum(v) ? (v * 100).toFixed(c.d) + '%' : '—'; };
    var vals = inView(ser, ser.sli), tgt = isNum(s.target) ? s.target : null;
    var lo = minOf(vals.concat([tgt]), 0.99), hi = maxOf(vals.concat([tgt]), 1);
    var margin = Math.max((1 - (tgt || 0.99)) * 0.5, (hi - lo) * 0.15);
    upsertChart('sli', h, {
      data: { datasets: [{ label: 'SLI (rolling ' + win + ')', data: xy(ser.t, ser.sli), borderColor: COLORS.sli, fill: false }] },
      options: baseOptions(c.range, pfmt, 'SLI', function (o) {
        o.scales.y.suggestedMin = Math.max(0, lo - margin); o.scales.y.suggestedMax = Math.min(1, hi + margin);
        if (hi + margin >= 1) o.scales.y.max = 1;
        o.plugins.hrLines = { h: tgt === null ? [] : [{ y: tgt, color: COLORS.target, label: 'target ' + pfmt(tgt), width: 2 }], v: c.markers, bands: c.bands };
      })
    }, c.range);
  }
  /* The values of ser.t within the range shown. */
  function inView(ser, ys) {
    var z = state.zoom, out = [];
    for (var i = 0; i < ser.t.length; i++) if (!z || (ser.t[i] >= z[0] && ser.t[i] <= z[1])) out.push(ys[i]);
    return out.filter(isNum);
  }

  /* 2. The budget left at each instant (the engine's budget_remaining over
   *    the window ending there), with 0 and the SLO's budget alert levels. */
  function chartBudget(s, c) {
    var win = isNum(s.window_seconds) ? fmtSpan(s.window_seconds) : 'window';
    var h = panel('p-budget', 'Error budget left', 'at each instant, over the ' + win + ' window ending there');
    var ser = c.ser;
    if (!ser || !Array.isArray(ser.budget_remaining)) return noChart(h, 'budget');
    var bsec = s.budget_seconds;
    var bfmt = function (v) { return isNum(v) ? (v * 100).toFixed(0) + '%' : '—'; };
    var tfmt = function (v) {
      return isNum(v) ? budgetPct(v) + (isNum(bsec) ? ' (' + budgetTime(v * bsec) + ')' : '') : '—';
    };
    var ys = inView(ser, ser.budget_remaining);
    var lines = [{ y: 0, color: COLORS.target, label: 'exhausted', dash: [], width: 1.5 }];
    thresholdsOf(s).list.forEach(function (t) {
      if (t.kind === 'budget' && isNum(t.budget_level)) lines.push({ y: t.budget_level, color: sevColor(t.severity), width: 1, label: t.name + ': below ' + fmtPct(t.budget_level, 0) });
    });
    /* The status light's levels (status_thresholds.remaining: yellow at or
     * below, orange below, red at or below; red at 0 is "exhausted"). */
    var rem = s.status_thresholds && Array.isArray(s.status_thresholds.remaining) ? s.status_thresholds.remaining : [];
    [['yellow', 'yellow at ', ' or less'], ['orange', 'orange below ', ''], ['red', 'red at ', ' or less']].forEach(function (k, i) {
      if (isNum(rem[i]) && !(k[0] === 'red' && rem[i] === 0))
        lines.push({ y: rem[i], color: cssVar('--' + k[0]) || COLORS.other, width: 1, dash: [2, 3], status: k[0], label: 'status ' + k[1] + fmtPct(rem[i], 0) + k[2] });
    });
    upsertChart('budget', h, {
      data: { datasets: [{ label: 'budget left', data: xy(ser.t, ser.budget_remaining), borderColor: COLORS.budget,
        backgroundColor: 'rgba(31,157,85,.12)', fill: 'origin', $fmt: tfmt }] },
      options: baseOptions(c.range, bfmt, 'budget left', function (o) {
        o.scales.y.suggestedMax = Math.max(0, maxOf(ys, 1));
        o.scales.y.suggestedMin = Math.min(0, minOf(ys, 0));
        o.plugins.hrLines = { h: lines, v: c.markers, bands: c.bands };
      })
    }, c.range);
  }

  /* ---------- 3. burn rate against the SLO's own alert conditions ---------- */
  function sevColor(sev) { return sev === 'page' || sev === 'critical' ? COLORS.page : sev === 'ticket' ? COLORS.ticket : COLORS.other; }
  /* detail.thresholds (else the defaults), each with how it reads: a
   * burn-rate condition fires above its factor; an exhaustion one above the
   * burn that spends the budget left within its horizon (none left: any
   * burn); a budget one when the budget falls below its level. */
  function thresholdsOf(s) {
    var own = Array.isArray(s.thresholds) && s.thresholds.length;
    var list = (own ? s.thresholds : DEFAULT_THRESHOLDS).map(function (t) {
      var kind = t.kind || 'burn_rate', r = num(t.burn_rate), lb = t.lookback || '';
      var x = { name: t.name || '', severity: t.severity || '', kind: kind, lookback: lb, burn_rate: r, budget_level: num(t.budget_level),
        color: sevColor(t.severity), drawn: kind !== 'budget' && r !== null && r > 0 };
      if (kind === 'exhaustion') {
        x.label = 'budget gone in ' + (t.horizon || '?');
        x.desc = r !== null && r > 0 ? 'the ' + lb + ' burn above ' + fmtBurn(r) + ' spends the budget left within ' + t.horizon
          : 'no budget left, so any ' + lb + ' burn fires it (no line)';
      } else if (kind === 'budget') {
        x.desc = 'the budget left below ' + fmtPct(x.budget_level, 0) + ' (on the budget chart)';
      } else {
        x.label = fmtBurn(r) + ' ' + lb;
        x.desc = 'the ' + lb + ' burn' + (t.short_lookback ? ' and the ' + t.short_lookback + ' burn' : '') + ' above ' + fmtBurn(r);
      }
      return x;
    });
    return { own: !!own, list: list };
  }
  function burnSeriesKeys(ser) {
    return ser ? Object.keys(ser).filter(function (k) { return /^burn_rate_/.test(k) && Array.isArray(ser[k]); })
      .sort(function (a, b) { return durSecs(a.slice(10)) - durSecs(b.slice(10)); }) : [];
  }
  /* The highest burn of ser (else of the burn rates now), its lookback and
   * its time. */
  function burnPeak(s, ser, keys) {
    var peak = { v: 0, t: null, k: null };
    if (keys.length) keys.forEach(function (k) {
      ser[k].forEach(function (v, i) { if (isNum(v) && v > peak.v) { peak.v = v; peak.t = ser.t[i]; peak.k = k.slice(10); } });
    });
    else burnKeys(s).forEach(function (k) { var v = s.burn_rate[k]; if (isNum(v) && v > peak.v) { peak.v = v; peak.k = k; } });
    return peak;
  }
  /* Log by default when the values span more than 20x (a 300x outage against
   * a 2.8x threshold); the panel's switch overrides it. */
  function burnLog(peak, rates) {
    if (state.burnScale) return state.burnScale === 'log';
    var hi = Math.max(peak, maxOf(rates, 1)), lo = Math.min(1, minOf(rates, 1));
    return hi / lo > 20;
  }
  function niceCeil(v) {
    var e = Math.pow(10, Math.floor(Math.log10(v)));
    return [1, 2, 5, 10].map(function (m) { return m * e; }).filter(function (x) { return x >= v; })[0];
  }
  function burnAxis(o, log, peak, rates) {
    var hi = Math.max(peak, maxOf(rates, 1));
    if (log) {
      var floor = Math.pow(10, Math.floor(Math.log10(Math.min(0.1, minOf(rates, 1) / 2))));
      o.scales.y.type = 'logarithmic';
      o.scales.y.min = floor;
      o.scales.y.max = niceCeil(hi * 1.3);
      o.scales.y.afterBuildTicks = logTicks;
      o.scales.y.ticks.callback = function (v) { return (v <= floor * 1.0001 ? '≤' : '') + +v.toPrecision(3) + '×'; };
      return floor;
    }
    o.scales.y.min = 0;
    o.scales.y.suggestedMax = hi * 1.05;
    return null;
  }
  function burnTools(log) {
    return ' <span class="ptools" role="group" aria-label="burn-rate scale">' + ['log', 'linear'].map(function (k) {
      return '<button type="button" data-scale="' + k + '"' + ((k === 'log') === log ? ' class="on"' : '') + '>' + k + '</button>';
    }).join('') + '</span>';
  }
  document.addEventListener('click', function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest('button[data-scale]') : null;
    if (b && state.current) { state.burnScale = b.getAttribute('data-scale'); renderCharts(state.current); }
  });
  function thresholdListHtml(th) {
    return '<ul class="thr-list" id="thr-list">' + th.list.map(function (t) {
      return '<li data-name="' + esc(t.name) + '" data-kind="' + esc(t.kind) + '"' + (t.drawn ? ' data-rate="' + t.burn_rate + '"' : '') + '>' +
        '<i class="sw' + (t.drawn ? '' : ' off') + (t.kind === 'exhaustion' ? ' dot' : '') + '" style="border-color:' + t.color + '"></i>' +
        '<b>' + esc(t.kind === 'budget' ? fmtPct(t.budget_level, 0) + ' left' : t.drawn ? fmtBurn(t.burn_rate) : 'any burn') + '</b> ' +
        esc(t.name) + (t.severity ? ' <span class="c-nodata">(' + esc(t.severity) + ')</span>' : '') + ': ' + esc(t.desc) + '</li>';
    }).join('') + '</ul>' + (th.own ? '' : '<p class="c-nodata small">No alert policy: the default conditions (docs/alerting.md).</p>');
  }
  function chartBurn(s, c) {
    var ser = c.ser, keys = burnSeriesKeys(ser), main = seriesOf(s.series);
    var th = thresholdsOf(s), drawn = th.list.filter(function (t) { return t.drawn; });
    var rates = drawn.map(function (t) { return t.burn_rate; });
    /* The peak of the whole window and of the finer series drawn (a minute
     * grid can hold a higher burn than the hourly one). */
    var whole = main && burnSeriesKeys(main).length ? main : ser;
    var peak = burnPeak(s, whole, burnSeriesKeys(whole)), finer = burnPeak(s, ser, keys);
    if (finer.v > peak.v) peak = finer;
    var log = burnLog(peak.v, rates);
    var h = panel('p-burn', 'Burn rate', 'budget spent per unit of time; 1× spends it exactly over the window' +
      (peak.v > 0 ? ' · peak ' + fmtBurn(peak.v) + ' (' + peak.k + (peak.t !== null ? ', ' + fmtTime(toSecs(peak.t)) : '') + ')' : ''), burnTools(log));
    h.parentNode.querySelector('.foot-note').innerHTML = thresholdListHtml(th);
    h.parentNode.setAttribute('data-scale', log ? 'log' : 'linear');
    var b = { log: log, peak: peak.v, rates: rates, drawn: drawn, lines: drawn.map(function (t) {
      return { y: t.burn_rate, color: t.color, width: 1.2, dash: t.kind === 'exhaustion' ? [2, 3] : [6, 4], label: t.label, name: t.name };
    }) };
    if (keys.length) burnLines(s, c, h, keys, b);
    else burnBars(s, c, h, b);
  }
  /* The lookbacks drawn at first: those of the drawn thresholds and of
   * burning_now; the others are in the legend, off. */
  function burnShown(s, keys, drawn) {
    var n = nowOf(s), shown = {};
    drawn.forEach(function (t) { shown[t.lookback] = 1; });
    if (n && n.lookback) shown[n.lookback] = 1;
    if (!keys.some(function (k) { return shown[k.slice(10)]; })) shown[keys.indexOf('burn_rate_1h') >= 0 ? '1h' : keys[0].slice(10)] = 1;
    return shown;
  }
  function burnLines(s, c, h, keys, b) {
    var ser = c.ser, n = nowOf(s), shown = burnShown(s, keys, b.drawn), floor = null;
    var opts = baseOptions(c.range, fmtBurn, b.log ? 'burn rate (×, log scale)' : 'burn rate (×)', function (o) {
      floor = burnAxis(o, b.log, b.peak, b.rates);
      o.plugins.hrLines = { h: b.lines, v: c.markers, bands: c.bands };
    });
    upsertChart('burn', h, {
      data: { datasets: keys.map(function (k, i) {
        var lb = k.slice(10);
        return { label: lb + ' burn', data: burnData(ser, k, floor), borderColor: COLORS.burn[i % COLORS.burn.length],
          borderWidth: lb === (n && n.lookback) ? 2 : 1.3, hidden: !shown[lb], fill: false };
      }) },
      options: opts
    }, c.range);
  }
  /* On a log axis, values below its floor (0 included) sit on the floor;
   * the tooltip keeps the real value (v). */
  function burnData(ser, k, floor) {
    return ser.t.map(function (t, i) {
      var v = ser[k][i];
      return { x: t, y: isNum(v) ? (floor !== null && v < floor ? floor : v) : null, v: isNum(v) ? v : null };
    });
  }
  /* No series: the burn rate of every lookback now, against the thresholds. */
  function burnBars(s, c, h, b) {
    var ks = burnKeys(s);
    if (!ks.length) return noChart(h, 'burn');
    var o = baseOptions([0, 1], fmtBurn, b.log ? 'burn rate now (×, log scale)' : 'burn rate now (×)');
    o.scales.x = { type: 'category', title: { display: true, text: 'lookback', font: { size: 10 } } };
    var floor = burnAxis(o, b.log, b.peak, b.rates);
    o.plugins.tooltip.callbacks.title = function (it) { return it.length ? 'lookback ' + it[0].label : ''; };
    o.plugins.hrLines = { h: b.lines };
    upsertChart('burn', h, {
      type: 'bar',
      data: { labels: ks, datasets: [{ label: 'burn rate now', backgroundColor: '#e8710a', data: ks.map(function (k) {
        var v = s.burn_rate[k];
        return floor !== null && isNum(v) && v < floor ? floor : v;
      }) }] },
      options: o
    }, [0, 1]);
  }

  /* 4. Traffic and errors: good and bad events per interval stacked on one
   *    axis (2 errors look like 2 against 300 requests); the tooltip gives
   *    the interval's error rate against what the target allows. */
  function chartTraffic(s, c) {
    var ser = c.ser;
    if (!ser || !Array.isArray(ser.valid) || !Array.isArray(ser.good) || !ser.valid.length) return dropPanel('p-traffic', 'traffic');
    var step = ser.step_seconds || (ser.t.length > 1 ? ser.t[1] - ser.t[0] : 60), allow = isNum(s.target) ? 1 - s.target : null;
    var h = panel('p-traffic', 'Traffic and errors', 'events per ' + fmtSpan(step) + ', good and bad stacked on one axis' +
      (allow !== null ? ' · the target allows ' + fmtPct(allow, Math.max(1, c.d - 2)) + ' bad' : ''));
    var bad = xy(ser.t, ser.valid, function (v, i) { return isNum(ser.good[i]) ? Math.max(0, v - ser.good[i]) : null; });
    var nfmt = function (v) { return isNum(v) ? (Math.abs(v) >= 10000 ? (v / 1000).toFixed(0) + 'k' : String(Math.round(v))) : '—'; };
    upsertChart('traffic', h, {
      data: { datasets: [
        { label: 'good events', data: xy(ser.t, ser.good), borderColor: COLORS.good, backgroundColor: 'rgba(43,108,176,.22)', fill: 'origin', stepped: 'before', borderWidth: 1 },
        { label: 'bad events', data: bad, borderColor: COLORS.bad, backgroundColor: 'rgba(217,48,37,.55)', fill: '-1', stepped: 'before', borderWidth: 1 }
      ] },
      options: baseOptions(c.range, nfmt, 'events per ' + fmtSpan(step), function (o) {
        o.scales.y.min = 0; o.scales.y.stacked = true; o.scales.y.ticks.precision = 0;
        o.plugins.tooltip.callbacks.footer = function (items) { return errorRateText(ser, items, allow, c.d); };
        o.plugins.hrLines = { v: c.markers, bands: c.bands };
      })
    }, c.range);
  }
  function errorRateText(ser, items, allow, d) {
    if (!items.length) return '';
    var i = items[0].dataIndex, v = ser.valid[i], g = ser.good[i];
    if (!isNum(v) || !isNum(g) || v <= 0) return 'no valid events';
    return 'error rate ' + fmtPct((v - g) / v, 2) + (allow !== null ? ' (the target allows ' + fmtPct(allow, Math.max(1, d - 2)) + ')' : '');
  }

  /* 5. Latency percentiles, when the data has durations. */
  function chartLatency(s, c) {
    var lat = c.lat;
    if (!(lat && Array.isArray(lat.t) && lat.t.length && ['p50', 'p95', 'p99'].some(function (k) { return Array.isArray(lat[k]) && lat[k].some(isNum); }))) {
      return dropPanel('p-latency', 'latency');
    }
    var w = lat.window || {};
    var h = panel('p-latency', 'Latency percentiles', isNum(w.p50) ? (state.zoom ? 'over the range shown' : 'over the window') + ': p50 ' + fmtSecs(w.p50) +
      ' · p95 ' + fmtSecs(w.p95) + ' · p99 ' + fmtSecs(w.p99) + (isNum(w.count) ? ' of ' + w.count + ' events' : '') : 'p50 / p95 / p99');
    var lt = lat.t.map(toSecs), thrS = lat.threshold_seconds;
    var ds = [['p99', COLORS.bad, 1.4], ['p95', COLORS.burn[0], 1.6], ['p50', COLORS.sli, 2]].filter(function (x) { return Array.isArray(lat[x[0]]); })
      .map(function (x) { return { label: x[0], data: xy(lt, lat[x[0]]), borderColor: x[1], borderWidth: x[2], fill: false }; });
    upsertChart('latency', h, {
      data: { datasets: ds },
      options: baseOptions(c.range, fmtSecs, 'duration', function (o) {
        o.scales.y.min = 0;
        if (isNum(thrS)) o.scales.y.suggestedMax = thrS * 1.15;
        o.plugins.hrLines = { h: isNum(thrS) ? [{ y: thrS, color: COLORS.target, label: 'good below ' + fmtSecs(thrS), width: 1.5 }] : [], v: c.markers, bands: c.bands };
      })
    }, c.range);
  }

  /* ---------- the bottom layer: system metrics ---------- */
  function labelsText(l) {
    try {
      var o = typeof l === 'string' ? JSON.parse(l) : l || {};
      var ks = Object.keys(o).filter(function (k) { return k !== '__name__'; });
      return ks.length ? ks.map(function (k) { return k + '=' + o[k]; }).join(', ') : 'value';
    } catch (e) { return String(l); }
  }
  function renderSystem(s) {
    var zd = zoomData(s), list = zd && Array.isArray(zd.system_metrics) ? zd.system_metrics : s.system_metrics;
    var box = $('p-sys'), keys = Object.keys(state.charts).filter(function (k) { return /^sys/.test(k); });
    if (!Array.isArray(list) || !list.length) { box.hidden = true; keys.forEach(dropChart); $('sys').innerHTML = ''; return; }
    box.hidden = false;
    var sig = list.map(function (m) { return m.title + '|' + (m.error ? 'e' : 'ok'); }).join('\n');
    if ($('sys').getAttribute('data-sig') !== sig) {
      keys.forEach(dropChart);
      $('sys').setAttribute('data-sig', sig);
      $('sys').innerHTML = list.map(function (m, i) {
        return '<div class="sys" id="sys-' + i + '"><h4>' + esc(m.title) + '</h4><code class="q">' + esc(m.query) + '</code>' +
          (m.error ? '<p class="err">' + esc(m.error) + '</p>' : '<div class="holder"></div>') + '</div>';
      }).join('');
    }
    var range = chartRange(s), markers = chartContext(s).markers;
    list.forEach(function (m, i) {
      var holder = $('sys-' + i).querySelector('.holder');
      if (!holder) return;
      if (!Array.isArray(m.series) || !m.series.length) { dropChart('sys' + i); holder.innerHTML = '<p class="nochart">No data for this range.</p>'; return; }
      upsertChart('sys' + i, holder, {
        data: { datasets: m.series.map(function (se, k) {
          return { label: labelsText(se.labels), data: xy((se.t || []).map(toSecs), se.v || []), borderColor: COLORS.burn[(k + 2) % COLORS.burn.length], borderWidth: 1.3, fill: false };
        }) },
        options: baseOptions(range, function (v) { return isNum(v) ? +v.toPrecision(4) + '' : '—'; }, m.title, function (o) {
          o.plugins.legend.display = m.series.length <= 6;
          o.plugins.hrLines = { v: markers };
        })
      }, range);
    });
  }

  /* ---------- main loop ---------- */
  function render() {
    renderHeader();
    if (!state.report) return;
    var r = state.route;
    if (r.page === 'slo') renderSlo(r.name); else if (r.page === 'service') renderService(r.name); else renderOverview();
    writeHash();
    document.body.setAttribute('data-ready', '1');
  }

  function refresh() {
    clearTimeout(state.timer);
    return load().then(function () { state.error = null; }, function (e) { state.error = e && e.message ? e.message : String(e); })
      .then(function () {
        try { render(); } catch (e) { state.error = 'render: ' + e.message; renderHeader(); if (window.console) console.error(e); }
        if (!STATIC) state.timer = setTimeout(refresh, REFRESH_MS);
      });
  }

  if (window.Chart && window.Chart.defaults) {
    window.Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    if (dark) window.Chart.defaults.color = '#c9d1dc';
  }
  window.addEventListener('hashchange', function () {
    var before = state.route;
    applyRoute();
    if (before.page !== state.route.page || before.name !== state.route.name) window.scrollTo(0, 0);
    refresh();
  });
  window.addEventListener('resize', function () { if (state.route.page !== 'slo') drawSparks(); });
  applyRoute();
  refresh();
})();
