/* headroom dashboard: one page, hash routing (#/ and #/slo/NAME).
 *
 * Data: window.HEADROOM_DATA when the page is a self-contained report
 * (report --format html: the report JSON plus "details": {name: detail}),
 * else the JSON API of `headroom serve` (GET api/v1/slos, api/v1/slos/NAME,
 * api/v1/alerts, api/v1/gate?service=S), refreshed every 10 s. Every field
 * may be missing: the page shows what it has. docs/dashboard.md has the
 * shapes. Charts: Chart.js (embedded at /vendor/chart.js); without it the
 * figures still show. */
(function () {
  'use strict';

  var STATIC = window.HEADROOM_DATA || null;
  var REFRESH_MS = 10000;
  var DEFAULT_THRESHOLDS = [
    { burn_rate: 14.4, severity: 'page', lookback: '1h', short_lookback: '5m' },
    { burn_rate: 6, severity: 'page', lookback: '6h', short_lookback: '30m' },
    { burn_rate: 3, severity: 'ticket', lookback: '1d', short_lookback: '2h' },
    { burn_rate: 1, severity: 'ticket', lookback: '3d', short_lookback: '6h' }
  ];
  var RANK = { nodata: 0, green: 1, yellow: 2, orange: 3, red: 4 };
  var STATUS_WORD = {
    green: 'Healthy', yellow: 'Warning', orange: 'At risk', red: 'Budget exhausted or burning fast', nodata: 'No data'
  };

  var state = {
    report: null, details: {}, gates: {}, alerts: null, error: null,
    charts: {}, zoom: null, route: null, timer: null, loadedAt: null
  };

  /* ---------- small helpers ---------- */
  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function isNum(x) { return typeof x === 'number' && isFinite(x); }
  function statusOf(s) { return s && RANK[s.status] !== undefined ? s.status : 'nodata'; }

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
  function pctDigits(target) {
    if (!isNum(target) || target >= 1 || target <= 0) return 2;
    return Math.min(5, Math.max(1, Math.ceil(-Math.log10(1 - target) - 1e-6)));
  }
  function fmtPct(x, d) { return isNum(x) ? (x * 100).toFixed(d == null ? 1 : d) + '%' : '—'; }
  function fmtBurn(x) {
    if (!isNum(x)) return '—';
    return (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + '×';
  }
  function pad(n) { return n < 10 ? '0' + n : '' + n; }
  var MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function toSecs(at) { /* unix seconds or RFC 3339 -> seconds */
    if (isNum(at)) return at;
    var ms = Date.parse(at);
    return isNaN(ms) ? NaN : ms / 1000;
  }
  function fmtTime(sec, withDate) { /* UTC, like the CLI */
    if (!isNum(sec)) return '—';
    var d = new Date(sec * 1000);
    var hm = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    if (withDate === false) return hm;
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + hm;
  }
  function fmtTick(sec, span) {
    var d = new Date(sec * 1000);
    if (span > 3 * 86400) return MON[d.getUTCMonth()] + ' ' + d.getUTCDate();
    if (span > 86400) return MON[d.getUTCMonth()] + ' ' + d.getUTCDate() + ' ' + pad(d.getUTCHours()) + 'h';
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }
  function name(s) { return s.display_name || s.name; }

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
  function budgetHtml(s) {
    var b = s.budget_remaining, secs = s.budget_remaining_seconds;
    if (statusOf(s) === 'nodata' && (s.valid === 0 || s.sli === null)) {
      return '<div class="big c-nodata">no data</div>';
    }
    return '<div class="big c-' + statusOf(s) + '">' + fmtPct(b, 1) +
      (isNum(secs) ? ' <span class="unit">· ' + esc(fmtDur(secs)) + '</span>' : '') + '</div>';
  }

  /* ---------- data ---------- */
  function getJSON(path) {
    return fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) { var e = new Error(path + ': HTTP ' + r.status); e.status = r.status; throw e; }
      return r.json();
    });
  }
  function findSlo(nm) {
    var list = (state.report && state.report.slos) || [];
    for (var i = 0; i < list.length; i++) if (list[i].name === nm) return list[i];
    return null;
  }
  function alertsList(a) {
    if (!a) return [];
    if (Array.isArray(a)) return a;
    var out = [];
    ['alerts', 'firing', 'recent'].forEach(function (k) { if (Array.isArray(a[k])) out = out.concat(a[k]); });
    return out;
  }
  function isFiring(a) {
    return a && (a.state === 'firing' || (a.state === undefined && a.fired_at && !a.resolved_at));
  }
  function services() {
    var by = {}, order = [];
    ((state.report && state.report.slos) || []).forEach(function (s) {
      var k = s.service || '(no service)';
      if (!by[k]) { by[k] = []; order.push(k); }
      by[k].push(s);
    });
    return { by: by, order: order };
  }

  function load() {
    if (STATIC) {
      state.report = STATIC;
      state.details = STATIC.details || {};
      state.gates = STATIC.gates || {};
      state.alerts = STATIC.alerts || null;
      return Promise.resolve();
    }
    var r = route();
    var jobs = [getJSON('api/v1/slos').then(function (j) { state.report = j; })];
    jobs.push(getJSON('api/v1/alerts').then(function (j) { state.alerts = j; }, function () { state.alerts = null; }));
    if (r.page === 'slo') {
      jobs.push(getJSON('api/v1/slos/' + encodeURIComponent(r.name)).then(function (j) {
        state.details[r.name] = j;
      }, function (e) { if (e.status === 404) state.details[r.name] = { missing: true }; }));
    }
    return Promise.all(jobs).then(function () {
      if (r.page !== 'overview') return;
      var sv = services().order;
      return Promise.all(sv.map(function (svc) {
        return getJSON('api/v1/gate?service=' + encodeURIComponent(svc)).then(function (g) {
          state.gates[svc] = g;
        }, function () { delete state.gates[svc]; });
      }));
    });
  }

  /* ---------- routing ---------- */
  function route() {
    var h = location.hash.replace(/^#\/?/, '');
    var m = /^slo\/(.+)$/.exec(h);
    if (m) return { page: 'slo', name: decodeURIComponent(m[1]) };
    return { page: 'overview' };
  }

  /* ---------- overview ---------- */
  function renderOverview() {
    destroyCharts();
    var rep = state.report;
    var list = (rep && rep.slos) || [];
    $('crumbs').textContent = '';
    document.title = 'headroom';
    if (!list.length) {
      $('app').innerHTML = '<p class="empty">No SLOs in this report.</p>';
      return;
    }
    var worst = 'nodata', counts = { green: 0, yellow: 0, orange: 0, red: 0, nodata: 0 }, lowest = null;
    list.forEach(function (s) {
      var st = statusOf(s);
      counts[st]++;
      if (RANK[st] > RANK[worst]) worst = st;
      if (st !== 'nodata' && isNum(s.budget_remaining) && (!lowest || s.budget_remaining < lowest.budget_remaining)) lowest = s;
    });
    var ok = counts.green;
    var h = '<section class="answer"><div class="verdict ' + worst + '" id="verdict">' +
      '<h1 class="c-' + worst + '">' + (worst === 'green' ? 'All SLOs healthy' :
        worst === 'nodata' ? 'No data yet' : esc(list.length - ok) + ' of ' + list.length + ' SLOs need attention') + '</h1>' +
      (lowest ? '<p>Least budget left: <a href="#/slo/' + encodeURIComponent(lowest.name) + '">' + esc(name(lowest)) +
        '</a> — <b class="c-' + statusOf(lowest) + '">' + fmtPct(lowest.budget_remaining, 1) + '</b>' +
        (isNum(lowest.budget_remaining_seconds) ? ' (' + esc(fmtDur(lowest.budget_remaining_seconds)) + ')' : '') + '</p>' : '') +
      '<p>' + list.length + ' SLOs in ' + services().order.length + ' services</p></div>' +
      '<div class="counts">' + ['red', 'orange', 'yellow', 'green', 'nodata'].map(function (k) {
        return '<div class="cnt"><b class="c-' + k + '">' + counts[k] + '</b><span>' + (k === 'nodata' ? 'no data' : k) + '</span></div>';
      }).join('') + '</div></section>';

    var firing = alertsList(state.alerts).filter(isFiring);
    if (firing.length) {
      h += '<section class="firing"><b>Alerts firing (' + firing.length + ')</b><ul>' + firing.slice(0, 10).map(function (a) {
        return '<li><a href="#/slo/' + encodeURIComponent(a.slo || '') + '">' + esc(a.slo) + '</a> · ' +
          esc(a.condition || a.name || '') + ' <span class="pill ' + (a.severity === 'page' ? 'red' : 'orange') + '">' +
          esc(a.severity || 'alert') + '</span> since ' + esc(fmtTime(toSecs(a.fired_at || a.since))) + '</li>';
      }).join('') + '</ul></section>';
    }

    var sv = services();
    sv.order.forEach(function (svc) {
      var g = state.gates[svc];
      var gate = '';
      if (g && (g.decision === 'allow' || g.decision === 'deny')) {
        gate = '<span class="gate ' + g.decision + '" data-gate="' + esc(g.decision) + '">release gate: <b>' +
          esc(g.decision) + '</b>' + (g.reason ? ' <span class="why">— ' + esc(g.reason) + '</span>' : '') + '</span>';
      }
      h += '<section class="service" data-service="' + esc(svc) + '"><header><h2>' + esc(svc) + '</h2>' + gate + '</header><div class="cards">';
      sv.by[svc].forEach(function (s) { h += cardHtml(s); });
      h += '</div></section>';
    });
    $('app').innerHTML = h;
  }

  function cardHtml(s) {
    var st = statusOf(s), p = burnPair(s);
    var d = pctDigits(s.target);
    return '<a class="card status-' + st + '" href="#/slo/' + encodeURIComponent(s.name) + '" data-slo="' + esc(s.name) + '">' +
      '<div class="head"><div><div class="name">' + esc(name(s)) + '</div><div class="id">' + esc(s.name) + '</div></div>' +
      '<span class="pill ' + st + '">' + esc(st === 'nodata' ? 'no data' : st) + '</span></div>' +
      budgetHtml(s) + '<div class="sub">error budget left</div>' +
      '<dl class="facts">' +
      '<dt>SLI / target</dt><dd class="num">' + (s.sli === null || s.sli === undefined ? 'no data' : fmtPct(s.sli, d)) +
      ' / ' + fmtPct(s.target, d) + '</dd>' +
      (p ? '<dt>burn rate ' + esc(p.now) + '</dt><dd class="num"><b>' + fmtBurn(p.vNow) + '</b>' + trendHtml(p) + '</dd>' : '') +
      '<dt>budget exhausted</dt><dd>' + esc(tteText(s)) + '</dd>' +
      '</dl></a>';
  }

  /* ---------- SLO page ---------- */
  function renderSlo(nm) {
    var base = findSlo(nm);
    var det = state.details[nm] || {};
    if (!base && det && det.name) base = det;
    $('crumbs').innerHTML = '› ' + esc(base ? name(base) : nm);
    document.title = (base ? name(base) : nm) + ' · headroom';
    if (!base) {
      if (state.report) $('app').innerHTML = '<p class="empty">No SLO named <b>' + esc(nm) + '</b>. <a href="#/">Back to the overview</a>.</p>';
      return;
    }
    var s = {};
    Object.keys(base).forEach(function (k) { s[k] = base[k]; });
    Object.keys(det).forEach(function (k) { if (det[k] !== undefined && det[k] !== null) s[k] = det[k]; });
    var st = statusOf(s), d = pctDigits(s.target);
    var app = $('app');
    if (!app.querySelector('.slo-page') || app.querySelector('.slo-page').getAttribute('data-slo') !== nm) {
      destroyCharts();
      state.zoom = null;
      app.innerHTML = '<div class="slo-page" data-slo="' + esc(nm) + '">' +
        '<div class="slo-head" id="slo-head"></div><section class="kpis" id="kpis"></section>' +
        '<div class="toolbar" id="toolbar"></div><section class="charts" id="charts"></section>' +
        '<section class="lower"><div class="panel"><h3>Timeline <small>deploys, incidents, alerts, exclusions</small></h3><div id="timeline"></div></div>' +
        '<div class="panel"><h3>Alerts</h3><div id="alerts"></div></div>' +
        '<div class="panel wide" id="p-bad" hidden><h3>Latest bad events <small id="bad-sub"></small></h3><div id="bad-events"></div></div></section></div>';
    }
    $('slo-head').innerHTML = '<a href="#/">← all SLOs</a><h1>' + esc(name(s)) + '</h1><span class="pill ' + st + '">' +
      esc(st === 'nodata' ? 'no data' : st) + '</span>' + (s.latched ? ' <span class="meta">(red latch: held until the SLI recovers)</span>' : '') +
      '<span class="meta">' + esc(s.service || '') + ' · ' + esc(s.name) + ' · target ' + fmtPct(s.target, d) +
      (isNum(s.window_seconds) ? ' over ' + esc(fmtDur(s.window_seconds).replace(/ 0[hms]$/, '')) : '') +
      (s.budgeting_method ? ' · ' + esc(s.budgeting_method) : '') + '</span>';

    var p = burnPair(s);
    var burnRows = burnKeys(s).map(function (k) {
      var ev = s.events && s.events[k];
      return '<tr><td>' + esc(k) + '</td><td class="n"><b>' + fmtBurn(s.burn_rate[k]) + '</b></td><td class="n c-nodata">' +
        (ev && isNum(ev.valid) ? esc(ev.valid) + ' ev' + (ev.low_traffic ? ' (low)' : '') : '') + '</td></tr>';
    }).join('');
    $('kpis').innerHTML =
      '<div class="kpi budget ' + st + '"><div class="sub">error budget left</div>' + budgetHtml(s) +
      '<div class="s">' + (isNum(s.budget_seconds) ? 'of ' + esc(fmtDur(s.budget_seconds)) + ' allowed in the window' : '') +
      (s.window_start ? ' · window from ' + esc(fmtTime(toSecs(s.window_start))) : '') + '</div></div>' +
      '<div class="kpi"><div class="sub">SLI vs target</div><div class="v">' + (s.sli == null ? 'no data' : fmtPct(s.sli, d)) +
      '</div><div class="s">target ' + fmtPct(s.target, d) + ' · ' + (isNum(s.good) ? esc(s.good) : '?') + ' good of ' +
      (isNum(s.valid) ? esc(s.valid) : '?') + '</div></div>' +
      '<div class="kpi"><div class="sub">burn rate' + (p ? ' ' + esc(p.now) : '') + '</div><div class="v">' +
      (p ? fmtBurn(p.vNow) + trendHtml(p) : '—') + '</div><table class="burns">' + burnRows + '</table></div>' +
      '<div class="kpi"><div class="sub">budget exhausted</div><div class="v">' + esc(tteText(s)) + '</div>' +
      '<div class="s">at the ' + (p ? esc(p.now) : '1h') + ' burn rate</div>' + sinceDeploy(s) + '</div>';

    renderCharts(s);
    renderTimeline(s);
    renderAlerts(s);
    renderBadEvents(s);
  }

  /* The latest bad events (detail "bad_events", newest first): hidden when
   * the data has none (a report of logs without a store). A click on a row
   * shows its whole line. */
  function fmtSecs(v) { /* a duration in seconds: "87 ms", "1.24 s", "3m 20s" */
    if (!isNum(v)) return '—';
    if (v < 1) return (v < 0.01 ? (v * 1000).toFixed(2) : v < 0.1 ? (v * 1000).toFixed(1) : (v * 1000).toFixed(0)) + ' ms';
    if (v < 60) return v.toFixed(v < 10 ? 2 : 1) + ' s';
    return fmtDur(v);
  }
  function fmtAtMs(at) {
    var sec = toSecs(at);
    if (!isNum(sec)) return '—';
    var ms = Math.round((sec - Math.floor(sec)) * 1000), d = new Date(Math.floor(sec) * 1000);
    return fmtTime(sec) + ':' + pad(d.getUTCSeconds()) + '.' + ('00' + ms).slice(-3);
  }
  function renderBadEvents(s) {
    var box = $('p-bad');
    if (!box) return;
    var list = Array.isArray(s.bad_events) ? s.bad_events : null;
    box.hidden = !list;
    if (!list) { $('bad-events').innerHTML = ''; return; }
    $('bad-sub').textContent = list.length ? 'newest first · ' + (list.length >= 100 ? 'the latest ' + list.length : 'all ' + list.length + ' in the store') +
      ' · click a row for its whole line' : '';
    if (!list.length) { $('bad-events').innerHTML = '<p class="empty">No bad events recorded for this SLO.</p>'; return; }
    var open = {};
    Array.prototype.forEach.call($('bad-events').querySelectorAll('tr.open'), function (tr) { open[tr.getAttribute('data-k')] = 1; });
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

  function sinceDeploy(s) {
    var d = s.since_deploy;
    if (!d || typeof d !== 'object' || !isNum(d.budget_spent)) return '';
    return '<div class="s" id="since-deploy">since the deploy of ' + esc(fmtTime(toSecs(d.at))) + (d.text ? ' (' + esc(d.text) + ')' : '') +
      ': <b>' + fmtPct(d.budget_spent, 1) + '</b> of the budget spent' +
      (isNum(d.budget_spent_seconds) ? ' (' + esc(fmtDur(d.budget_spent_seconds)) + ')' : '') + '</div>';
  }
  function timelineOf(s) {
    var tl = Array.isArray(s.timeline) ? s.timeline.slice() : [];
    alertsList(s.alerts).forEach(function (a) {
      if (a.fired_at) tl.push({ at: a.fired_at, end: a.resolved_at || null, kind: 'alert', text: (a.condition || a.name || 'alert') + (a.severity ? ' (' + a.severity + ')' : '') });
    });
    return tl.map(function (e) {
      var alert = e.source === 'alert';
      return { at: toSecs(e.at), end: e.end ? toSecs(e.end) : null, kind: alert ? 'alert' : e.kind || 'note',
        text: alert ? (e.kind ? e.kind + ': ' : '') + (e.text || e.condition || '') + (e.severity ? ' (' + e.severity + ')' : '') : e.text || '' };
    })
      .filter(function (e) { return isNum(e.at); })
      .sort(function (a, b) { return b.at - a.at; });
  }
  function renderTimeline(s) {
    var tl = timelineOf(s);
    $('timeline').innerHTML = tl.length ? '<ul class="timeline">' + tl.slice(0, 200).map(function (e) {
      return '<li><span class="when">' + esc(fmtTime(e.at)) + '</span><span class="kind ' + esc(e.kind) + '">' + esc(e.kind) +
        '</span><span>' + esc(e.text) + (e.end ? ' <small class="c-nodata">until ' + esc(fmtTime(e.end)) + '</small>' : '') + '</span></li>';
    }).join('') + '</ul>' : '<p class="empty">Nothing on the timeline in this window.</p>';
  }
  function renderAlerts(s) {
    var mine = alertsList(s.alerts);
    alertsList(state.alerts).forEach(function (a) { if (a.slo === s.name && mine.indexOf(a) < 0) mine.push(a); });
    $('alerts').innerHTML = mine.length ? '<table class="list"><tr><th>condition</th><th>severity</th><th>state</th><th>fired</th><th>resolved</th></tr>' +
      mine.slice(0, 50).map(function (a) {
        return '<tr><td>' + esc(a.condition || a.name || '') + '</td><td>' + esc(a.severity || '') + '</td><td>' +
          esc(a.state || (a.resolved_at ? 'resolved' : 'firing')) + '</td><td>' + esc(fmtTime(toSecs(a.fired_at))) +
          '</td><td>' + esc(a.resolved_at ? fmtTime(toSecs(a.resolved_at)) : '—') + '</td></tr>';
      }).join('') + '</table>' : '<p class="empty">No alerts for this SLO.</p>';
  }

  /* ---------- charts ---------- */
  var COLORS = { sli: '#2b6cb0', target: '#d93025', budget: '#1f9d55', burn: ['#e8710a', '#7b3fc4', '#2b6cb0', '#0f8b8d', '#a05a2c', '#667085'],
    good: '#2b6cb0', bad: '#d93025', marker: { deploy: '#2b6cb0', incident: '#d93025', alert: '#e8710a', note: '#667085' } };

  /* Horizontal lines, vertical markers and shaded bands, plus the zoom
   * selection: options.plugins.hrLines = {h: [{y, color, label, dash}],
   * v: [{x, color, label}], bands: [{from, to, color}]}. */
  var linesPlugin = {
    id: 'hrLines',
    beforeDatasetsDraw: function (chart) {
      var o = chart.options.plugins.hrLines || {}, x = chart.scales.x, ca = chart.chartArea, ctx = chart.ctx;
      if (!x || !ca) return;
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
      ctx.font = '11px system-ui, sans-serif';
      (o.h || []).forEach(function (l) {
        var py = y.getPixelForValue(l.y);
        if (py < ca.top - 0.5 || py > ca.bottom + 0.5) return;
        ctx.strokeStyle = l.color; ctx.lineWidth = l.width || 1.5; ctx.setLineDash(l.dash || [6, 4]);
        ctx.beginPath(); ctx.moveTo(ca.left, py); ctx.lineTo(ca.right, py); ctx.stroke();
        if (l.label) { ctx.setLineDash([]); ctx.fillStyle = l.color; ctx.textAlign = 'right'; ctx.fillText(l.label, ca.right - 4, py - 4); }
      });
      (o.v || []).forEach(function (l) {
        var px = x.getPixelForValue(l.x);
        if (px < ca.left || px > ca.right) return;
        ctx.strokeStyle = l.color; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
        ctx.beginPath(); ctx.moveTo(px, ca.top); ctx.lineTo(px, ca.bottom); ctx.stroke();
        ctx.setLineDash([]); ctx.fillStyle = l.color;
        ctx.beginPath(); ctx.moveTo(px - 4, ca.top); ctx.lineTo(px + 4, ca.top); ctx.lineTo(px, ca.top + 6); ctx.fill();
      });
      var sel = chart.$hrSel;
      if (sel) {
        ctx.fillStyle = 'rgba(43,108,176,.15)';
        ctx.fillRect(Math.min(sel.a, sel.b), ca.top, Math.abs(sel.b - sel.a), ca.bottom - ca.top);
      }
      ctx.restore();
    }
  };

  function destroyCharts() {
    Object.keys(state.charts).forEach(function (k) { try { state.charts[k].destroy(); } catch (e) { /* gone */ } });
    state.charts = {};
  }

  function applyZoom() {
    Object.keys(state.charts).forEach(function (k) {
      var c = state.charts[k], x = c.options.scales.x;
      x.min = state.zoom ? state.zoom[0] : c.$hrRange[0];
      x.max = state.zoom ? state.zoom[1] : c.$hrRange[1];
      c.update('none');
    });
    var tb = $('toolbar');
    if (tb) Array.prototype.forEach.call(tb.querySelectorAll('button[data-span]'), function (b) {
      var sp = +b.getAttribute('data-span');
      b.classList.toggle('on', sp === 0 ? !state.zoom : !!(state.zoom && Math.abs(state.zoom[1] - state.zoom[0] - sp) < 1));
    });
  }

  function attachZoom(chart, canvas) {
    var start = null;
    function px(ev) { var r = canvas.getBoundingClientRect(); return ev.clientX - r.left; }
    canvas.addEventListener('mousedown', function (ev) {
      if (ev.button !== 0) return;
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
        if (hi - lo >= 60) { state.zoom = [lo, hi]; applyZoom(); return; }
      }
      chart.draw();
    }
    canvas.addEventListener('mouseup', finish);
    canvas.addEventListener('mouseleave', function () { if (start !== null) { start = null; chart.$hrSel = null; chart.draw(); } });
    canvas.addEventListener('dblclick', function () { state.zoom = null; applyZoom(); });
  }

  function baseOptions(range, yfmt, extra) {
    var span = range[1] - range[0];
    var o = {
      responsive: true, maintainAspectRatio: false, animation: false, normalized: true, spanGaps: false,
      interaction: { mode: 'index', intersect: false },
      elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 }, line: { borderWidth: 1.8, tension: 0 } },
      scales: {
        x: { type: 'linear', min: range[0], max: range[1], grid: { color: 'rgba(127,127,127,.12)' },
          ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 7, callback: function (v) {
            var c = this.chart, sp = (c.scales.x.max - c.scales.x.min) || span; return fmtTick(v, sp); } } },
        y: { grid: { color: 'rgba(127,127,127,.12)' }, ticks: { callback: yfmt } }
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
        tooltip: { callbacks: {
          title: function (items) { return items.length ? fmtTime(items[0].parsed.x) : ''; },
          label: function (it) { return ' ' + it.dataset.label + ': ' + (it.dataset.$fmt || yfmt)(it.parsed.y); }
        } },
        hrLines: {}
      }
    };
    if (extra) extra(o);
    return o;
  }

  function upsertChart(key, holder, cfg, range) {
    var c = state.charts[key];
    if (zoomed()) { cfg.options.scales.x.min = state.zoom[0]; cfg.options.scales.x.max = state.zoom[1]; }
    if (c) {
      c.data = cfg.data; c.options = cfg.options; c.$hrRange = range; c.update('none');
      return c;
    }
    holder.innerHTML = '<div class="chart-box"><canvas></canvas></div>';
    var canvas = holder.querySelector('canvas');
    c = new window.Chart(canvas.getContext('2d'), { type: cfg.type || 'line', data: cfg.data, options: cfg.options, plugins: [linesPlugin] });
    c.$hrRange = range;
    attachZoom(c, canvas);
    state.charts[key] = c;
    return c;
  }
  function zoomed() { return !!state.zoom; }

  function xy(t, ys, f) {
    var out = [];
    for (var i = 0; i < t.length && i < ys.length; i++) {
      var v = ys[i];
      out.push({ x: t[i], y: isNum(v) ? (f ? f(v, i) : v) : null });
    }
    return out;
  }

  function panel(id, title, sub) {
    var el = $(id);
    if (!el) {
      el = document.createElement('div');
      el.className = 'panel';
      el.id = id;
      el.innerHTML = '<h3></h3><div class="holder"></div>';
      $('charts').appendChild(el);
    }
    el.querySelector('h3').innerHTML = esc(title) + (sub ? ' <small>' + esc(sub) + '</small>' : '');
    return el.querySelector('.holder');
  }

  /* The series as columns {t: [unix s], sli: [...], ...}. Also accepts rows,
   * {"points": [{"t": RFC 3339 or unix s, "good", "valid", "sli" (of the
   * interval), "sli_window" (since the window start), "budget_remaining",
   * "burn_rate_1h", ...}]}: sli_window then draws the SLI line. */
  function seriesOf(s) {
    var ser = s.series;
    if (!ser || typeof ser !== 'object') return null;
    if (Array.isArray(ser.t)) return ser;
    if (!Array.isArray(ser.points) || !ser.points.length) return null;
    var cols = { step_seconds: ser.step_seconds, t: [] }, keys = {};
    ser.points.forEach(function (p) { Object.keys(p).forEach(function (k) { if (k !== 't') keys[k] = 1; }); });
    Object.keys(keys).forEach(function (k) { cols[k] = []; });
    ser.points.forEach(function (p) {
      cols.t.push(toSecs(p.t));
      Object.keys(keys).forEach(function (k) { cols[k].push(isNum(p[k]) ? p[k] : null); });
    });
    if (keys.sli_window) { cols.sli_interval = cols.sli; cols.sli = cols.sli_window; }
    return cols;
  }

  function renderCharts(s) {
    var ser = seriesOf(s);
    var tb = $('toolbar');
    if (!window.Chart) {
      $('charts').innerHTML = '<div class="panel"><p class="nochart">Charts need the chart library (/vendor/chart.js), which this build does not embed.</p></div>';
      tb.innerHTML = '';
      return;
    }
    var t = ser ? ser.t.filter(isNum) : [];
    var atS = toSecs(state.report && state.report.at);
    var range = t.length > 1 ? [t[0], t[t.length - 1]] : [isNum(atS) ? atS - (s.window_seconds || 86400) : 0, isNum(atS) ? atS : 1];
    var span = range[1] - range[0];
    if (!tb.firstChild) {
      var spans = [[0, 'window'], [7 * 86400, '7d'], [86400, '1d'], [6 * 3600, '6h']].filter(function (x) { return x[0] === 0 || x[0] < span; });
      tb.innerHTML = '<span>zoom:</span>' + spans.map(function (x) {
        return '<button type="button" data-span="' + x[0] + '">' + x[1] + '</button>';
      }).join('') + '<span>· drag across a chart to zoom, double-click to reset · times in UTC</span>';
      Array.prototype.forEach.call(tb.querySelectorAll('button'), function (b) {
        b.addEventListener('click', function () {
          var sp = +b.getAttribute('data-span'), r = (state.charts.sli || state.charts.burn || {}).$hrRange || range;
          state.zoom = sp ? [r[1] - sp, r[1]] : null;
          applyZoom();
        });
      });
    }
    var tl = timelineOf(s);
    var markers = tl.filter(function (e) { return e.kind !== 'exclusion' && e.kind !== 'maintenance'; }).map(function (e) {
      return { x: e.at, color: COLORS.marker[e.kind] || COLORS.marker.note, label: e.text };
    });
    var bands = tl.filter(function (e) { return (e.kind === 'exclusion' || e.kind === 'maintenance') && isNum(e.end); })
      .map(function (e) { return { from: e.at, to: e.end }; });
    var d = pctDigits(s.target);
    var pfmt = function (v) { return isNum(v) ? (v * 100).toFixed(d) + '%' : '—'; };

    /* 1. SLI against the target line */
    var h1 = panel('p-sli', 'SLI vs target', ser && ser.sli_interval ? 'since the window start' : 'rolling over the window');
    if (ser && Array.isArray(ser.sli)) {
      var vals = ser.sli.filter(isNum);
      var lo = Math.min.apply(null, vals.concat([s.target || 1]));
      var margin = Math.max((1 - (s.target || 0.99)) * 0.5, (1 - lo) * 0.1);
      upsertChart('sli', h1, {
        data: { datasets: [{ label: 'SLI', data: xy(ser.t, ser.sli), borderColor: COLORS.sli, backgroundColor: 'rgba(43,108,176,.08)', fill: false }] },
        options: baseOptions(range, pfmt, function (o) {
          o.scales.y.min = Math.max(0, lo - margin); o.scales.y.max = 1;
          o.plugins.hrLines = { h: [{ y: s.target, color: COLORS.target, label: 'target ' + pfmt(s.target), width: 2 }], v: markers, bands: bands };
        })
      }, range);
    } else noChart(h1, 'sli');

    /* 2. Error budget burn-down from the window start */
    var h2 = panel('p-budget', 'Error budget burn-down', 'share of the window\'s budget left, from the window start');
    var bd = burnDown(s, ser);
    if (bd) {
      var bsec = s.budget_seconds;
      var bfmt = function (v) { return isNum(v) ? (v * 100).toFixed(1) + '%' : '—'; };
      var tfmt = function (v) { return isNum(v) ? bfmt(v) + (isNum(bsec) ? ' (' + fmtDur(v * bsec) + ')' : '') : '—'; };
      var ds = [{ label: 'budget left', data: bd, borderColor: COLORS.budget, backgroundColor: 'rgba(31,157,85,.12)', fill: 'origin', $fmt: tfmt }];
      if (ser && Array.isArray(ser.budget_remaining)) {
        ds.push({ label: 'budget left at each instant', data: xy(ser.t, ser.budget_remaining), borderColor: '#98a2b3', borderDash: [4, 3], borderWidth: 1.2, fill: false, hidden: true, $fmt: tfmt });
      }
      upsertChart('budget', h2, {
        data: { datasets: ds },
        options: baseOptions(range, bfmt, function (o) {
          var ys = bd.map(function (p) { return p.y; }).filter(isNum);
          o.scales.y.max = Math.max(1, Math.max.apply(null, ys.concat([0])));
          o.scales.y.suggestedMin = Math.min(0, Math.min.apply(null, ys.concat([0])));
          o.plugins.hrLines = { h: [{ y: 0, color: COLORS.target, label: 'exhausted', dash: [], width: 1.5 }, { y: 0.3, color: '#e8710a', label: '30%', width: 1 }, { y: 0.7, color: '#d4a000', label: '70%', width: 1 }], v: markers, bands: bands };
        })
      }, range);
    } else noChart(h2, 'budget');

    /* 3. Burn rates with the alert thresholds. The axis stops at twice the
     * highest threshold: an incident at 300x would otherwise flatten every
     * threshold line into the floor; the subtitle names the peak instead
     * (tooltips keep the real values). */
    var bkeys = ser ? Object.keys(ser).filter(function (k) { return /^burn_rate_/.test(k) && Array.isArray(ser[k]); })
      .sort(function (a, b) { return durSecs(a.slice(10)) - durSecs(b.slice(10)); }) : [];
    var thr = Array.isArray(s.thresholds) && s.thresholds.length ? s.thresholds : DEFAULT_THRESHOLDS;
    var thrLines = thr.filter(function (x) { return isNum(x.burn_rate); }).map(function (x) {
      return { y: x.burn_rate, color: x.severity === 'page' ? '#d93025' : '#e8710a', width: 1,
        label: x.burn_rate + '× ' + (x.severity || '') + (x.lookback ? ' ' + x.lookback : '') };
    });
    var maxThr = Math.max.apply(null, thrLines.map(function (l) { return l.y; }).concat([1]));
    var burnCap = 2 * maxThr, peak = { v: 0, t: null, k: null };
    if (bkeys.length) bkeys.forEach(function (k) {
      ser[k].forEach(function (v, i) { if (isNum(v) && v > peak.v) { peak.v = v; peak.t = ser.t[i]; peak.k = k.slice(10); } });
    });
    else burnKeys(s).forEach(function (k) { var v = s.burn_rate[k]; if (isNum(v) && v > peak.v) { peak.v = v; peak.k = k; } });
    var capped = peak.v > burnCap;
    var h3 = panel('p-burn', 'Burn rate', 'budget spent per unit of time; 1× spends it exactly over the window' +
      (capped ? ' · axis capped at ' + fmtBurn(burnCap) + ': peak ' + fmtBurn(peak.v) + ' (' + peak.k +
        (peak.t !== null ? ', ' + fmtTime(toSecs(peak.t)) : '') + ')' : ''));
    h3.parentNode.setAttribute('data-capped', capped ? fmtBurn(burnCap) : '');
    if (bkeys.length) {
      var main = bkeys.indexOf('burn_rate_1h') >= 0 ? 'burn_rate_1h' : bkeys[0];
      var ds3 = bkeys.map(function (k, i) {
        return { label: k.slice(10) + ' burn', data: xy(ser.t, ser[k]), borderColor: COLORS.burn[i % COLORS.burn.length],
          borderWidth: k === main ? 2 : 1.2, hidden: bkeys.length > 3 && k !== main && k !== 'burn_rate_6h', fill: false };
      });
      upsertChart('burn', h3, {
        data: { datasets: ds3 },
        options: baseOptions(range, function (v) { return fmtBurn(v); }, function (o) {
          o.scales.y.min = 0; o.scales.y.suggestedMax = maxThr * 1.1;
          if (capped) o.scales.y.max = burnCap;
          o.plugins.hrLines = { h: thrLines, v: markers, bands: bands };
        })
      }, range);
    } else {
      /* No series: the burn rate of every lookback now, against the thresholds. */
      var ks = burnKeys(s);
      if (ks.length) {
        upsertChart('burn', h3, {
          type: 'bar',
          data: { labels: ks, datasets: [{ label: 'burn rate now', data: ks.map(function (k) { return s.burn_rate[k]; }), backgroundColor: '#e8710a' }] },
          options: (function () {
            var o = baseOptions([0, 1], function (v) { return fmtBurn(v); });
            o.scales.x = { type: 'category' };
            o.scales.y.min = 0; o.scales.y.suggestedMax = maxThr * 1.1;
            if (capped) o.scales.y.max = burnCap;
            o.plugins.tooltip.callbacks.title = function (it) { return it.length ? 'lookback ' + it[0].label : ''; };
            o.plugins.hrLines = { h: thrLines };
            return o;
          })()
        }, range);
      } else noChart(h3, 'burn');
    }

    /* 4. Traffic and errors, when the series has the counts */
    if (ser && Array.isArray(ser.valid) && ser.valid.length) {
      var step = ser.step_seconds || (t.length > 1 ? t[1] - t[0] : 60);
      var h4 = panel('p-traffic', 'Traffic and errors', 'events per ' + fmtDur(step).replace(/ 0[ms]$/, ''));
      var good = Array.isArray(ser.good) ? ser.good : null;
      var nfmt = function (v) { return isNum(v) ? (Math.abs(v) >= 10000 ? (v / 1000).toFixed(0) + 'k' : String(Math.round(v))) : '—'; };
      var ds4 = [{ label: 'valid events', data: xy(ser.t, ser.valid), borderColor: COLORS.good, backgroundColor: 'rgba(43,108,176,.10)', fill: 'origin', yAxisID: 'y' }];
      if (good) ds4.push({ label: 'bad events', data: xy(ser.t, ser.valid, function (v, i) { return isNum(good[i]) ? v - good[i] : null; }),
        borderColor: COLORS.bad, backgroundColor: 'rgba(217,48,37,.15)', fill: 'origin', yAxisID: 'y2' });
      upsertChart('traffic', h4, {
        data: { datasets: ds4 },
        options: baseOptions(range, nfmt, function (o) {
          o.scales.y.min = 0; o.scales.y.ticks.precision = 0;
          o.scales.y2 = { position: 'right', min: 0, suggestedMax: 4, grid: { display: false }, ticks: { callback: nfmt, color: COLORS.bad, precision: 0 } };
          o.plugins.hrLines = { v: markers, bands: bands };
        })
      }, range);
    }

    /* 5. Latency percentiles, when the data has durations */
    var lat = s.latency;
    if (lat && Array.isArray(lat.t) && lat.t.length && ['p50', 'p95', 'p99'].some(function (k) { return Array.isArray(lat[k]) && lat[k].some(isNum); })) {
      var w = lat.window || {};
      var h5 = panel('p-latency', 'Latency percentiles', isNum(w.p50) ? 'over the window: p50 ' + fmtSecs(w.p50) + ' · p95 ' + fmtSecs(w.p95) +
        ' · p99 ' + fmtSecs(w.p99) + (isNum(w.count) ? ' of ' + w.count + ' events' : '') : 'p50 / p95 / p99');
      var lt = lat.t.map(toSecs);
      var ds5 = [['p99', COLORS.bad, 1.4], ['p95', COLORS.burn[0], 1.6], ['p50', COLORS.sli, 2]].filter(function (x) { return Array.isArray(lat[x[0]]); })
        .map(function (x) { return { label: x[0], data: xy(lt, lat[x[0]]), borderColor: x[1], borderWidth: x[2], fill: false }; });
      var thrS = lat.threshold_seconds;
      upsertChart('latency', h5, {
        data: { datasets: ds5 },
        options: baseOptions(range, fmtSecs, function (o) {
          o.scales.y.min = 0;
          if (isNum(thrS)) o.scales.y.suggestedMax = thrS * 1.15;
          o.plugins.hrLines = { h: isNum(thrS) ? [{ y: thrS, color: COLORS.target, label: 'good below ' + fmtSecs(thrS), width: 1.5 }] : [], v: markers, bands: bands };
        })
      }, range);
    } else dropPanel('p-latency', 'latency');
    applyZoomButtons();
  }
  function dropPanel(id, key) {
    if (state.charts[key]) { state.charts[key].destroy(); delete state.charts[key]; }
    var el = $(id);
    if (el && el.parentNode) el.parentNode.removeChild(el);
  }
  function applyZoomButtons() {
    var tb = $('toolbar');
    if (tb) Array.prototype.forEach.call(tb.querySelectorAll('button[data-span]'), function (b) {
      var sp = +b.getAttribute('data-span');
      b.classList.toggle('on', sp === 0 ? !state.zoom : !!(state.zoom && Math.abs(state.zoom[1] - state.zoom[0] - sp) < 1));
    });
  }
  function noChart(holder, key) {
    if (state.charts[key]) { state.charts[key].destroy(); delete state.charts[key]; }
    holder.innerHTML = '<p class="nochart">No time series for this SLO' + (STATIC ? ' in this report' : ' yet') + '.</p>';
  }

  /* Budget left from the window start: for events budgeting, 1 - bad so far
   * / the bad events the whole window allows ((1 - target) * valid); it ends
   * at the report's budget_remaining. Else the series' budget_remaining. */
  function burnDown(s, ser) {
    if (!ser) return null;
    var occ = !s.budgeting_method || s.budgeting_method === 'Occurrences';
    if (occ && Array.isArray(ser.good) && Array.isArray(ser.valid) && isNum(s.target) && s.target < 1) {
      var total = 0, i;
      for (i = 0; i < ser.valid.length; i++) total += isNum(ser.valid[i]) ? ser.valid[i] : 0;
      if (isNum(s.valid) && s.valid > 0) total = s.valid;
      var allowed = (1 - s.target) * total, bad = 0, out = [];
      if (allowed > 0) {
        for (i = 0; i < ser.t.length; i++) {
          var v = ser.valid[i], g = ser.good[i];
          if (isNum(v) && isNum(g)) bad += v - g;
          out.push({ x: ser.t[i], y: 1 - bad / allowed });
        }
        return out;
      }
    }
    return Array.isArray(ser.budget_remaining) ? xy(ser.t, ser.budget_remaining) : null;
  }

  /* ---------- main loop ---------- */
  function render() {
    var r = route();
    state.route = r;
    var at = state.report && state.report.at;
    $('asof').textContent = at ? 'as of ' + fmtTime(toSecs(at)) + ' UTC' : '';
    var live = $('live');
    if (STATIC) { live.textContent = 'snapshot (report)'; live.className = 'live'; }
    else if (state.error) { live.textContent = 'stale: ' + state.error; live.className = 'live stale'; }
    else { live.textContent = 'live · refreshes every ' + REFRESH_MS / 1000 + ' s'; live.className = 'live on'; }
    var b = $('banner');
    var errs = (state.report && Array.isArray(state.report.errors)) ? state.report.errors : [];
    if (state.error && !state.report) { b.hidden = false; b.textContent = 'Cannot load the SLOs: ' + state.error; }
    else if (errs.length) { b.hidden = false; b.textContent = 'Input errors: ' + errs.slice(0, 3).join('; '); }
    else b.hidden = true;
    if (!state.report) return;
    if (r.page === 'slo') renderSlo(r.name); else renderOverview();
    document.body.setAttribute('data-ready', '1');
  }

  function refresh() {
    clearTimeout(state.timer);
    return load().then(function () { state.error = null; }, function (e) { state.error = e && e.message ? e.message : String(e); })
      .then(function () {
        try { render(); } catch (e) { state.error = 'render: ' + e.message; if (window.console) console.error(e); }
        if (!STATIC) state.timer = setTimeout(refresh, REFRESH_MS);
      });
  }

  if (window.Chart && window.Chart.defaults) {
    window.Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    if (dark) window.Chart.defaults.color = '#c9d1dc';
  }
  window.addEventListener('hashchange', function () { window.scrollTo(0, 0); refresh(); });
  refresh();
})();
