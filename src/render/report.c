/* report.c -- see report.h. */
#include "render/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "core/jw.h"
#include "util/xmalloc.h"

static const char *budgeting_name(enum hr_budgeting b) {
  switch (b) {
  case HR_BUDGET_OCCURRENCES: return "Occurrences";
  case HR_BUDGET_TIMESLICES: return "Timeslices";
  case HR_BUDGET_RATIO_TIMESLICES: return "RatioTimeslices";
  }
  return "Occurrences";
}

static const char *bad_key(int reason) {
  switch (reason) {
  case HR_BAD_SHAPE: return "shape";
  case HR_BAD_TIME: return "time";
  case HR_BAD_STATUS: return "status";
  case HR_BAD_NUMBER: return "number";
  case HR_BAD_JSON: return "json";
  case HR_BAD_TYPE: return "type";
  case HR_BAD_TOOLONG: return "too_long";
  }
  return "other";
}

/* "sli": the SLI, or null when there were no valid events. */
static void json_sli(struct hr_jw *w, const struct hr_slo_state *st) {
  if (st->has_sli)
    jw_num(w, "sli", st->sli);
  else
    jw_null(w, "sli");
}

/* "time_to_exhaustion_seconds", or null when the budget is not burning out. */
static void json_tte(struct hr_jw *w, const struct hr_slo_state *st) {
  if (st->has_tte)
    jw_num(w, "time_to_exhaustion_seconds", st->tte_s);
  else
    jw_null(w, "time_to_exhaustion_seconds");
}

/* The figures an SLO and each of its groups both write, in this order (the
 * SLO's "budget_seconds" among them when budget_s; docs/cli/report.md):
 * good, valid, sli, the budget remaining and the burn rates. */
static void json_figures(struct hr_jw *w, const struct hr_slo_state *st, int budget_s) {
  char buf[64];
  jw_uint(w, "good", st->good);
  jw_uint(w, "valid", st->valid);
  json_sli(w, st);
  jw_num(w, "budget_remaining", st->budget_remaining);
  if (budget_s)
    jw_num(w, "budget_seconds", st->budget_s);
  jw_num(w, "budget_remaining_seconds", st->budget_remaining_s);
  jw_obj(w, "burn_rate");
  for (size_t k = 0; k < st->nburn; k++)
    jw_num(w, duration_format(st->burn[k].lookback_us, buf, sizeof buf), st->burn[k].rate);
  jw_obj_end(w);
}

/* The groups of a grouped SLO: docs/config.md, "Grouped SLOs". */
static void json_groups(struct hr_jw *w, const struct hr_report_slo *rs) {
  jw_arr(w, "groups");
  for (size_t i = 0; i < rs->ngroups; i++) {
    const struct hr_report_group *g = &rs->groups[i];
    const struct hr_slo_state *st = &g->st;
    jw_obj(w, NULL);
    jw_obj(w, "labels");
    for (size_t f = 0; f < rs->slo->ngroup_by; f++)
      jw_str(w, rs->slo->group_by[f], g->other ? "_other" : g->values[f]);
    jw_obj_end(w);
    json_figures(w, st, 0);
    json_tte(w, st);
    jw_str(w, "status", status_name(st->status));
    jw_str(w, "burning_now", burning_name(g->now.level));
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

void report_json_slo_members(struct hr_jw *w, const struct hr_report_slo *rs) {
  const struct hr_slo *slo = rs->slo;
  const struct hr_slo_state *st = &rs->st;
  char buf[64];
  jw_str(w, "name", slo->name);
  jw_str(w, "display_name", slo->display_name ? slo->display_name : slo->name);
  jw_str(w, "service", slo->service);
  jw_num(w, "target", slo->target);
  jw_int(w, "window_seconds", st->window_us / 1000000);
  jw_time(w, "window_start", st->window_start_us);
  jw_str(w, "budgeting_method", budgeting_name(slo->budgeting));
  json_figures(w, st, 1);
  jw_obj(w, "events");
  for (size_t i = 0; i < st->nburn; i++) {
    jw_obj(w, duration_format(st->burn[i].lookback_us, buf, sizeof buf));
    jw_uint(w, "good", st->burn[i].good);
    jw_uint(w, "valid", st->burn[i].valid);
    jw_bool(w, "low_traffic", st->burn[i].low_traffic);
    jw_obj_end(w);
  }
  jw_obj_end(w);
  json_tte(w, st);
  jw_str(w, "status", status_name(st->status));
  jw_bool(w, "latched", st->latched);
  jw_str(w, "data", data_name(st->data));
  jw_time(w, "last_event_at", rs->last_event_us);
  jw_str(w, "data_reason", rs->data_reason);
  jw_obj(w, "burning_now");
  jw_str(w, "level", burning_name(rs->now.level));
  jw_num(w, "burn_rate", rs->now.rate);
  jw_num(w, "threshold", rs->now.threshold);
  jw_str(w, "lookback", duration_format(rs->now.lookback_us, buf, sizeof buf));
  jw_str(w, "condition", rs->now.condition);
  jw_obj_end(w);
  if (slo->budgeting != HR_BUDGET_OCCURRENCES) {
    jw_uint(w, "good_slices", st->good_slices);
    jw_uint(w, "total_slices", st->total_slices);
    jw_int(w, "slice_seconds", slo->slice_us / 1000000);
  }
  if (rs->has_deploy) {
    jw_obj(w, "since_deploy");
    jw_time(w, "at", rs->deploy_at_us);
    jw_time(w, "counted_from", rs->deploy_from_us);
    jw_str(w, "text", rs->deploy_text);
    jw_uint(w, "good", rs->deploy_good);
    jw_uint(w, "valid", rs->deploy_valid);
    jw_num(w, "budget_spent", rs->deploy_budget_spent);
    jw_num(w, "budget_spent_seconds", rs->deploy_budget_spent * st->budget_s);
    jw_obj_end(w);
  } else if (rs->timeline_read) {
    jw_null(w, "since_deploy");
  }
  if (rs->has_groups)
    json_groups(w, rs);
  if (rs->comp != NULL) { /* docs/internals/math.md, "Composite SLOs" */
    jw_arr(w, "components");
    for (size_t i = 0; i < rs->comp->n; i++) {
      const struct hr_report_slo *m = rs->members[i];
      jw_obj(w, NULL);
      jw_str(w, "name", m->slo->name);
      jw_num(w, "weight", rs->comp->weights[i]);
      jw_num(w, "target", m->slo->target);
      json_sli(w, &m->st);
      jw_num(w, "budget_remaining", m->st.budget_remaining);
      jw_num(w, "budget_consumed", m->st.has_sli ? 1.0 - m->st.budget_remaining : 0.0);
      jw_str(w, "status", status_name(m->st.status));
      jw_obj_end(w);
    }
    jw_arr_end(w);
  }
}

void report_json_members(struct hr_jw *w, const struct hr_report *r, const size_t *idx, size_t n) {
  jw_time(w, "at", r->at_us);
  jw_uint(w, "lines_read", r->stats.lines);
  jw_uint(w, "lines_malformed", r->stats.malformed);
  jw_obj(w, "malformed_by_reason");
  for (int i = 1; i < HR_BAD__COUNT; i++)
    if (r->stats.by_reason[i])
      jw_uint(w, bad_key(i), r->stats.by_reason[i]);
  jw_obj_end(w);
  jw_uint(w, "lines_blank", r->stats.blank);
  jw_uint(w, "events_after_at", r->stats.after_at);
  jw_uint(w, "events_future", r->future);
  jw_uint(w, "events_undecided", r->stats.undecided);
  jw_uint(w, "events_dropped", r->dropped);
  jw_str(w, "store", r->from_store ? r->store_path : NULL);
  jw_arr(w, "errors");
  for (size_t i = 0; i < r->nerrors; i++)
    jw_str(w, NULL, r->errors[i]);
  jw_arr_end(w);
  if (r->has_timeline)
    jw_uint(w, "maintenance_windows", r->nmaintenance);
  jw_arr(w, "slos");
  for (size_t i = 0; i < (idx ? n : r->nslos); i++) {
    jw_obj(w, NULL);
    report_json_slo_members(w, &r->slos[idx ? idx[i] : i]);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

void report_json(FILE *f, const struct hr_report *r) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  report_json_members(&w, r, NULL, 0);
  jw_obj_end(&w);
}

static const char *color_of(enum hr_status s) {
  switch (s) {
  case HR_ST_GREEN: return "\033[32m";
  case HR_ST_YELLOW: return "\033[33m";
  case HR_ST_ORANGE: return "\033[38;5;208m";
  case HR_ST_RED: return "\033[31;1m";
  case HR_ST_NODATA: return "\033[2m";
  }
  return "";
}

static void pct(double x, char *buf, size_t n) {
  /* Enough digits to tell 99.9% from 99.95%. */
  double p = x * 100;
  if (fabs(p) >= 99.99 && fabs(p) < 100)
    snprintf(buf, n, "%.4f%%", p);
  else
    snprintf(buf, n, "%.3f%%", p);
}

static const struct hr_burn *burn_at(const struct hr_slo_state *st, int64_t lb) {
  for (size_t i = 0; i < st->nburn; i++)
    if (st->burn[i].lookback_us == lb)
      return &st->burn[i];
  return NULL;
}

/* The burn columns: the lookbacks the SLOs use (their union), at most four,
 * preferring 5m, 1h, 6h, 3d when there are more. */
static size_t burn_columns(const struct hr_report *r, const size_t *idx, size_t n, int64_t *cols) {
  size_t ncols = 0;
  for (size_t i = 0; i < n; i++) {
    const struct hr_slo_state *st = &r->slos[idx ? idx[i] : i].st;
    for (size_t k = 0; k < st->nburn; k++) {
      size_t c = 0;
      while (c < ncols && cols[c] != st->burn[k].lookback_us)
        c++;
      if (c == ncols && ncols < HR_MAX_LOOKBACKS)
        cols[ncols++] = st->burn[k].lookback_us;
    }
  }
  for (size_t a = 1; a < ncols; a++) /* ascending */
    for (size_t b = a; b > 0 && cols[b - 1] > cols[b]; b--) {
      int64_t t = cols[b];
      cols[b] = cols[b - 1];
      cols[b - 1] = t;
    }
  if (ncols > 4) {
    static const int64_t pref[] = {300000000LL, 3600000000LL, 21600000000LL, 259200000000LL};
    size_t m = 0;
    for (size_t a = 0; a < ncols; a++)
      for (size_t p = 0; p < 4; p++)
        if (cols[a] == pref[p] && m < 4)
          cols[m++] = cols[a];
    ncols = m > 0 ? m : 4;
  }
  return ncols;
}

/* "BURNING 32x>14.4x", "elevated", "ok". */
static void now_text(const struct hr_burn_now *b, char *buf, size_t n) {
  if (b->level == HR_BURN_OK)
    snprintf(buf, n, "ok");
  else
    snprintf(buf, n, "%s %.3gx>%.3gx", b->level == HR_BURN_FAST ? "BURNING" : "elevated", b->rate, b->threshold);
}

/* Widths of the SERVICE and SLO columns: wide enough for the longest name (or
   group label) shown, so that no two rows ever read alike. */
struct name_cols {
  int svc, slo;
};

static void slo_row(FILE *f, const struct hr_report_slo *rs, const int64_t *cols, size_t ncols, int color,
                    const struct name_cols *w) {
  const struct hr_slo_state *st = &rs->st;
  char sli[32], tgt[32], left[112], tte[32], now[48];
  if (st->has_sli)
    pct(st->sli, sli, sizeof sli);
  else
    snprintf(sli, sizeof sli, "no data");
  pct(rs->slo->target, tgt, sizeof tgt);
  char lp[48], t[48];
  human_duration(fabs(st->budget_remaining_s), t, sizeof t); /* the word "overspent" is in lp */
  snprintf(left, sizeof left, "%s (%s)", budget_pct_text(st->budget_remaining, lp, sizeof lp), t);
  if (!st->has_sli)
    snprintf(left, sizeof left, "-");
  if (!st->has_tte)
    snprintf(tte, sizeof tte, "never");
  else if (st->tte_s <= 0)
    snprintf(tte, sizeof tte, "exhausted");
  else
    human_duration(st->tte_s, tte, sizeof tte);
  now_text(&rs->now, now, sizeof now);
  char stname[16];
  snprintf(stname, sizeof stname, "%s%s", status_name(st->status), st->latched ? "*" : "");
  for (char *p = stname; *p; p++)
    if (*p >= 'a' && *p <= 'z')
      *p = (char)(*p - 'a' + 'A');
  if (color)
    fprintf(f, "%s%-8s\033[0m", color_of(st->status), stname);
  else
    fprintf(f, "%-8s", stname);
  fprintf(f, " %-*s %-*s %-10s %-8s %-30s %-18s", w->svc, rs->slo->service ? rs->slo->service : "-", w->slo,
          rs->slo->name, sli, tgt, left, now);
  for (size_t c = 0; c < ncols; c++) {
    const struct hr_burn *b = burn_at(st, cols[c]);
    if (b == NULL)
      fprintf(f, " %8s", "-");
    else if (b->low_traffic)
      fprintf(f, " %8s", "low");
    else
      fprintf(f, " %7.2fx", b->rate);
  }
  fprintf(f, "  %s\n", tte);
}

/* A group's row label, "  field=value[,field=value]"; its length (which may
   exceed size, as snprintf's does). */
static size_t group_label(const struct hr_report_slo *rs, const struct hr_report_group *g, char *label, size_t size) {
  size_t n = (size_t)snprintf(label, size, "  ");
  for (size_t k = 0; k < rs->slo->ngroup_by; k++)
    n += (size_t)snprintf(label + (n < size ? n : size - 1), n < size ? size - n : 1, "%s%s=%s", k ? "," : "",
                          rs->slo->group_by[k],
                          g->other               ? "_other"
                          : g->values[k] != NULL ? g->values[k]
                                                 : "-");
  return n;
}

/* A grouped SLO's groups, one row each under it, named "  field=value". */
static void group_rows(FILE *f, const struct hr_report_slo *rs, const int64_t *cols, size_t ncols, int color,
                       const struct name_cols *w) {
  for (size_t i = 0; i < rs->ngroups; i++) {
    const struct hr_report_group *g = &rs->groups[i];
    char label[512];
    group_label(rs, g, label, sizeof label);
    struct hr_slo s = *rs->slo;
    s.name = label;
    s.service = NULL;
    struct hr_report_slo row = {.slo = &s, .st = g->st, .now = g->now};
    slo_row(f, &row, cols, ncols, color, w);
  }
}

static struct name_cols name_widths(const struct hr_report *r, const size_t *idx, size_t n) {
  struct name_cols w = {16, 28};
  for (size_t i = 0; i < n; i++) {
    const struct hr_report_slo *rs = &r->slos[idx ? idx[i] : i];
    size_t len = strlen(rs->slo->name);
    if (rs->slo->service && strlen(rs->slo->service) > (size_t)w.svc)
      w.svc = (int)strlen(rs->slo->service);
    for (size_t g = 0; g < rs->ngroups; g++) {
      char label[512];
      size_t gl = group_label(rs, &rs->groups[g], label, sizeof label);
      if (gl > len)
        len = gl < sizeof label ? gl : sizeof label - 1;
    }
    if (len > (size_t)w.slo)
      w.slo = (int)len;
  }
  return w;
}

static void since_deploy_text(FILE *f, const struct hr_report *r, const size_t *idx, size_t n,
                              const struct name_cols *w) {
  int any = 0;
  for (size_t i = 0; i < n; i++) {
    const struct hr_report_slo *rs = &r->slos[idx ? idx[i] : i];
    if (!rs->has_deploy)
      continue;
    if (!any++)
      fputs("\nSince the last deploy:\n", f);
    char when[64], ago[32], spent[32];
    time_format_rfc3339(rs->deploy_at_us, when, sizeof when);
    human_duration((double)(r->at_us - rs->deploy_at_us) / 1e6, ago, sizeof ago);
    human_duration(rs->deploy_budget_spent * rs->st.budget_s, spent, sizeof spent);
    fprintf(f, "  %-*s deployed %s (%s ago): %.1f%% of the budget spent (%s), %llu good of %llu%s%s\n", w->slo,
            rs->slo->name, when, ago, rs->deploy_budget_spent * 100, spent, (unsigned long long)rs->deploy_good,
            (unsigned long long)rs->deploy_valid, rs->deploy_text ? " -- " : "",
            rs->deploy_text ? rs->deploy_text : "");
  }
}

/* Each composite as the weighted mean of its components' consumed budgets. */
static void composites_text(FILE *f, const struct hr_report *r, const size_t *idx, size_t n,
                            const struct name_cols *w) {
  int any = 0;
  for (size_t i = 0; i < n; i++) {
    const struct hr_report_slo *rs = &r->slos[idx ? idx[i] : i];
    if (rs->comp == NULL)
      continue;
    if (!any++)
      fputs("\nComposite SLOs (budget consumed = the weighted mean of the components'):\n", f);
    fprintf(f, "  %-*s %.1f%% consumed =", w->slo, rs->slo->name,
            rs->st.has_sli ? (1 - rs->st.budget_remaining) * 100 : 0);
    double wsum = 0;
    for (size_t k = 0; k < rs->comp->n; k++)
      wsum += rs->comp->weights[k];
    for (size_t k = 0; k < rs->comp->n; k++) {
      const struct hr_report_slo *m = rs->members[k];
      fprintf(f, "%s %.3g/%.3g x %s (%.1f%%)", k ? " +" : "", rs->comp->weights[k], wsum, m->slo->name,
              m->st.has_sli ? (1 - m->st.budget_remaining) * 100 : 0);
    }
    fputc('\n', f);
  }
}

void report_text(FILE *f, const struct hr_report *r, const size_t *idx, size_t n, int color) {
  if (idx == NULL)
    n = r->nslos;
  char at[64];
  time_format_rfc3339(r->at_us, at, sizeof at);
  fprintf(f, "headroom report at %s", at);
  if (r->has_logs)
    fprintf(f, "  (lines read %llu, malformed %llu)", (unsigned long long)r->stats.lines,
            (unsigned long long)r->stats.malformed);
  if (r->from_store)
    fprintf(f, "  (store %s)", r->store_path);
  fputs("\n\n", f);
  int64_t cols[HR_MAX_LOOKBACKS];
  size_t ncols = burn_columns(r, idx, n, cols);
  struct name_cols w = name_widths(r, idx, n);
  fprintf(f, "%-8s %-*s %-*s %-10s %-8s %-30s %-18s", "STATUS", w.svc, "SERVICE", w.slo, "SLO", "SLI", "TARGET",
          "BUDGET LEFT", "BURNING NOW");
  for (size_t c = 0; c < ncols; c++) {
    char lb[32], head[40];
    snprintf(head, sizeof head, "BURN %s", duration_format(cols[c], lb, sizeof lb));
    fprintf(f, " %8s", head);
  }
  fprintf(f, "  %s\n", "EXHAUSTED IN");
  int any_latch = 0;
  for (size_t i = 0; i < n; i++) {
    const struct hr_report_slo *rs = &r->slos[idx ? idx[i] : i];
    slo_row(f, rs, cols, ncols, color, &w);
    group_rows(f, rs, cols, ncols, color, &w);
    any_latch |= rs->st.latched;
  }
  if (any_latch)
    fputs("\n* red latch: the freeze lifts once the SLI over the window is back at the target and the 1h burn rate is "
          "below 1.\n",
          f);
  int any_data = 0;
  for (size_t i = 0; i < n; i++) {
    const struct hr_report_slo *rs = &r->slos[idx ? idx[i] : i];
    if (rs->st.data == HR_DATA_OK)
      continue;
    if (!any_data++)
      fputs("\nData that the figures cannot stand on:\n", f);
    fprintf(f, "  %-*s %-10s %s\n", w.slo, rs->slo->name, data_name(rs->st.data),
            rs->data_reason ? rs->data_reason : "");
  }
  composites_text(f, r, idx, n, &w);
  since_deploy_text(f, r, idx, n, &w);
  if (r->nmaintenance > 0)
    fprintf(f, "\n%zu maintenance window%s from the timeline excluded.\n", r->nmaintenance,
            r->nmaintenance == 1 ? "" : "s");
  if (r->has_logs && r->stats.malformed)
    fprintf(f, "\n%llu malformed lines were skipped (they change no figure).\n",
            (unsigned long long)r->stats.malformed);
  for (size_t i = 0; i < r->nerrors; i++)
    fprintf(f, "warning: %s\n", r->errors[i]);
}
