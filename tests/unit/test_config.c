/* test_config.c -- the OpenSLO loader (config.h): the SPEC §2 shape, a full
 * configuration directory, and one fixture per error class with the exact
 * file:line:col of its message. Fixtures live in tests/data/config/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "util/xmalloc.h"

#define MIN_US 60000000LL
#define HOUR_US (60 * MIN_US)
#define DAY_US (24 * HOUR_US)

static char *data_path(const char *rel) {
  const char *root = getenv("HR_SOURCE_DIR");
  return xasprintf("%s/tests/data/config/%s", root ? root : ".", rel);
}

static int has_msg(const struct hr_diag *d, const char *msg) {
  for (size_t i = 0; i < d->n; i++)
    if (strcmp(d->msgs[i], msg) == 0)
      return 1;
  return 0;
}

/* tmpl with its one "%s" replaced by path. */
static char *subst(const char *tmpl, const char *path) {
  const char *at = strstr(tmpl, "%s");
  if (at == NULL)
    return xstrdup(tmpl);
  return xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, path, at + 2);
}

static void dump(const struct hr_diag *d) {
  for (size_t i = 0; i < d->n; i++)
    fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

static void test_spec_example(void **state) {
  (void)state;
  char *path = data_path("spec2.yaml");
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  enum hr_rc rc = config_load(path, 0, &c, &diag);
  dump(&diag);
  assert_int_equal(rc, HR_OK);
  assert_non_null(c);
  assert_int_equal(diag.n, 0);
  assert_int_equal(c->nfiles, 1);
  assert_string_equal(c->files[0], path);

  assert_int_equal(c->nsources, 1);
  struct hr_datasource *ds = &c->sources[0];
  assert_string_equal(ds->name, "web-logs");
  assert_string_equal(ds->type, "headroom.logs");
  assert_int_equal(ds->fmt.kind, HR_FMT_NGINX);
  assert_string_equal(ds->fmt.log_format, "$remote_addr - $remote_user [$time_local] \"$request\" $status "
                                          "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time");
  assert_int_equal(ds->npaths, 1);
  assert_string_equal(ds->paths[0], "/var/log/nginx/access.log");
  assert_ptr_equal(config_source(c, "web-logs"), ds);
  assert_null(config_source(c, "nope"));

  assert_int_equal(c->nslos, 1);
  struct hr_slo *s = config_slo(c, "matches-availability");
  assert_non_null(s);
  assert_string_equal(s->service, "core-matching");
  assert_string_equal(s->sli_name, "matches-availability");
  assert_string_equal(s->display_name, "getMatches availability");
  assert_ptr_equal(s->source, ds);
  assert_string_equal(s->good_filter, "path == \"/api/v1/matches\" && status < 400");
  assert_null(s->bad_filter);
  assert_string_equal(s->total_filter, "path == \"/api/v1/matches\" && !(status >= 400 && status < 500)");
  /* line 29: `              filter: '...` -> the text starts past the quote, col 24 */
  assert_int_equal(s->good_loc.line, 29);
  assert_int_equal(s->good_loc.col, 24);
  assert_int_equal(s->total_loc.line, 35);
  assert_int_equal(s->total_loc.col, 24);
  assert_string_equal(s->good_loc.file, path);
  assert_int_equal(s->budgeting, HR_BUDGET_OCCURRENCES);
  assert_true(s->target == 0.999);
  assert_int_equal(s->window.kind, HR_WIN_ROLLING);
  assert_int_equal(s->window.length_us, 28 * DAY_US);
  assert_string_equal(s->window.tz, "UTC");
  assert_int_equal(s->min_events, 1);
  assert_int_equal(s->nexcl, 0);
  assert_true(s->thr.rem_yellow == 0.7 && s->thr.rem_orange == 0.3 && s->thr.rem_red == 0.0);
  assert_true(s->thr.burn_yellow == 2 && s->thr.burn_orange == 5 && s->thr.burn_red == 10);
  assert_int_equal(s->thr.burn_lookback_us, HOUR_US);
  assert_int_equal(s->npolicies, 0);
  static const int64_t lb[] = {5 * MIN_US, 30 * MIN_US, HOUR_US, 2 * HOUR_US, 6 * HOUR_US, DAY_US, 3 * DAY_US};
  assert_int_equal(s->nlookbacks, 7);
  for (size_t i = 0; i < 7; i++)
    assert_int_equal(s->lookbacks_us[i], lb[i]);
  assert_int_equal(s->loc.line, 15);
  assert_int_equal(s->loc.col, 9);

  char *db = xasprintf("%s/tests/data/config/headroom.db", getenv("HR_SOURCE_DIR") ? getenv("HR_SOURCE_DIR") : ".");
  assert_string_equal(c->db_path, db);
  assert_string_equal(c->listen, "127.0.0.1:8080");
  free(db);
  config_free(c);
  diag_free(&diag);
  free(path);
}

static void test_full_directory(void **state) {
  (void)state;
  char *dir = data_path("full");
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  enum hr_rc rc = config_load(dir, 0, &c, &diag);
  dump(&diag);
  assert_int_equal(rc, HR_OK);
  assert_int_equal(diag.n, 0);
  assert_int_equal(c->nfiles, 3); /* sorted */
  char *f0 = xasprintf("%s/10-services.yaml", dir);
  assert_string_equal(c->files[0], f0);
  free(f0);
  assert_string_equal(c->base_dir, dir);

  char *want = xasprintf("%s/state/headroom.db", dir);
  assert_string_equal(c->db_path, want);
  free(want);
  assert_string_equal(c->listen, "127.0.0.1:9099");
  assert_int_equal(c->nservices, 1);
  assert_string_equal(c->services[0].display_name, "Report pipeline");

  assert_int_equal(c->nsources, 2);
  struct hr_datasource *jobs = config_source(c, "jobs"), *prom = config_source(c, "prom");
  assert_non_null(jobs);
  assert_non_null(prom);
  assert_string_equal(prom->type, "prometheus");
  assert_string_equal(prom->url, "http://prometheus:9090");
  assert_int_equal(jobs->fmt.kind, HR_FMT_JSONL);
  assert_int_equal(jobs->npaths, 2);
  want = xasprintf("%s/logs/jobs-*.jsonl", dir);
  assert_string_equal(jobs->paths[0], want);
  free(want);
  assert_string_equal(jobs->paths[1], "/abs/jobs.jsonl");
  assert_int_equal(jobs->fmt.nmap, 2);
  assert_ptr_equal(jobs->fmt.map, jobs->map);
  assert_string_equal(jobs->map[0].dest, "time");
  assert_string_equal(jobs->map[0].key, "completed_at");
  assert_string_equal(jobs->map[1].dest, "status");
  assert_string_equal(jobs->map[1].key, "code");
  assert_string_equal(jobs->fmt.duration_start, "requested_at");
  assert_string_equal(jobs->fmt.duration_end, "completed_at");
  assert_true(jobs->fmt.duration_scale == 0.001);

  assert_int_equal(c->ntargets, 1);
  assert_string_equal(c->targets[0].kind, "alertmanager");
  assert_string_equal(c->targets[0].url, "http://alertmanager:9093");

  /* two objectives -> two SLOs named <name>.<displayName, slugified> */
  assert_int_equal(c->nslos, 2);
  struct hr_slo *in = config_slo(c, "report-freshness.internal"), *sla = config_slo(c, "report-freshness.sla");
  assert_non_null(in);
  assert_non_null(sla);
  assert_true(in->target == 0.995);
  assert_true(sla->target == 0.99);
  assert_true(in->slice_target == 0.95);
  assert_true(sla->slice_target == 0.9);
  assert_int_equal(in->slice_us, 5 * MIN_US);
  assert_int_equal(in->budgeting, HR_BUDGET_TIMESLICES);
  assert_string_equal(in->display_name, "Internal");
  assert_ptr_equal(in->source, jobs);
  assert_null(in->good_filter);
  assert_string_equal(in->bad_filter, "status >= 500");
  assert_null(in->total_filter);
  assert_string_equal(in->sli_name, "report-success");
  assert_int_equal(in->bad_loc.line, 12); /* in 30-slos.yaml: `          filter: status >= 500` */
  assert_int_equal(in->bad_loc.col, 19);
  assert_int_equal(in->window.kind, HR_WIN_CALENDAR);
  assert_int_equal(in->window.unit, HR_CAL_MONTH);
  assert_int_equal(in->window.count, 1);
  assert_string_equal(in->window.tz, "Europe/Berlin");
  assert_int_equal(in->window.start_us, 1767222000LL * 1000000); /* 2026-01-01 00:00 CET = 2025-12-31T23:00Z */
  assert_int_equal(in->min_events, 10);
  assert_true(in->thr.rem_yellow == 0.8 && in->thr.rem_orange == 0.4 && in->thr.rem_red == 0.05);
  assert_true(in->thr.burn_yellow == 1.5 && in->thr.burn_orange == 4 && in->thr.burn_red == 8);
  assert_int_equal(in->thr.burn_lookback_us, 30 * MIN_US);

  assert_int_equal(in->nexcl, 3);
  assert_int_equal(in->excl[0].recurring, 0);
  assert_int_equal(in->excl[0].start_us, 1772323200LL * 1000000);
  assert_int_equal(in->excl[0].end_us, (1772323200LL + 7200) * 1000000);
  assert_string_equal(in->excl[0].reason, "migration");
  assert_int_equal(in->excl[1].recurring, 1);
  assert_int_equal(in->excl[1].weekdays, 0x41); /* sun (bit 0) + sat (bit 6) */
  assert_int_equal(in->excl[1].start_min, 120);
  assert_int_equal(in->excl[1].duration_us, HOUR_US);
  assert_string_equal(in->excl[1].tz, "Europe/Berlin");
  assert_int_equal(in->excl[2].weekdays, 0x7f);
  assert_int_equal(in->excl[2].start_min, 23 * 60 + 30);
  assert_int_equal(in->excl[2].duration_us, 30 * MIN_US);
  assert_string_equal(in->excl[2].tz, "UTC");
  assert_null(in->excl[2].reason);

  assert_int_equal(in->npolicies, 1);
  assert_ptr_equal(in->policies[0], sla->policies[0]);
  struct hr_alert_policy *p = in->policies[0];
  assert_string_equal(p->name, "seed-policies");
  assert_int_equal(p->nconds, 3);
  assert_string_equal(p->conds[0].name, "fast-burn");
  assert_string_equal(p->conds[0].severity, "page");
  assert_int_equal(p->conds[0].kind, HR_COND_BURNRATE);
  assert_true(p->conds[0].factor == 14.4);
  assert_int_equal(p->conds[0].long_us, HOUR_US);
  assert_int_equal(p->conds[0].short_us, 5 * MIN_US);
  assert_int_equal(p->conds[0].alert_after_us, 2 * MIN_US);
  for (size_t i = 0; i < p->nconds; i++) /* the policy's headroom.dev/damping, on each of its conditions */
    assert_int_equal(p->conds[i].damping_us, 2 * HOUR_US);
  assert_string_equal(p->conds[1].name, "exhaustion-3d");
  assert_int_equal(p->conds[1].kind, HR_COND_EXHAUSTION);
  assert_int_equal(p->conds[1].horizon_us, 3 * DAY_US);
  assert_int_equal(p->conds[1].long_us, 2 * HOUR_US);
  assert_int_equal(p->conds[2].kind, HR_COND_BUDGET);
  assert_true(p->conds[2].level == 0.25);
  assert_string_equal(p->conds[2].severity, "ticket");
  assert_int_equal(p->ntargets, 1);
  assert_string_equal(p->targets[0], "oncall");

  /* 30m (status lookback) + 1h & 5m (fast-burn) + 2h (exhaustion) */
  static const int64_t lb[] = {5 * MIN_US, 30 * MIN_US, HOUR_US, 2 * HOUR_US};
  assert_int_equal(in->nlookbacks, 4);
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(in->lookbacks_us[i], lb[i]);
  config_free(c);
  diag_free(&diag);
  free(dir);
}

/* One fixture per error class: the message must appear exactly, located. */
static void test_errors(void **state) {
  (void)state;
  static const struct {
    const char *file;
    enum hr_rc rc;
    const char *msgs[5]; /* "line:col: message" after the file name */
  } cases[] = {
      {"bad/api_version.yaml",
       HR_ERR_CONFIG,
       {"1:13: unsupported apiVersion 'openslo/v1alpha' (headroom reads openslo/v1)"}},
      {"bad/unknown_kind.yaml",
       HR_ERR_CONFIG,
       {"2:7: unknown kind 'DataSauce' (expected Service, SLI, SLO, DataSource, AlertPolicy, AlertCondition or "
        "AlertNotificationTarget)",
        "24:30: unknown DataSource 'web-logs' (defined: none)"}},
      {"bad/missing_name.yaml", HR_ERR_CONFIG, {"4:3: missing metadata.name"}},
      {"bad/duplicate_name.yaml",
       HR_ERR_CONFIG,
       {"14:9: duplicate DataSource name 'web-logs' (first defined at %s:4:9)"}},
      {"bad/target_range.yaml",
       HR_ERR_CONFIG,
       {"31:15: target must be a fraction in (0, 1), got 1.5 (for a percentage use targetPercent)"}},
      {"bad/unknown_ref.yaml", HR_ERR_CONFIG, {"24:30: unknown DataSource 'web-log' (defined: web-logs)"}},
      {"bad/unknown_format.yaml",
       HR_ERR_CONFIG,
       {"8:13: unknown format 'iis' (expected alb, nginx, apache, jsonl, haproxy or w3c; or caddy or traefik, JSON "
        "lines with their keys): IIS and CloudFront write W3C extended logs, format: w3c"}},
      {"bad/missing_key.yaml", HR_ERR_CONFIG, {"16:3: missing required key 'objectives' in SLO.spec"}},
      {"bad/wrong_type.yaml", HR_ERR_CONFIG, {"27:15: SLO.spec.timeWindow must be a list, found a scalar"}},
      {"bad/bad_timezone.yaml",
       HR_ERR_CONFIG,
       {"32:19: unknown time zone 'Mars/Olympus' (an IANA name such as Europe/Berlin)"}},
      {"bad/many.yaml",
       HR_ERR_CONFIG,
       {"8:13: unknown format 'iis' (expected alb, nginx, apache, jsonl, haproxy or w3c; or caddy or traefik, JSON "
        "lines with their keys): IIS and CloudFront write W3C extended logs, format: w3c",
        "24:30: unknown DataSource 'nope' (defined: web-logs)",
        "28:17: invalid rolling window duration '28x' (expected e.g. 28d, 30d, 7d; 1M/1Q/1y need isRolling: false)",
        "31:15: target must be a fraction in (0, 1), got 0"}},
      {"bad/unknown_policy.yaml",
       HR_ERR_CONFIG,
       {"33:23: unknown AlertPolicy 'paging' (defined: page)", "41:21: unknown AlertCondition 'fast' (defined: none)"}},
      {"bad/bad_exclude.yaml",
       HR_ERR_CONFIG,
       {"16:27: headroom.dev/exclude: entry 1: unknown day 'funday' (mon tue wed thu fri sat sun)"}},
      {"bad/bad_cost.yaml",
       HR_ERR_CONFIG,
       {"16:38: headroom.dev/cost-per-bad-event must be an amount >= 0 such as \"0.25\", not '-2'",
        "17:39: headroom.dev/cost-per-bad-minute must be an amount >= 0 such as \"0.25\", not 'lots'",
        "18:28: headroom.dev/currency must be a short code such as EUR or USD (1 to 16 characters, no spaces), not "
        "'euro dollars'"}},
      {"bad/bad_damping.yaml",
       HR_ERR_CONFIG,
       {"6:27: headroom.dev/damping must be at most 7d, got 10d",
        "24:27: headroom.dev/damping: invalid duration '2 hours' (how long an incident stays open after its last "
        "condition stopped firing, e.g. 2h)",
        "42:27: headroom.dev/damping must be at least 1m, got 30s"}},
      {"bad/unknown_key.yaml", HR_OK, {"17:3: warning: unknown key 'sevrice' in SLO.spec (ignored)"}},
      {"bad/bad_filter.yaml", HR_OK, {NULL}}, /* filters are compiled by check, not the loader */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *path = data_path(cases[i].file);
    struct hr_diag diag = {0};
    struct hr_config *c = NULL;
    enum hr_rc rc = config_load(path, 0, &c, &diag);
    fprintf(stderr, "case %s\n", cases[i].file);
    dump(&diag);
    assert_int_equal(rc, cases[i].rc);
    if (rc == HR_OK)
      assert_non_null(c);
    else
      assert_null(c);
    size_t nmsgs = 0;
    for (size_t j = 0; j < 5 && cases[i].msgs[j] != NULL; j++, nmsgs++) {
      char *body = subst(cases[i].msgs[j], path);
      char *want = xasprintf("%s:%s", path, body);
      if (!has_msg(&diag, want))
        fail_msg("%s: missing message: %s", cases[i].file, want);
      free(want);
      free(body);
    }
    if (rc == HR_OK)
      assert_int_equal(diag.n, nmsgs);
    config_free(c);
    diag_free(&diag);
    free(path);
  }
}

/* The cost annotations of the SoulSync example reach its SLOs (history's cost). */
static void test_costs(void **state) {
  (void)state;
  const char *root = getenv("HR_SOURCE_DIR");
  char *path = xasprintf("%s/examples/soulsync", root ? root : ".");
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  assert_int_equal(config_load(path, 0, &c, &diag), HR_OK);
  int seen = 0;
  for (size_t i = 0; i < c->nslos; i++) {
    const struct hr_slo *s = &c->slos[i];
    if (strcmp(s->name, "report-freshness") == 0) {
      assert_int_equal(s->cost_set, 3);
      assert_true(s->cost_per_bad_event == 4.99 && s->cost_per_bad_minute == 2);
      assert_string_equal(s->currency, "EUR");
      seen++;
    } else if (strcmp(s->name, "report-correctness") == 0) {
      assert_int_equal(s->cost_set, 1);
      assert_true(s->cost_per_bad_event == 12);
      assert_string_equal(s->currency, "EUR");
      seen++;
    } else {
      assert_int_equal(s->cost_set, 0);
      assert_null(s->currency);
    }
  }
  assert_int_equal(seen, 2);
  config_free(c);
  diag_free(&diag);
  free(path);
}

static void test_syntax_error(void **state) {
  (void)state;
  char *path = data_path("bad/syntax.yaml");
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  assert_int_equal(config_load(path, 0, &c, &diag), HR_ERR_CONFIG);
  assert_null(c);
  assert_true(diag.n >= 1);
  char *prefix = xasprintf("%s:", path);
  assert_memory_equal(diag.msgs[0], prefix, strlen(prefix));
  assert_non_null(strstr(diag.msgs[0], "YAML syntax error"));
  free(prefix);
  config_free(c);
  diag_free(&diag);
  free(path);
}

/* From memory: OpenSLO example shapes (types headroom cannot read, a
 * thresholdMetric, a calendar "1m", null alertPolicies) load with warnings. */
static void test_openslo_examples(void **state) {
  (void)state;
  static const char yaml[] = "apiVersion: openslo/v1\n"
                             "kind: SLO\n"
                             "metadata:\n"
                             "  name: uptime\n"
                             "spec:\n"
                             "  service: web\n"
                             "  indicator:\n"
                             "    metadata:\n"
                             "      name: up\n"
                             "    spec:\n"
                             "      ratioMetric:\n"
                             "        good:\n"
                             "          metricSource:\n"
                             "            type: Prometheus\n"
                             "            spec:\n"
                             "              query: sum(rate(http_requests_total{code!~\"5..\"}[5m]))\n"
                             "        total:\n"
                             "          metricSource:\n"
                             "            type: Prometheus\n"
                             "            spec:\n"
                             "              query: sum(rate(http_requests_total[5m]))\n"
                             "  timeWindow:\n"
                             "    - duration: 1m\n"
                             "      isRolling: false\n"
                             "      calendar:\n"
                             "        startTime: 2022-01-01 12:00:00\n"
                             "        timeZone: America/New_York\n"
                             "  budgetingMethod: RatioTimeslices\n"
                             "  objectives:\n"
                             "    - displayName: Good\n"
                             "      op: gt\n"
                             "      timeSliceWindow: 1m\n"
                             "      target: 0.99\n"
                             "  alertPolicies:\n"
                             "---\n"
                             "apiVersion: openslo/v1\n"
                             "kind: SLO\n"
                             "metadata:\n"
                             "  name: latency\n"
                             "spec:\n"
                             "  service: web\n"
                             "  indicator:\n"
                             "    metadata:\n"
                             "      name: lat\n"
                             "    spec:\n"
                             "      thresholdMetric:\n"
                             "        metricSource:\n"
                             "          type: Any\n"
                             "  timeWindow:\n"
                             "    - duration: 2w\n"
                             "      isRolling: true\n"
                             "  objectives:\n"
                             "    - op: lt\n"
                             "      value: 500\n"
                             "      target: 0.99\n";
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  enum hr_rc rc = config_load_mem("conf/ex.yaml", yaml, sizeof yaml - 1, 1, &c, &diag);
  dump(&diag);
  assert_int_equal(rc, HR_OK);
  assert_int_equal(c->nslos, 1); /* the thresholdMetric SLO is skipped, with a warning */
  struct hr_slo *s = &c->slos[0];
  assert_string_equal(s->name, "uptime");
  assert_string_equal(s->source->type, "prometheus");
  assert_string_equal(s->good_filter, "sum(rate(http_requests_total{code!~\"5..\"}[5m]))");
  assert_int_equal(s->window.kind, HR_WIN_CALENDAR);
  assert_int_equal(s->window.unit, HR_CAL_MONTH);
  assert_int_equal(s->window.start_us, 1641056400LL * 1000000); /* 12:00 EST = 17:00Z */
  assert_int_equal(s->budgeting, HR_BUDGET_RATIO_TIMESLICES);
  assert_int_equal(s->slice_us, MIN_US);
  assert_string_equal(c->db_path, "conf/headroom.db");
  assert_true(diag.nwarn >= 3);
  assert_int_equal(diag.n, diag.nwarn);
  assert_true(has_msg(&diag, "conf/ex.yaml:23:17: warning: calendar window '1m' read as 1M (months): minutes are not "
                             "a calendar period"));
  assert_true(has_msg(&diag, "conf/ex.yaml:46:7: warning: thresholdMetric SLIs are not evaluated by headroom (use a "
                             "ratioMetric); SLO skipped"));
  config_free(c);
  diag_free(&diag);
}

static void test_mem_limits(void **state) {
  (void)state;
  static const char *const inputs[] = {"", "---\n---\n", "[", "a: [", "- 1\n- 2\n", "apiVersion: openslo/v1\n"};
  static const enum hr_rc rcs[] = {HR_OK, HR_OK, HR_ERR_CONFIG, HR_ERR_CONFIG, HR_ERR_CONFIG, HR_ERR_CONFIG};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    struct hr_diag diag = {0};
    struct hr_config *c = NULL;
    assert_int_equal(config_load_mem("x.yaml", inputs[i], strlen(inputs[i]), 0, &c, &diag), rcs[i]);
    if (rcs[i] == HR_OK)
      assert_int_equal(c->nslos, 0);
    config_free(c);
    diag_free(&diag);
  }
  size_t big = ((size_t)4 << 20) + 1;
  char *buf = xcalloc(1, big);
  memset(buf, '#', big);
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  assert_int_equal(config_load_mem("big.yaml", buf, big, 0, &c, &diag), HR_ERR_CONFIG);
  assert_string_equal(diag.msgs[0], "big.yaml: file too big (a configuration file may have at most 4 MiB)");
  diag_free(&diag);
  free(buf);
}

/* One SLO on one log source, with a window, slice window and extra text
 * (%s, %s, %s) to vary. */
static const char bounds_yaml[] =
    "apiVersion: openslo/v1\n"
    "kind: DataSource\n"
    "metadata: {name: web}\n"
    "spec: {type: headroom.logs, connectionDetails: {format: alb}}\n"
    "---\n"
    "apiVersion: openslo/v1\n"
    "kind: SLO\n"
    "metadata: {name: s}\n"
    "spec:\n"
    "  service: web\n"
    "  indicator:\n"
    "    metadata: {name: s}\n"
    "    spec:\n"
    "      ratioMetric:\n"
    "        good: {metricSource: {metricSourceRef: %s, spec: {filter: 'status < 500'}}}\n"
    "  timeWindow: [%s]\n"
    "  budgetingMethod: RatioTimeslices\n"
    "  objectives: [{target: 0.99, timeSliceWindow: %s}]\n";

/* Windows and slices within bounds (docs/config.md): at most 400 days (a
 * year for calendar windows), whole minutes; errors at the key. */
static void test_bounds(void **state) {
  (void)state;
  static const struct {
    const char *window, *slice, *msg; /* msg NULL: loads */
  } cases[] = {
      {"{duration: 28d, isRolling: true}", "5m", NULL},
      {"{duration: 400d, isRolling: true}", "1d", NULL},
      {"{duration: 401d, isRolling: true}", "5m", "x.yaml:16:27: a rolling timeWindow must be at most 400d, got 401d"},
      {"{duration: 1000000d, isRolling: true}", "5m", "a rolling timeWindow must be at most 400d, got 1000000d"},
      {"{duration: 100000000d, isRolling: true}", "5m", "a rolling timeWindow must be at most 400d, got 100000000d"},
      {"{duration: 30s, isRolling: true}", "5m", "a rolling timeWindow must be at least 1m, got 30s"},
      {"{duration: 61s, isRolling: true}", "5m", "a rolling timeWindow must be a whole number of minutes"},
      {"{duration: 1y, isRolling: false}", "5m", NULL},
      {"{duration: 100d, isRolling: false}", "5m", NULL},
      {"{duration: 12M, isRolling: false}", "1h", NULL},
      {"{duration: 13M, isRolling: false}", "5m", "a calendar timeWindow is at most a year (100d, 52w, 12M, 4Q or 1y)"},
      {"{duration: 2y, isRolling: false}", "5m", "a calendar timeWindow is at most a year"},
      {"{duration: 5Q, isRolling: false}", "5m", "a calendar timeWindow is at most a year"},
      {"{duration: 53w, isRolling: false}", "5m", "a calendar timeWindow is at most a year"},
      {"{duration: 7d, isRolling: true}", "30s", "x.yaml:18:48: timeSliceWindow must be at least 1m, got 30s"},
      {"{duration: 7d, isRolling: true}", "8d", "timeSliceWindow must be at most 7d (the window), got 8d"},
      {"{duration: 7d, isRolling: true}", "150s", "timeSliceWindow must be a whole number of minutes"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *y = xasprintf(bounds_yaml, "web", cases[i].window, cases[i].slice);
    struct hr_diag diag = {0};
    struct hr_config *c = NULL;
    enum hr_rc rc = config_load_mem("x.yaml", y, strlen(y), 0, &c, &diag);
    if (cases[i].msg == NULL && rc != HR_OK)
      fail_msg("%s %s: %s", cases[i].window, cases[i].slice, diag.n ? diag.msgs[0] : "?");
    if (cases[i].msg != NULL && (rc != HR_ERR_CONFIG || diag.n == 0 || strstr(diag.msgs[0], cases[i].msg) == NULL))
      fail_msg("%s %s: got %s, want %s", cases[i].window, cases[i].slice, diag.n ? diag.msgs[0] : "nothing",
               cases[i].msg);
    config_free(c);
    diag_free(&diag);
    free(y);
  }
}

/* HR_CONFIG_KEEP: the configuration stays for check, with the SLOs of
 * documents that have errors; an unknown DataSource leaves source NULL. */
static void test_keep(void **state) {
  (void)state;
  char *y = xasprintf(bounds_yaml, "nope", "{duration: 7d, isRolling: true}", "90s");
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  assert_int_equal(config_load_mem("x.yaml", y, strlen(y), 0, &c, &diag), HR_ERR_CONFIG);
  assert_null(c);
  diag_free(&diag);
  assert_int_equal(config_load_mem("x.yaml", y, strlen(y), HR_CONFIG_KEEP, &c, &diag), HR_ERR_CONFIG);
  assert_non_null(c);
  assert_int_equal(diag.n - diag.nwarn, 2); /* unknown DataSource, slice not whole minutes */
  assert_int_equal(c->nslos, 1);
  assert_null(c->slos[0].source);
  assert_string_equal(c->slos[0].good_filter, "status < 500");
  assert_int_equal(c->sources[0].fmt_bad, 0);
  config_free(c);
  diag_free(&diag);
  free(y);
}

/* alertAfter: 0s is the documented default and may be written out; 0m and
 * 2m too; a negative or unreadable one is an error at its node. */
static void test_alert_after(void **state) {
  (void)state;
  static const struct {
    const char *v;
    int ok;
    int64_t us;
  } cases[] = {{"0s", 1, 0}, {"0m", 1, 0}, {"2m", 1, 120000000}, {"-1m", 0, 0}, {"soon", 0, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *y = xasprintf("apiVersion: openslo/v1\nkind: AlertCondition\nmetadata: {name: c}\nspec:\n  severity: page\n"
                        "  condition: {kind: burnrate, threshold: 2, lookbackWindow: 1h, alertAfter: %s}\n"
                        "---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: p}\nspec:\n"
                        "  conditions: [{conditionRef: c}]\n",
                        cases[i].v);
    struct hr_diag diag = {0};
    struct hr_config *c = NULL;
    enum hr_rc rc = config_load_mem("a.yaml", y, strlen(y), 0, &c, &diag);
    if (cases[i].ok) {
      assert_int_equal(rc, HR_OK);
      assert_int_equal(c->policies[0].conds[0].alert_after_us, cases[i].us);
    } else {
      assert_int_equal(rc, HR_ERR_CONFIG);
      assert_true(strstr(diag.msgs[0], "a.yaml:6:") != NULL && strstr(diag.msgs[0], "alertAfter") != NULL);
    }
    config_free(c);
    diag_free(&diag);
    free(y);
  }
}

/* min-events 120 keeps page-1h-5m silent below 2 requests a minute: a
 * warning at the SLO; the 6h page (0.33 a minute) is not named. */
static void test_min_events_warning(void **state) {
  (void)state;
  static const char y[] = "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: l}\n"
                          "spec: {type: headroom.logs, connectionDetails: {format: jsonl}}\n---\n"
                          "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: s\n"
                          "  annotations: {headroom.dev/min-events: '120'}\nspec:\n  service: x\n"
                          "  indicator:\n    metadata: {name: s}\n    spec:\n      ratioMetric:\n"
                          "        good: {metricSource: {metricSourceRef: l, spec: {filter: 'status < 500'}}}\n"
                          "  timeWindow: [{duration: 28d, isRolling: true}]\n  objectives: [{target: 0.999}]\n";
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  assert_int_equal(config_load_mem("m.yaml", y, strlen(y), 0, &c, &diag), HR_OK);
  assert_int_equal(diag.nwarn, 1);
  assert_non_null(strstr(diag.msgs[0], "m.yaml:"));
  assert_non_null(strstr(diag.msgs[0], "warning: SLO 's': headroom.dev/min-events 120 switches condition "
                                       "'page-1h-5m' off while its 1h lookback holds fewer valid events, i.e. "
                                       "below 2 requests a minute"));
  config_free(c);
  diag_free(&diag);
}

static void test_diag(void **state) {
  (void)state;
  struct hr_diag d = {0};
  struct hr_loc l = {"a.yaml", 3, 5};
  diag_add(&d, &l, "bad %s", "thing");
  diag_add(&d, &l, "bad %s", "thing"); /* the same problem reached twice: once */
  diag_add(&d, &l, "warning: odd %d", 7);
  diag_add(&d, NULL, "plain");
  assert_int_equal(d.n, 3);
  assert_int_equal(d.nwarn, 1);
  assert_string_equal(d.msgs[0], "a.yaml:3:5: bad thing");
  assert_string_equal(d.msgs[1], "a.yaml:3:5: warning: odd 7");
  assert_string_equal(d.msgs[2], "plain");
  diag_free(&d);
  assert_int_equal(d.n, 0);
  diag_free(&d);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_spec_example),
      cmocka_unit_test(test_full_directory),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_syntax_error),
      cmocka_unit_test(test_openslo_examples),
      cmocka_unit_test(test_mem_limits),
      cmocka_unit_test(test_diag),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_keep),
      cmocka_unit_test(test_costs),
      cmocka_unit_test(test_alert_after),
      cmocka_unit_test(test_min_events_warning),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
