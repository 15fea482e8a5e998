/* test_notify.c -- alert notifications (notify.h): the Alertmanager and
 * webhook payloads, which targets a notice goes to, the outbox rows inside
 * the caller's transaction, and delivery against a real HTTP receiver in
 * this process (libmicrohttpd on 127.0.0.1, port 0) that records what it
 * gets and can be told to answer 500 to its first N requests.
 *
 * Time is passed in (now_s); retries are driven by advancing it, never by
 * sleeping. The only waits are the receiver's answers over loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>
#include <sqlite3.h>

#include "loopback.h"
#include "core/grpkey.h"
#include "notify/notify.h"
#include "store/store.h"
#include "util/xmalloc.h"
#include "outbox_rows.h"

#define US INT64_C(1000000)
#define T0 INT64_C(1774742400) /* 2026-03-29T00:00:00Z */
#define DAY_US (INT64_C(86400) * US)

/* ------------------------------------------------------------------------ */
/* The receiver */

#define RX_MAX 64
#define RX_BODY_MAX (1 << 20)

struct rx {
  struct MHD_Daemon *d;
  unsigned port;
  pthread_mutex_t mu;
  int fail_first; /* answer 500 to this many requests first */
  int nreq;
  char *body[RX_MAX];
  char *path[RX_MAX];
  char *ctype[RX_MAX];
};

struct upload {
  char *p;
  size_t n;
  int toobig;
};

static enum MHD_Result rx_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **con_cls) {
  (void)version;
  struct rx *rx = cls;
  struct upload *up = *con_cls;
  if (up == NULL) {
    up = xcalloc(1, sizeof *up);
    *con_cls = up;
    return MHD_YES;
  }
  if (*data_size > 0) {
    if (up->n + *data_size > RX_BODY_MAX) {
      up->toobig = 1;
    } else {
      up->p = xrealloc(up->p, up->n + *data_size + 1);
      memcpy(up->p + up->n, data, *data_size);
      up->n += *data_size;
      up->p[up->n] = '\0';
    }
    *data_size = 0;
    return MHD_YES;
  }
  unsigned code = 200;
  const char *answer = "ok";
  pthread_mutex_lock(&rx->mu);
  if (strcmp(method, "POST") != 0 || up->toobig) {
    code = 400;
    answer = "bad request";
  } else if (rx->nreq < rx->fail_first) {
    code = 500;
    answer = "receiver down\nfor a test";
  }
  if (rx->nreq < RX_MAX) {
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    rx->body[rx->nreq] = xstrdup(up->p ? up->p : "");
    rx->path[rx->nreq] = xstrdup(url);
    rx->ctype[rx->nreq] = xstrdup(ct ? ct : "");
  }
  rx->nreq++;
  pthread_mutex_unlock(&rx->mu);
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(answer), (void *)answer, MHD_RESPMEM_PERSISTENT);
  enum MHD_Result ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ret;
}

static void rx_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  struct upload *up = *con_cls;
  if (up) {
    free(up->p);
    free(up);
    *con_cls = NULL;
  }
}

static struct rx *rx_start(int fail_first) {
  struct rx *rx = xcalloc(1, sizeof *rx);
  pthread_mutex_init(&rx->mu, NULL);
  rx->fail_first = fail_first;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  rx->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, rx_handler, rx,
                           MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, rx_completed,
                           NULL, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
  assert_non_null(rx->d);
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(rx->d, MHD_DAEMON_INFO_BIND_PORT);
  assert_non_null(info);
  rx->port = info->port;
  assert_true(rx->port > 0);
  return rx;
}

static int rx_count(struct rx *rx) {
  pthread_mutex_lock(&rx->mu);
  int n = rx->nreq;
  pthread_mutex_unlock(&rx->mu);
  return n;
}

static void rx_stop(struct rx *rx) {
  MHD_stop_daemon(rx->d);
  for (int i = 0; i < RX_MAX; i++) {
    free(rx->body[i]);
    free(rx->path[i]);
    free(rx->ctype[i]);
  }
  pthread_mutex_destroy(&rx->mu);
  free(rx);
}

/* ------------------------------------------------------------------------ */
/* A configuration built by hand: one SLO, two policies, three targets */

struct fx {
  struct hr_condition conds[3]; /* [0] fast-burn (policy pager), [1] low-budget (policy tickets), [2] slow: no policy */
  struct hr_alert_policy pol[2];
  struct hr_alert_policy *pols[2];
  char *pager_targets[2];
  char *ticket_targets[1];
  struct hr_alert_target targets[4];
  struct hr_config cfg;
  struct hr_slo slo;
  struct hr_slo_state state;
  char *urls[4];
  struct hr_store *st;
};

static void fx_init(struct fx *f, const char *am_url, const char *hook_url) {
  memset(f, 0, sizeof *f);
  f->conds[0] = (struct hr_condition){.name = "fast-burn",
                                      .severity = "page",
                                      .kind = HR_COND_BURNRATE,
                                      .factor = 14.4,
                                      .long_us = 3600 * US,
                                      .short_us = 300 * US};
  f->conds[1] =
      (struct hr_condition){.name = "low-budget", .severity = "ticket", .kind = HR_COND_BUDGET, .level = 0.25};
  f->conds[2] = (struct hr_condition){.name = "red-exhaustion",
                                      .severity = "page",
                                      .kind = HR_COND_EXHAUSTION,
                                      .long_us = 2 * 3600 * US,
                                      .horizon_us = 3 * DAY_US};
  f->urls[0] = xstrdup(am_url);
  f->urls[1] = xstrdup(hook_url);
  f->targets[0] = (struct hr_alert_target){.name = "oncall", .kind = "alertmanager", .url = f->urls[0]};
  f->targets[1] = (struct hr_alert_target){.name = "chat", .kind = "webhook", .url = f->urls[1]};
  f->targets[2] = (struct hr_alert_target){.name = "nowhere", .kind = "webhook", .url = NULL};
  f->targets[3] = (struct hr_alert_target){.name = "pagerduty", .kind = "pagerduty", .url = "http://127.0.0.1:1/"};
  f->pager_targets[0] = "oncall";
  f->pager_targets[1] = "oncall"; /* listed twice: one row */
  f->ticket_targets[0] = "chat";
  f->pol[0] = (struct hr_alert_policy){
      .name = "pager", .conds = &f->conds[0], .nconds = 1, .targets = f->pager_targets, .ntargets = 2};
  f->pol[1] = (struct hr_alert_policy){
      .name = "tickets", .conds = &f->conds[1], .nconds = 1, .targets = f->ticket_targets, .ntargets = 1};
  f->pols[0] = &f->pol[0];
  f->pols[1] = &f->pol[1];
  f->slo.name = "matching-availability";
  f->slo.service = "matching";
  f->slo.target = 0.999;
  f->slo.window.kind = HR_WIN_ROLLING;
  f->slo.window.length_us = 28 * DAY_US;
  f->slo.min_events = 10;
  f->slo.thr.burn_lookback_us = 3600 * US;
  f->slo.policies = f->pols;
  f->slo.npolicies = 2;
  f->cfg.slos = &f->slo;
  f->cfg.nslos = 1;
  f->cfg.policies = f->pol;
  f->cfg.npolicies = 2;
  f->cfg.targets = f->targets;
  f->cfg.ntargets = 4;
  /* 12 % of the budget left; burning 14.62x over 1h, 20.1x over 5m. */
  struct hr_slo_state *s = &f->state;
  s->at_us = T0 * US;
  s->window_us = 28 * DAY_US;
  s->window_start_us = s->at_us - s->window_us;
  s->good = 99912;
  s->valid = 100000;
  s->has_sli = 1;
  s->sli = 0.99912;
  s->budget_remaining = 0.12;
  s->budget_s = 0.001 * 28 * 86400;
  s->budget_remaining_s = 0.12 * s->budget_s;
  s->nburn = 3;
  s->burn[0] = (struct hr_burn){.lookback_us = 300 * US, .rate = 20.1, .good = 899, .valid = 1000};
  s->burn[1] = (struct hr_burn){.lookback_us = 3600 * US, .rate = 14.62, .good = 9000, .valid = 10000};
  s->burn[2] = (struct hr_burn){.lookback_us = 7200 * US, .rate = 11.5, .good = 20000, .valid = 20230};
  s->burn_status = 14.62;
  s->has_tte = 1;
  s->tte_s = 0.12 * 28 * 86400 / 14.62;
  s->status = HR_ST_RED;
  struct hr_err err = {0};
  assert_int_equal(store_open(":memory:", &f->st, &err), HR_OK);
}

static void fx_free(struct fx *f) {
  store_close(f->st);
  free(f->urls[0]);
  free(f->urls[1]);
}

static struct hr_notice notice(const struct fx *f, int cond, enum hr_transition kind, int64_t starts_s,
                               int64_t ends_s) {
  struct hr_notice n = {.slo = &f->slo, .cond = &f->conds[cond], .kind = kind, .state = &f->state};
  n.starts_at_us = starts_s * US;
  n.ends_at_us = ends_s * US;
  n.dashboard_url = "http://dash.example:8080/";
  n.res.active = kind == HR_TR_FIRING;
  switch (f->conds[cond].kind) {
  case HR_COND_BURNRATE:
    n.res.value = kind == HR_TR_FIRING ? 14.62 : 0.8;
    n.res.value2 = kind == HR_TR_FIRING ? 20.1 : 0.2;
    break;
  case HR_COND_EXHAUSTION: n.res.value = 0.12 * 28 * 86400 / 11.5; break;
  case HR_COND_BUDGET: n.res.value = 0.12; break;
  case HR_COND_NODATA: n.res.value = HR_DATA_STALE; break;
  }
  return n;
}

static void enqueue_ok(struct fx *f, const struct hr_notice *n, int64_t now_s) {
  struct hr_err err = {0};
  assert_int_equal(store_begin(f->st, &err), HR_OK);
  enum hr_rc rc = notify_enqueue(f->st, &f->cfg, n, now_s, &err);
  if (rc != HR_OK)
    fail_msg("notify_enqueue: %s", err.msg);
  assert_int_equal(store_commit(f->st, &err), HR_OK);
}

static int rows(struct fx *f, struct orow *out, int max) {
  return orows_read(f->st, out, max);
}

#define assert_has(hay, needle)                                                                                        \
  do {                                                                                                                 \
    if (strstr((hay), (needle)) == NULL)                                                                               \
      fail_msg("expected\n  %s\nin\n  %s", (needle), (hay));                                                           \
  } while (0)

static struct hr_deliver_stats deliver(struct fx *f, int64_t now_s) {
  struct hr_deliver_stats ds = {-1, -1, -1};
  struct hr_err err = {0};
  enum hr_rc rc = notify_deliver(f->st, now_s, &ds, &err);
  if (rc != HR_OK)
    fail_msg("notify_deliver: %s", err.msg);
  return ds;
}

/* ------------------------------------------------------------------------ */
/* Payloads */

static void test_alertmanager_payload(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, "http://127.0.0.1:9093/", "http://127.0.0.1:9/hook");
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0 - 60, 0);
  enqueue_ok(&f, &n, T0);
  struct orow r[8];
  int nr = rows(&f, r, 8);
  assert_int_equal(nr, 1); /* fast-burn belongs to policy pager: oncall only, once */
  assert_string_equal(r[0].target, "oncall");
  assert_string_equal(r[0].kind, "alertmanager");
  assert_string_equal(r[0].url, "http://127.0.0.1:9093/api/v2/alerts");
  assert_int_equal(r[0].created, T0);
  assert_int_equal(r[0].next_try, T0);
  assert_int_equal(r[0].attempts, 0);
  assert_int_equal(r[0].sent, -1);
  const char *p = r[0].payload;
  assert_string_equal(p + strlen(p) - 3, "}]\n"); /* one array, one alert */
  assert_true(p[0] == '[');
  assert_has(p, "[{\"labels\":{\"alertname\":\"SLOBurnRate\",\"slo\":\"matching-availability\",\"service\":"
                "\"matching\",\"severity\":\"page\",\"condition\":\"fast-burn\"},\"annotations\":{");
  /* tte = 0.12 * 28 d / 14.62 = 19857 s */
  assert_has(p, "\"summary\":\"matching-availability is burning its error budget 14.6x faster than sustainable "
                "over the last 1h (5m: 20.1x); 12% of the 28-day budget left; at this rate it is exhausted in "
                "5h 30m\"");
  assert_has(p, "\"description\":\"Condition fast-burn (page) fires when the burn rate over 1h and over 5m are "
                "both above 14.4x. SLO matching-availability of service matching targets 99.9% over 28d; SLI over the "
                "window 99.912% (99912 of 100000 events good), 12% of the 28-day budget left. Fired at "
                "2026-03-28T23:59:00Z. Dashboard: http://dash.example:8080/#/slo/matching-availability\"");
  assert_has(p, "\"burn_rate\":\"14.6x over 1h, 20.1x over 5m\"");
  assert_has(p, "\"budget_remaining\":\"12%\"");
  assert_has(p, "\"time_to_exhaustion\":\"5h 30m\"");
  /* Firing: endsAt a week past the round, so Alertmanager keeps it active. */
  assert_has(p, "\"startsAt\":\"2026-03-28T23:59:00Z\",\"endsAt\":\"2026-04-05T00:00:00Z\"");
  assert_has(p, "\"generatorURL\":\"http://dash.example:8080/#/slo/matching-availability\"}]");
  orows_free(r, nr);

  /* The resolve: same labels, endsAt = the resolve time. */
  n = notice(&f, 0, HR_TR_RESOLVED, T0 - 60, T0 + 3600);
  enqueue_ok(&f, &n, T0 + 3600);
  nr = rows(&f, r, 8);
  assert_int_equal(nr, 2);
  p = r[1].payload;
  assert_has(p, "[{\"labels\":{\"alertname\":\"SLOBurnRate\",\"slo\":\"matching-availability\",\"service\":"
                "\"matching\",\"severity\":\"page\",\"condition\":\"fast-burn\"},");
  assert_has(p, "\"summary\":\"RESOLVED: matching-availability burns its error budget at 0.80x over the last 1h "
                "(5m: 0.20x), back under the 14.4x alert level; 12% of the 28-day budget left\"");
  assert_has(p, "Fired at 2026-03-28T23:59:00Z, resolved at 2026-03-29T01:00:00Z after 1h 1m.");
  assert_has(p, "\"startsAt\":\"2026-03-28T23:59:00Z\",\"endsAt\":\"2026-03-29T01:00:00Z\"");
  assert_int_equal(r[1].created, T0 + 3600);
  orows_free(r, nr);
  fx_free(&f);
}

/* A group's alert (docs/alerting.md, "Grouped SLOs"): the group's labels
 * named as the generated rules name them, group_by, and the group in the
 * summary; the webhook gets them as an object. */
static void test_group_payload(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, "http://127.0.0.1:9093/", "http://127.0.0.1:9/hook");
  char *names[] = {"path", "status"}, *values[] = {"/pay", NULL};
  char *labels = grp_labels_json(names, values, 2, 0);
  assert_string_equal(labels, "{\"path\":\"/pay\",\"status\":null}");
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0 - 60, 0);
  n.labels = labels;
  enqueue_ok(&f, &n, T0);
  n = notice(&f, 1, HR_TR_FIRING, T0, 0); /* low-budget: the webhook */
  n.labels = labels;
  enqueue_ok(&f, &n, T0);
  struct orow r[8];
  int nr = rows(&f, r, 8);
  assert_int_equal(nr, 2);
  const char *p = r[0].payload;
  /* status is one of headroom's own labels: group_status; without a value it
   * is no label (as Prometheus drops an empty one), but group_by names it */
  assert_has(p, "[{\"labels\":{\"alertname\":\"SLOBurnRate\",\"slo\":\"matching-availability\",\"service\":"
                "\"matching\",\"severity\":\"page\",\"condition\":\"fast-burn\",\"path\":\"/pay\","
                "\"group_by\":\"path,group_status\"},");
  assert_has(p, "\"summary\":\"matching-availability (path=/pay status=-) is burning its error budget");
  p = r[1].payload;
  assert_has(p, "\"kind\":\"budget\",\"labels\":{\"path\":\"/pay\",\"status\":null},");
  orows_free(r, nr);
  free(labels);
  fx_free(&f);
}

static void test_webhook_payload(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, "http://127.0.0.1:9093", "http://127.0.0.1:9/hook");
  struct hr_notice n = notice(&f, 1, HR_TR_FIRING, T0, 0); /* low-budget: policy tickets -> chat */
  n.dashboard_url = NULL;
  enqueue_ok(&f, &n, T0);
  struct orow r[8];
  int nr = rows(&f, r, 8);
  assert_int_equal(nr, 1);
  assert_string_equal(r[0].target, "chat");
  assert_string_equal(r[0].kind, "webhook");
  assert_string_equal(r[0].url, "http://127.0.0.1:9/hook"); /* a webhook URL is used as given */
  const char *p = r[0].payload;
  assert_has(p, "{\"status\":\"firing\",\"slo\":\"matching-availability\",\"service\":\"matching\","
                "\"condition\":\"low-budget\",\"severity\":\"ticket\",\"kind\":\"budget\",\"labels\":{},"
                "\"startsAt\":\"2026-03-29T00:00:00Z\",\"endsAt\":null,\"at\":\"2026-03-29T00:00:00Z\","
                "\"threshold\":0.25,\"burn_rate\":14.62,\"burn_window\":\"1h\",\"burn_rate_short\":null,"
                "\"burn_window_short\":null,\"burn_rates\":{\"5m\":20.1,\"1h\":14.62,\"2h\":11.5},"
                "\"budget_remaining\":0.12,\"time_to_exhaustion_seconds\":19857,\"sli\":0.99912,"
                "\"target\":0.999,\"window\":\"28d\",\"low_traffic\":false,");
  assert_has(p, "\"summary\":\"matching-availability has only 12% of the 28-day budget left (alert below 25%); "
                "burning 14.6x over the last 1h; at this rate it is exhausted in 5h 30m\"");
  assert_has(p, "\"dashboard\":null}");
  assert_null(strstr(p, "Dashboard:"));
  orows_free(r, nr);
  fx_free(&f);
}

/* Summaries of every condition kind, firing and resolved: a person reads them. */
static void test_summaries(void **state) {
  (void)state;
  static const struct {
    int cond;
    enum hr_transition kind;
    double rem;
    int low_traffic;
    const char *summary;
  } cases[] = {
      {2, HR_TR_FIRING, 0.12, 0,
       "matching-availability will run out of error budget in 7h 0m at the burn rate of the last 2h (11.5x); 12% "
       "of the 28-day budget left"},
      {2, HR_TR_RESOLVED, 0.12, 0,
       "RESOLVED: matching-availability no longer runs out of error budget within 3d (burn over the last 2h: "
       "11.5x, exhaustion: 7h 0m); 12% of the 28-day budget left"},
      {1, HR_TR_RESOLVED, 0.30, 0,
       "RESOLVED: matching-availability has 30% of the 28-day budget left again, above the 25% alert level"},
      {1, HR_TR_FIRING, -0.35, 0,
       "matching-availability: the 28-day budget is spent (-35% left) (alert below 25%); burning 14.6x over the "
       "last 1h"},
      {0, HR_TR_FIRING, -0.35, 0,
       "matching-availability is burning its error budget 14.6x faster than sustainable over the last 1h (5m: "
       "20.1x); the 28-day budget is spent (-35% left)"},
      {0, HR_TR_RESOLVED, 0.12, 1,
       "RESOLVED: matching-availability has too little traffic to judge (fewer than 10 events in a lookback), so "
       "fast-burn no longer fires; 12% of the 28-day budget left"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct fx f;
    fx_init(&f, "http://127.0.0.1:9093", "http://127.0.0.1:9/hook");
    f.slo.npolicies = 0; /* default conditions: every target */
    f.state.budget_remaining = cases[i].rem;
    struct hr_notice n = notice(&f, cases[i].cond, cases[i].kind, T0 - 600, T0);
    n.res.low_traffic = cases[i].low_traffic;
    enqueue_ok(&f, &n, T0);
    struct orow r[8];
    int nr = rows(&f, r, 8);
    /* oncall and chat; "nowhere" has no URL, "pagerduty" is not a kind headroom sends. */
    assert_int_equal(nr, 2);
    assert_string_equal(r[0].target, "oncall");
    assert_string_equal(r[1].target, "chat");
    char *want = xasprintf("\"summary\":\"%s\"", cases[i].summary);
    assert_has(r[0].payload, want);
    assert_has(r[1].payload, want);
    free(want);
    orows_free(r, nr);
    fx_free(&f);
  }
}

/* ------------------------------------------------------------------------ */
/* Targets and the caller's transaction */

static void test_targets(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, "http://127.0.0.1:9093", "http://127.0.0.1:9/hook");
  struct orow r[8];
  /* A condition that no policy of the SLO holds: the targets of all its policies. */
  struct hr_notice n = notice(&f, 2, HR_TR_FIRING, T0, 0);
  enqueue_ok(&f, &n, T0);
  int nr = rows(&f, r, 8);
  assert_int_equal(nr, 2);
  assert_string_equal(r[0].target, "oncall");
  assert_string_equal(r[1].target, "chat");
  orows_free(r, nr);

  /* A policy naming only unknown, URL-less or foreign-kind targets: nothing queued. */
  struct fx g;
  fx_init(&g, "http://127.0.0.1:9093", "http://127.0.0.1:9/hook");
  char *odd[3] = {"nowhere", "pagerduty", "no-such-target"};
  g.pol[0].targets = odd;
  g.pol[0].ntargets = 3;
  n = notice(&g, 0, HR_TR_FIRING, T0, 0);
  enqueue_ok(&g, &n, T0);
  assert_int_equal(rows(&g, r, 8), 0);
  /* HR_TR_NONE is not a transition: nothing queued, no error. */
  n = notice(&g, 1, HR_TR_NONE, T0, 0);
  enqueue_ok(&g, &n, T0);
  assert_int_equal(rows(&g, r, 8), 0);
  /* Missing pieces are a usage error, not a crash. */
  struct hr_err err = {0};
  n.state = NULL;
  assert_int_equal(notify_enqueue(g.st, &g.cfg, &n, T0, &err), HR_ERR_USAGE);
  fx_free(&g);
  fx_free(&f);
}

static void test_enqueue_in_callers_transaction(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, "http://127.0.0.1:9093", "http://127.0.0.1:9/hook");
  struct hr_err err = {0};
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0, 0);
  assert_int_equal(store_begin(f.st, &err), HR_OK);
  assert_int_equal(notify_enqueue(f.st, &f.cfg, &n, T0, &err), HR_OK);
  assert_false(sqlite3_get_autocommit(store_db(f.st))); /* still the caller's transaction */
  store_rollback(f.st);
  struct orow r[4];
  assert_int_equal(rows(&f, r, 4), 0); /* rolled back with the caller's work */
  fx_free(&f);
}

/* ------------------------------------------------------------------------ */
/* Delivery */

static void test_deliver_once(void **state) {
  (void)state;
  struct rx *rx = rx_start(0);
  char *am = xasprintf("http://127.0.0.1:%u", rx->port);
  char *hook = xasprintf("http://127.0.0.1:%u/hook?x=1", rx->port);
  struct fx f;
  fx_init(&f, am, hook);
  f.slo.npolicies = 0; /* both targets */
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0, 0);
  enqueue_ok(&f, &n, T0);

  struct hr_deliver_stats ds = deliver(&f, T0);
  assert_int_equal(ds.sent, 2);
  assert_int_equal(ds.failed, 0);
  assert_int_equal(ds.pending, 0);
  assert_int_equal(rx_count(rx), 2);
  struct orow r[4];
  int nr = rows(&f, r, 4);
  assert_int_equal(nr, 2);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(r[i].sent, T0);
    assert_int_equal(r[i].attempts, 0);
    assert_string_equal(rx->body[i], r[i].payload); /* the stored bytes, exactly */
    assert_string_equal(rx->ctype[i], "application/json");
  }
  assert_string_equal(rx->path[0], "/api/v2/alerts");
  assert_string_equal(rx->path[1], "/hook");
  orows_free(r, nr);

  /* Exactly once: later passes send nothing. */
  ds = deliver(&f, T0 + 3600);
  assert_int_equal(ds.sent, 0);
  assert_int_equal(ds.failed, 0);
  assert_int_equal(ds.pending, 0);
  assert_int_equal(rx_count(rx), 2);

  /* Delivered rows are kept 30 days, then dropped; a pending one stays. */
  rx_stop(rx);
  rx = NULL;
  n = notice(&f, 0, HR_TR_RESOLVED, T0, T0 + 60);
  enqueue_ok(&f, &n, T0 + NOTIFY_KEEP_SENT_S); /* nobody listens: it stays pending */
  deliver(&f, T0 + NOTIFY_KEEP_SENT_S);
  assert_int_equal(rows(&f, r, 4), 4);
  orows_free(r, 4);
  ds = deliver(&f, T0 + NOTIFY_KEEP_SENT_S + 1);
  assert_int_equal(ds.pending, 2);
  nr = rows(&f, r, 4);
  assert_int_equal(nr, 2);
  for (int i = 0; i < nr; i++)
    assert_int_equal(r[i].sent, -1); /* the two undelivered ones (NULL) */
  orows_free(r, nr);

  fx_free(&f);
  free(am);
  free(hook);
}

static void test_deliver_retry_in_order(void **state) {
  (void)state;
  struct rx *rx = rx_start(1); /* the first request gets a 500 */
  char *am = xasprintf("http://127.0.0.1:%u", rx->port);
  char *hook = xasprintf("http://127.0.0.1:%u/hook", rx->port);
  struct fx f;
  fx_init(&f, am, hook);
  /* Row 1: firing to oncall; row 2: its resolve to oncall; row 3: chat. */
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0, 0);
  enqueue_ok(&f, &n, T0);
  n = notice(&f, 0, HR_TR_RESOLVED, T0, T0 + 60);
  enqueue_ok(&f, &n, T0 + 60);
  n = notice(&f, 1, HR_TR_FIRING, T0 + 60, 0);
  enqueue_ok(&f, &n, T0 + 60);

  struct hr_deliver_stats ds = deliver(&f, T0 + 60);
  /* Row 1 failed; row 2 waits behind it (same URL, order kept); row 3 went. */
  assert_int_equal(ds.sent, 1);
  assert_int_equal(ds.failed, 1);
  assert_int_equal(ds.pending, 2);
  assert_int_equal(rx_count(rx), 2);
  assert_string_equal(rx->path[1], "/hook");
  struct orow r[4];
  int nr = rows(&f, r, 4);
  assert_int_equal(nr, 3);
  assert_int_equal(r[0].attempts, 1);
  assert_int_equal(r[0].next_try, T0 + 60 + 10);
  assert_int_equal(r[0].sent, -1);
  assert_string_equal(r[0].last_error, "HTTP 500: receiver down for a test");
  assert_int_equal(r[1].attempts, 0); /* not tried */
  assert_int_equal(r[1].next_try, T0 + 60);
  assert_int_equal(r[1].sent, -1);
  assert_int_equal(r[2].sent, T0 + 60);
  orows_free(r, nr);

  /* Not yet due (9 s later): nothing is tried, not even the held row 2. */
  ds = deliver(&f, T0 + 69);
  assert_int_equal(ds.sent, 0);
  assert_int_equal(ds.failed, 0);
  assert_int_equal(ds.pending, 2);
  assert_int_equal(rx_count(rx), 2);

  /* Backoff passed: both go, firing before resolve. */
  ds = deliver(&f, T0 + 70);
  assert_int_equal(ds.sent, 2);
  assert_int_equal(ds.failed, 0);
  assert_int_equal(ds.pending, 0);
  assert_int_equal(rx_count(rx), 4);
  nr = rows(&f, r, 4);
  assert_string_equal(rx->body[2], r[0].payload);
  assert_string_equal(rx->body[3], r[1].payload);
  assert_has(rx->body[3], "RESOLVED");
  assert_int_equal(r[0].sent, T0 + 70);
  assert_int_equal(r[0].attempts, 1);
  assert_string_equal(r[0].last_error, "");
  assert_int_equal(r[1].sent, T0 + 70);
  orows_free(r, nr);

  /* And never again. */
  ds = deliver(&f, T0 + 100000);
  assert_int_equal(ds.sent, 0);
  assert_int_equal(rx_count(rx), 4);

  rx_stop(rx);
  fx_free(&f);
  free(am);
  free(hook);
}

static void test_backoff_doubles_and_caps(void **state) {
  (void)state;
  struct rx *rx = rx_start(8);
  char *am = xasprintf("http://127.0.0.1:%u", rx->port);
  struct fx f;
  fx_init(&f, am, "http://127.0.0.1:9/hook");
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0, 0);
  enqueue_ok(&f, &n, T0);
  static const int64_t wait[] = {10, 20, 40, 80, 160, 320, 600, 600};
  int64_t now = T0;
  struct orow r[2];
  for (size_t i = 0; i < sizeof wait / sizeof wait[0]; i++) {
    struct hr_deliver_stats ds = deliver(&f, now);
    assert_int_equal(ds.failed, 1);
    assert_int_equal(ds.pending, 1);
    int nr = rows(&f, r, 2);
    assert_int_equal(nr, 1);
    assert_int_equal(r[0].attempts, (int64_t)i + 1);
    assert_int_equal(r[0].next_try, now + wait[i]);
    orows_free(r, nr);
    /* One second early: not tried. */
    ds = deliver(&f, now + wait[i] - 1);
    assert_int_equal(ds.failed + ds.sent, 0);
    now += wait[i];
  }
  assert_int_equal(rx_count(rx), 8);
  struct hr_deliver_stats ds = deliver(&f, now);
  assert_int_equal(ds.sent, 1);
  assert_int_equal(ds.pending, 0);
  assert_int_equal(rx_count(rx), 9);
  rx_stop(rx);
  fx_free(&f);
  free(am);
}

static void test_unreachable(void **state) {
  (void)state;
  unsigned port = loopback_port(NULL);
  char *am = xasprintf("http://127.0.0.1:%u", port);
  char *hook = xasprintf("http://127.0.0.1:%u/hook", port);
  struct fx f;
  fx_init(&f, am, hook);
  f.slo.npolicies = 0;
  struct hr_notice n = notice(&f, 0, HR_TR_FIRING, T0, 0);
  enqueue_ok(&f, &n, T0);
  struct hr_deliver_stats ds = deliver(&f, T0);
  assert_int_equal(ds.sent, 0);
  assert_int_equal(ds.failed, 2); /* two URLs, each tried once */
  assert_int_equal(ds.pending, 2);
  struct orow r[4];
  int nr = rows(&f, r, 4);
  for (int i = 0; i < nr; i++) {
    assert_int_equal(r[i].attempts, 1);
    assert_int_equal(r[i].next_try, T0 + 10);
    assert_true(strlen(r[i].last_error) > 0);
    assert_null(strstr(r[i].last_error, "HTTP"));
  }
  orows_free(r, nr);
  fx_free(&f);
  free(am);
  free(hook);
}

static void test_deliver_readonly_and_empty(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, "http://127.0.0.1:9093", "http://127.0.0.1:9/hook");
  struct hr_deliver_stats ds = deliver(&f, T0); /* empty outbox: nothing to do */
  assert_int_equal(ds.sent + ds.failed + ds.pending, 0);
  struct hr_err err = {0};
  assert_int_equal(notify_deliver(NULL, T0, &ds, &err), HR_ERR_USAGE);
  fx_free(&f);
}

int main(void) {
  /* Loopback only, never through a proxy from the environment. */
  unsetenv("http_proxy");
  unsetenv("HTTP_PROXY");
  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
  unsetenv("all_proxy");
  unsetenv("ALL_PROXY");
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_alertmanager_payload),
      cmocka_unit_test(test_webhook_payload),
      cmocka_unit_test(test_group_payload),
      cmocka_unit_test(test_summaries),
      cmocka_unit_test(test_targets),
      cmocka_unit_test(test_enqueue_in_callers_transaction),
      cmocka_unit_test(test_deliver_once),
      cmocka_unit_test(test_deliver_retry_in_order),
      cmocka_unit_test(test_backoff_doubles_and_caps),
      cmocka_unit_test(test_unreachable),
      cmocka_unit_test(test_deliver_readonly_and_empty),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
