/* history.c -- see history.h: JSON, CSV and text (the HTML page is in
 * history_html.c). */
#include "render/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jw.h"
#include "core/timeparse.h"
#include "util/imath.h"

const char *history_label(const struct hr_compliance *c, const struct hr_compliance_row *r, char *buf, size_t n) {
  const struct hr_tz *tz = r->slo->window.kind == HR_WIN_CALENDAR ? r->slo->window.zone : NULL;
  int64_t s = floor_div(r->start_us, 1000000);
  int64_t y;
  unsigned m, d;
  civil_from_days(floor_div(s + (tz ? tz_offset(tz, s) : 0), 86400), &y, &m, &d);
  if (c->unit == HR_CAL_QUARTER)
    snprintf(buf, n, "%04lld-Q%u", (long long)y, (m + 2) / 3);
  else if (c->unit == HR_CAL_WEEK)
    snprintf(buf, n, "%04lld-%02u-%02u", (long long)y, m, d);
  else
    snprintf(buf, n, "%04lld-%02u", (long long)y, m);
  return buf;
}

/* ------------------------------------------------------------------------ */
/* JSON */

static void row_json(struct hr_jw *w, const struct hr_compliance *c, const struct hr_compliance_row *r) {
  char lb[32];
  jw_str(w, "slo", r->slo->name);
  jw_str(w, "service", r->slo->service);
  jw_time(w, "start", r->start_us);
  jw_time(w, "end", r->end_us);
  jw_str(w, "label", history_label(c, r, lb, sizeof lb));
  jw_str(w, "zone", compliance_zone_name(r->slo));
  jw_bool(w, "complete", r->complete);
  jw_uint(w, "good", r->good);
  jw_uint(w, "valid", r->valid);
  jw_num(w, "sli", r->has_data ? r->sli : NAN);
  jw_num(w, "target", r->slo->target);
  if (r->has_data)
    jw_bool(w, "met", r->met);
  else
    jw_null(w, "met");
  jw_num(w, "budget_consumed", r->has_data ? r->budget_consumed : NAN);
  if (r->has_data)
    jw_uint(w, "bad_minutes", r->bad_minutes);
  else
    jw_null(w, "bad_minutes");
  jw_num(w, "cost", r->has_cost ? r->cost : NAN);
  jw_str(w, "currency", r->slo->currency);
  jw_str(w, "part_of", r->part_of ? r->part_of->slo.name : NULL);
  if (r->comp == NULL) {
    jw_null(w, "components");
    return;
  }
  jw_arr(w, "components");
  for (size_t i = 0; i < r->comp->n; i++) {
    jw_obj(w, NULL);
    jw_str(w, "slo", c->cfg->slos[r->comp->members[i]].name);
    jw_num(w, "weight", r->comp->weights[i]);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

const char *history_kind(const struct hr_compliance_row *r) {
  return r->comp ? "composite" : r->part_of ? "component" : "slo";
}

static void total_json(struct hr_jw *w, const struct hr_compliance_total *s) {
  jw_uint(w, "periods", s->periods);
  jw_uint(w, "missed", s->missed);
  jw_uint(w, "nodata", s->nodata);
  jw_uint(w, "bad_minutes", s->bad_minutes);
  jw_num(w, "cost", s->has_cost && !s->mixed_currency ? s->cost : NAN);
  jw_str(w, "currency", s->mixed_currency ? NULL : s->currency);
  jw_bool(w, "mixed_currency", s->mixed_currency);
}

void history_json(FILE *f, const struct hr_compliance *c) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "at", c->at_us);
  jw_str(&w, "period", compliance_unit_name(c->unit));
  jw_time(&w, "from", c->from_us);
  jw_time(&w, "to", c->to_us);
  jw_uint(&w, "lines_read", c->rd.stats.lines);
  jw_uint(&w, "lines_malformed", c->rd.stats.malformed);
  jw_arr(&w, "errors");
  for (size_t i = 0; i < c->rd.nerrors; i++)
    jw_str(&w, NULL, c->rd.errors[i]);
  jw_arr_end(&w);
  jw_arr(&w, "periods");
  for (size_t i = 0; i < c->nrows; i++) {
    jw_obj(&w, NULL);
    row_json(&w, c, &c->rows[i]);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_arr(&w, "services");
  for (size_t i = 0; i < c->nservices; i++) {
    jw_obj(&w, NULL);
    jw_str(&w, "service", c->services[i].name);
    total_json(&w, &c->services[i]);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_obj(&w, "total");
  total_json(&w, &c->all);
  jw_obj_end(&w);
  jw_obj_end(&w);
}

/* ------------------------------------------------------------------------ */
/* CSV (RFC 4180: CRLF, a field with a comma, quote or line break quoted,
 * its quotes doubled; null is an empty field) */

static void csv_str(FILE *f, const char *s, int last) {
  if (s != NULL && strpbrk(s, ",\"\r\n") != NULL) {
    fputc('"', f);
    for (; *s; s++) {
      if (*s == '"')
        fputc('"', f);
      fputc(*s, f);
    }
    fputc('"', f);
  } else if (s != NULL)
    fputs(s, f);
  fputs(last ? "\r\n" : ",", f);
}

/* The shortest text that reads back as the same double; empty when not finite. */
static void csv_num(FILE *f, double x) {
  char buf[40] = "";
  if (isfinite(x))
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(buf, sizeof buf, "%.*g", prec, x == 0 ? 0 : x);
      if (strtod(buf, NULL) == x)
        break;
    }
  csv_str(f, buf, 0);
}

void history_csv(FILE *f, const struct hr_compliance *c) {
  static const char *const cols[] = {
      "slo",         "service", "start",    "end",   "good", "valid",    "sli",  "target", "met", "budget_consumed",
      "bad_minutes", "cost",    "currency", "label", "zone", "complete", "kind", "part_of"};
  size_t ncols = sizeof cols / sizeof cols[0];
  for (size_t i = 0; i < ncols; i++)
    csv_str(f, cols[i], i + 1 == ncols);
  for (size_t i = 0; i < c->nrows; i++) {
    const struct hr_compliance_row *r = &c->rows[i];
    char t0[40], t1[40], lb[32];
    csv_str(f, r->slo->name, 0);
    csv_str(f, r->slo->service, 0);
    csv_str(f, time_format_rfc3339(r->start_us, t0, sizeof t0), 0);
    csv_str(f, time_format_rfc3339(r->end_us, t1, sizeof t1), 0);
    fprintf(f, "%llu,%llu,", (unsigned long long)r->good, (unsigned long long)r->valid);
    csv_num(f, r->has_data ? r->sli : NAN);
    csv_num(f, r->slo->target);
    csv_str(f, r->has_data ? (r->met ? "true" : "false") : NULL, 0);
    csv_num(f, r->has_data ? r->budget_consumed : NAN);
    csv_num(f, r->has_data ? (double)r->bad_minutes : NAN);
    csv_num(f, r->has_cost ? r->cost : NAN);
    csv_str(f, r->slo->currency, 0);
    csv_str(f, history_label(c, r, lb, sizeof lb), 0);
    csv_str(f, compliance_zone_name(r->slo), 0);
    csv_str(f, r->complete ? "true" : "false", 0);
    csv_str(f, history_kind(r), 0);
    csv_str(f, r->part_of ? r->part_of->slo.name : NULL, 1);
  }
}

/* ------------------------------------------------------------------------ */
/* Text */

/* An SLI cut (not rounded: never more than was reached) to three decimals
 * of a percent: "99.812%", "100%". */
static const char *sli_pct(double x, char *buf, size_t n) {
  double p = floor(x * 100000 + 1e-7) / 1000;
  snprintf(buf, n, "%.3f", p);
  char *e = buf + strlen(buf);
  while (e > buf && e[-1] == '0')
    *--e = '\0';
  if (e > buf && e[-1] == '.')
    *--e = '\0';
  strncat(buf, "%", n - strlen(buf) - 1);
  return buf;
}

const char *history_money(double x, const char *currency, char *buf, size_t n) {
  snprintf(buf, n, "%s%s%.2f", currency ? currency : "", currency ? " " : "", x);
  return buf;
}

static void total_text(FILE *f, const char *lead, const struct hr_compliance_total *s, const char *where) {
  char m[64];
  fprintf(f, "%s%zu period%s with data, %zu missed, %llu bad minute%s", lead, s->periods, s->periods == 1 ? "" : "s",
          s->missed, (unsigned long long)s->bad_minutes, s->bad_minutes == 1 ? "" : "s");
  if (s->mixed_currency)
    fprintf(f, ", cost in several currencies (see each %s)", where);
  else if (s->has_cost)
    fprintf(f, ", cost %s", history_money(s->cost, s->currency, m, sizeof m));
  if (s->nodata > 0)
    fprintf(f, "; %zu period%s without data", s->nodata, s->nodata == 1 ? "" : "s");
  fputc('\n', f);
}

/* "  NAME: composite of 2/3 x A + 1/3 x B, ZONE" */
static void composite_head(FILE *f, const struct hr_compliance *c, const struct hr_composite *k) {
  double wsum = 0;
  for (size_t i = 0; i < k->n; i++)
    wsum += k->weights[i];
  fprintf(f, "  %s: composite of ", k->slo.name);
  for (size_t i = 0; i < k->n; i++)
    fprintf(f, "%s%g/%g x %s", i ? " + " : "", k->weights[i], wsum, c->cfg->slos[k->members[i]].name);
  fprintf(f, ", %s\n", compliance_zone_name(&k->slo));
}

void history_text(FILE *f, const struct hr_compliance *c) {
  char a[40], b[40], at[40];
  fprintf(f, "Compliance by %s, periods overlapping %s .. %s (at %s), in each SLO's time zone.\n",
          compliance_unit_name(c->unit), time_format_rfc3339(c->from_us, a, sizeof a),
          time_format_rfc3339(c->to_us, b, sizeof b), time_format_rfc3339(c->at_us, at, sizeof at));
  int partial = 0, composite = 0;
  for (size_t i = 0; i < c->nrows; i++)
    composite |= c->rows[i].comp != NULL;
  for (size_t k = 0; k < c->nservices; k++) {
    const struct hr_compliance_total *s = &c->services[k];
    fprintf(f, "\n%s\n", s->name);
    const struct hr_slo *cur = NULL;
    for (size_t i = 0; i < c->nrows; i++) {
      const struct hr_compliance_row *r = &c->rows[i];
      if (strcmp(r->slo->service ? r->slo->service : "", s->name) != 0)
        continue;
      char t[32], lb[32], m[64];
      if (r->slo != cur) {
        cur = r->slo;
        if (r->comp != NULL)
          composite_head(f, c, r->comp);
        else
          fprintf(f, "  %s: target %s, %s%s%s\n", cur->name, sli_pct(cur->target, t, sizeof t),
                  compliance_zone_name(cur), r->part_of ? ", a component of " : "",
                  r->part_of ? r->part_of->slo.name : "");
        fprintf(f, "    %-11s %12s %10s  %-6s %9s %8s%s\n", "period", "valid", "SLI", "target", "budget", "bad min",
                cur->cost_set ? "  cost" : "");
      }
      history_label(c, r, lb, sizeof lb);
      if (!r->complete) {
        strncat(lb, "*", sizeof lb - strlen(lb) - 1);
        partial = 1;
      }
      if (!r->has_data) {
        fprintf(f, "    %-11s %12s  no data\n", lb, "0");
        continue;
      }
      char pct[32];
      snprintf(pct, sizeof pct, "%.1f%%", r->budget_consumed * 100);
      fprintf(f, "    %-11s %12llu %10s  %-6s %9s %8llu%s%s\n", lb, (unsigned long long)r->valid,
              sli_pct(r->sli, t, sizeof t), r->met ? "met" : "MISSED", pct, (unsigned long long)r->bad_minutes,
              r->has_cost ? "  " : "", r->has_cost ? history_money(r->cost, r->slo->currency, m, sizeof m) : "");
    }
    total_text(f, "  total: ", s, "SLO");
  }
  if (c->nrows == 0)
    fputs("\nno SLO chosen\n", f);
  else if (c->nservices > 1) {
    fputc('\n', f);
    total_text(f, "All services: ", &c->all, "service");
  }
  if (partial)
    fprintf(f, "\n* not over at %s: counted up to then.\n", at);
  fputs("budget: the share of the period's error budget its bad events used (over 100%: overspent); bad min: "
        "minutes whose own SLI was below the target.\n",
        f);
  if (composite)
    fputs("composite: SLI and budget are the weighted means of its components' (SLI over those with data); met "
          "while its budget consumed is at most 100%; bad min: minutes whose weighted consumption was above 100%; "
          "its components count in the totals through it only.\n",
          f);
}
