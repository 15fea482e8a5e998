/* notify_send.c -- drive notify.h by hand: queue one alert transition for
 * one target into a store's outbox and run a delivery pass, as an
 * evaluation round and the daemon's sender would. Used by
 * tests/cli/alertmanager.sh against a real Alertmanager; handy to check a
 * receiver's configuration too.
 *
 *   notify_send --db FILE --url URL [--kind alertmanager|webhook]
 *               [--state firing|resolved|none] --at EPOCH_S [--starts EPOCH_S]
 *               [--slo NAME] [--service NAME] [--condition NAME] [--severity S]
 *               [--dashboard URL]
 *
 * --state none only delivers what is due. Prints "sent=N failed=N
 * pending=N" and the last error of pending rows; exits 0 when nothing is
 * pending, 1 when something is, 2 on a usage or store error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "notify/notify.h"
#include "store/store.h"

#define US INT64_C(1000000)

static int usage(void) {
  fprintf(stderr,
          "usage: notify_send --db FILE --url URL [--kind alertmanager|webhook] [--state firing|resolved|none]\n"
          "                   --at EPOCH_S [--starts EPOCH_S] [--slo NAME] [--service NAME]\n"
          "                   [--condition NAME] [--severity S] [--dashboard URL]\n");
  return 2;
}

static int num(const char *s, int64_t *out) {
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (end == s || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  const char *db = NULL, *url = NULL, *kind = "alertmanager", *state = "firing", *slo_name = "checkout-availability";
  const char *service = "checkout", *cond_name = "fast-burn", *severity = "page", *dash = NULL;
  int64_t at_s = -1, starts_s = -1;
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'},        {"url", required_argument, NULL, 'u'},
      {"kind", required_argument, NULL, 'k'},      {"state", required_argument, NULL, 's'},
      {"at", required_argument, NULL, 'a'},        {"starts", required_argument, NULL, 'b'},
      {"slo", required_argument, NULL, 'o'},       {"service", required_argument, NULL, 'v'},
      {"condition", required_argument, NULL, 'c'}, {"severity", required_argument, NULL, 'e'},
      {"dashboard", required_argument, NULL, 'D'}, {NULL, 0, NULL, 0},
  };
  int ch;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': db = optarg; break;
    case 'u': url = optarg; break;
    case 'k': kind = optarg; break;
    case 's': state = optarg; break;
    case 'a':
      if (num(optarg, &at_s))
        return usage();
      break;
    case 'b':
      if (num(optarg, &starts_s))
        return usage();
      break;
    case 'o': slo_name = optarg; break;
    case 'v': service = optarg; break;
    case 'c': cond_name = optarg; break;
    case 'e': severity = optarg; break;
    case 'D': dash = optarg; break;
    default: return usage();
    }
  }
  enum hr_transition tr = HR_TR_NONE;
  if (strcmp(state, "firing") == 0)
    tr = HR_TR_FIRING;
  else if (strcmp(state, "resolved") == 0)
    tr = HR_TR_RESOLVED;
  else if (strcmp(state, "none") != 0)
    return usage();
  if (db == NULL || at_s < 0 || (tr != HR_TR_NONE && url == NULL))
    return usage();
  if (starts_s < 0)
    starts_s = at_s;

  /* One SLO (99.9 % over 28 days) on the default fast-burn condition, one target. */
  struct hr_condition cond = {.name = (char *)cond_name,
                              .severity = (char *)severity,
                              .kind = HR_COND_BURNRATE,
                              .factor = 14.4,
                              .long_us = 3600 * US,
                              .short_us = 300 * US};
  struct hr_alert_target target = {.name = "receiver", .kind = (char *)kind, .url = (char *)url};
  struct hr_slo slo = {.name = (char *)slo_name, .service = (char *)service, .target = 0.999, .min_events = 1};
  slo.window.kind = HR_WIN_ROLLING;
  slo.window.length_us = 28 * 86400 * US;
  slo.thr.burn_lookback_us = 3600 * US;
  struct hr_config cfg = {.slos = &slo, .nslos = 1, .targets = &target, .ntargets = 1};
  struct hr_slo_state st = {.at_us = at_s * US,
                            .window_us = 28 * 86400 * US,
                            .has_sli = 1,
                            .good = 99900,
                            .valid = 100000,
                            .sli = 0.999,
                            .budget_remaining = tr == HR_TR_FIRING ? 0.42 : 0.4};
  st.nburn = 2;
  st.burn[0] = (struct hr_burn){.lookback_us = 300 * US, .rate = tr == HR_TR_FIRING ? 21.0 : 0.3};
  st.burn[1] = (struct hr_burn){.lookback_us = 3600 * US, .rate = tr == HR_TR_FIRING ? 15.2 : 0.9};
  st.burn_status = st.burn[1].rate;
  struct hr_notice n = {
      .slo = &slo, .cond = &cond, .kind = tr, .starts_at_us = starts_s * US, .state = &st, .dashboard_url = dash};
  n.ends_at_us = tr == HR_TR_RESOLVED ? at_s * US : 0;
  n.res.active = tr == HR_TR_FIRING;
  n.res.value = st.burn[1].rate;
  n.res.value2 = st.burn[0].rate;

  struct hr_store *store = NULL;
  struct hr_err err = {0};
  if (store_open(db, &store, &err) != HR_OK) {
    fprintf(stderr, "notify_send: %s\n", err.msg);
    return 2;
  }
  int rc = 2;
  if (tr != HR_TR_NONE) {
    if (store_begin(store, &err) != HR_OK)
      goto out;
    if (notify_enqueue(store, &cfg, &n, at_s, &err) != HR_OK) {
      store_rollback(store);
      goto out;
    }
    if (store_commit(store, &err) != HR_OK) {
      store_rollback(store);
      goto out;
    }
  }
  struct hr_deliver_stats ds;
  if (notify_deliver(store, at_s, &ds, &err) != HR_OK)
    goto out;
  printf("sent=%d failed=%d pending=%d\n", ds.sent, ds.failed, ds.pending);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(store_db(store),
                         "SELECT id, attempts, next_try, coalesce(last_error, '') FROM outbox WHERE sent IS NULL", -1,
                         &q, NULL) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW)
      printf("pending row %lld: attempts=%lld next_try=%lld last_error=%s\n", (long long)sqlite3_column_int64(q, 0),
             (long long)sqlite3_column_int64(q, 1), (long long)sqlite3_column_int64(q, 2),
             (const char *)sqlite3_column_text(q, 3));
  }
  sqlite3_finalize(q);
  rc = ds.pending == 0 ? 0 : 1;
out:
  if (rc == 2)
    fprintf(stderr, "notify_send: %s\n", err.msg);
  store_close(store);
  return rc;
}
