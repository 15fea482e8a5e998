/* history_html.c -- `history --format html`: one self-contained page for a
 * review meeting (docs/cli/history.md). Per service a table: one row per
 * SLO with a sparkline of its SLI by period (inline SVG, the target as a
 * dashed line, misses in red), one cell per period (SLI, budget used, bad
 * minutes, cost; misses in red, no data in grey), the SLO's totals; the
 * service's totals above it. No script, no network, no external file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "render/history.h"
#include "util/xmalloc.h"

static void esc(FILE *f, const char *s) {
  for (; s != NULL && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

static const char style[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px 32px;color:#1d232a;background:#fff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px}.sub{color:#5b6470;margin:0 0 12px}"
    ".sum{margin:0 0 8px}.sum b{font-weight:600}.bad{color:#b3261e;font-weight:600}"
    "table{border-collapse:collapse;margin:4px 0 8px}th,td{border:1px solid #d6dbe1;padding:5px 8px;"
    "vertical-align:top;text-align:right}th{background:#f3f5f7;font-weight:600;font-size:13px}"
    "td.slo{text-align:left;white-space:nowrap}td.slo small{color:#5b6470}td.spark{padding:3px 6px}"
    "td.p{min-width:92px}td.p .v{font-size:15px;font-weight:600}td.p small{display:block;color:#5b6470}"
    "td.met{background:#eef7ee}td.miss{background:#fde8e6}td.miss .v{color:#b3261e}"
    "td.nodata{background:#f5f5f5;color:#8a9099;text-align:center}td.tot{background:#fafbfc;white-space:nowrap}"
    "td.tot small{display:block;color:#5b6470}th.l{text-align:left}tr.composite td.slo{font-weight:600}tr.composite "
    "td.slo small{font-weight:400}"
    "tr.component td.slo{padding-left:22px}"
    ".part{color:#8a9099;font-weight:400}footer{color:#5b6470;font-size:12px;margin-top:24px;max-width:900px}";

/* Distinct labels of the service's rows, in time order (ISO labels sort as text). */
static size_t labels_of(const struct hr_compliance *c, const char *svc, char (*lab)[32], size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < c->nrows; i++) {
    const struct hr_compliance_row *r = &c->rows[i];
    if (strcmp(r->slo->service ? r->slo->service : "", svc) != 0)
      continue;
    char lb[32];
    history_label(c, r, lb, sizeof lb);
    size_t k = 0;
    while (k < n && strcmp(lab[k], lb) < 0)
      k++;
    if ((k < n && strcmp(lab[k], lb) == 0) || n == cap)
      continue;
    memmove(lab[k + 1], lab[k], (n - k) * sizeof lab[0]);
    memcpy(lab[k], lb, sizeof lb);
    n++;
  }
  return n;
}

/* The sparkline of the rows [a, b) of one SLO: SLI by period, y from hi = 1
 * down to lo (the lowest SLI, or target - (1 - target)), the target dashed;
 * not for a composite, whose weighted SLI is not what it is held to (its
 * budget is): a point above a dashed line would read met when it missed. */
static void sparkline(FILE *f, const struct hr_compliance_row *rows, size_t a, size_t b) {
  const double W = 150, H = 40, P = 4;
  double target = rows[a].slo->target, lo = target - (1 - target);
  for (size_t i = a; i < b; i++)
    if (rows[i].has_data && rows[i].sli < lo)
      lo = rows[i].sli;
  if (lo < 0)
    lo = 0;
  if (lo >= 1)
    lo = 0.99;
  double dx = b - a > 1 ? (W - 2 * P) / (double)(b - a - 1) : 0;
#define Y(v) (P + (1 - (v)) / (1 - lo) * (H - 2 * P))
  fprintf(f, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"SLI by period\">",
          W, H, W, H);
  if (rows[a].comp == NULL)
    fprintf(f, "<line x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#8a9099\" stroke-dasharray=\"3 3\"/>", W,
            Y(target), Y(target));
  fputs("<polyline fill=\"none\" stroke=\"#3465a4\" stroke-width=\"1.5\" points=\"", f);
  for (size_t i = a; i < b; i++)
    if (rows[i].has_data)
      fprintf(f, "%.1f,%.1f ", P + dx * (double)(i - a), Y(rows[i].sli));
  fputs("\"/>", f);
  for (size_t i = a; i < b; i++) {
    double x = b - a > 1 ? P + dx * (double)(i - a) : W / 2;
    if (rows[i].has_data)
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>", x, Y(rows[i].sli), rows[i].met ? "2" : "3.2",
              rows[i].met ? "#3465a4" : "#c62828");
    else
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"none\" stroke=\"#b0b6bd\"/>", x, H - P);
  }
#undef Y
  fputs("</svg>", f);
}

static void cell(FILE *f, const struct hr_compliance_row *r) {
  char m[64];
  if (!r->has_data) {
    fputs("<td class=\"p nodata\">no data</td>", f);
    return;
  }
  fprintf(f, "<td class=\"p %s\"><span class=\"v\">%.3f%%</span>%s", r->met ? "met" : "miss",
          floor(r->sli * 100000 + 1e-7) / 1000, r->complete ? "" : " <span class=\"part\">so far</span>");
  fprintf(f, "<small>%s &middot; budget %.0f%%</small>", r->met ? "met" : "missed", r->budget_consumed * 100);
  fprintf(f, "<small>%llu bad min</small>", (unsigned long long)r->bad_minutes);
  if (r->has_cost) {
    fputs("<small>", f);
    esc(f, history_money(r->cost, r->slo->currency, m, sizeof m));
    fputs("</small>", f);
  }
  fputs("</td>", f);
}

static void total_cell(FILE *f, const struct hr_compliance_total *t) {
  char m[64];
  fprintf(f, "<td class=\"tot\">%s%zu of %zu missed%s<small>%llu bad min</small>",
          t->missed ? "<span class=\"bad\">" : "", t->missed, t->periods, t->missed ? "</span>" : "",
          (unsigned long long)t->bad_minutes);
  if (t->mixed_currency)
    fputs("<small>several currencies</small>", f);
  else if (t->has_cost) {
    fputs("<small><b>", f);
    esc(f, history_money(t->cost, t->currency, m, sizeof m));
    fputs("</b></small>", f);
  }
  fputs("</td>", f);
}

static const struct hr_compliance_total *slo_total(const struct hr_compliance *c, const char *name) {
  for (size_t i = 0; i < c->nslos; i++)
    if (strcmp(c->slos[i].name, name) == 0)
      return &c->slos[i];
  return NULL;
}

/* The line of a total: periods missed, bad minutes, cost, periods without
 * data; the <p> is left open. */
static void summary(FILE *f, const char *lead, const struct hr_compliance_total *t, const char *where) {
  char m[64];
  fprintf(f, "<p class=\"sum\">%s%s%zu of %zu periods missed%s &middot; <b>%llu</b> bad minutes", lead,
          t->missed ? "<span class=\"bad\">" : "", t->missed, t->periods, t->missed ? "</span>" : "",
          (unsigned long long)t->bad_minutes);
  if (t->mixed_currency)
    fprintf(f, " &middot; costs in several currencies (%s)", where);
  else if (t->has_cost) {
    fputs(" &middot; cost <b>", f);
    esc(f, history_money(t->cost, t->currency, m, sizeof m));
    fputs("</b>", f);
  }
  if (t->nodata)
    fprintf(f, " &middot; %zu without data", t->nodata);
}

static void service_html(FILE *f, const struct hr_compliance *c, const struct hr_compliance_total *s) {
  size_t cap = HR_COMPLIANCE_MAX_PERIODS + 2;
  char(*lab)[32] = xcalloc(cap, sizeof *lab);
  size_t nl = labels_of(c, s->name, lab, cap);
  fputs("<section><h2>", f);
  esc(f, s->name);
  fputs("</h2>", f);
  summary(f, "", s, "see each SLO");
  fputs("</p><table><thead><tr><th class=\"l\">SLO</th><th class=\"l\">SLI by period</th>", f);
  for (size_t k = 0; k < nl; k++) {
    fputs("<th>", f);
    esc(f, lab[k]);
    fputs("</th>", f);
  }
  fputs("<th>total</th></tr></thead><tbody>\n", f);
  for (size_t a = 0; a < c->nrows;) {
    size_t b = a + 1;
    while (b < c->nrows && c->rows[b].slo == c->rows[a].slo)
      b++;
    const struct hr_slo *slo = c->rows[a].slo;
    if (strcmp(slo->service ? slo->service : "", s->name) == 0) {
      fprintf(f, "<tr class=\"%s\"><td class=\"slo\">", history_kind(&c->rows[a]));
      esc(f, slo->display_name ? slo->display_name : slo->name);
      const struct hr_compliance_row *r0 = &c->rows[a];
      if (r0->comp != NULL) {
        fputs("<br><small>composite: ", f);
        for (size_t i = 0; i < r0->comp->n; i++) {
          fprintf(f, "%s%g &times; ", i ? " + " : "", r0->comp->weights[i]);
          esc(f, c->cfg->slos[r0->comp->members[i]].name);
        }
        fputs("<br>met while its budget consumed &le; 100%", f);
      } else
        fprintf(f, "<br><small>target %g%%", slo->target * 100);
      if (r0->part_of != NULL) {
        fputs(" &middot; a component of ", f);
        esc(f, r0->part_of->slo.name);
      }
      fputs(" &middot; ", f);
      esc(f, compliance_zone_name(slo));
      fputs("</small></td><td class=\"spark\">", f);
      sparkline(f, c->rows, a, b);
      fputs("</td>", f);
      size_t i = a;
      for (size_t k = 0; k < nl; k++) {
        char lb[32];
        if (i < b && strcmp(history_label(c, &c->rows[i], lb, sizeof lb), lab[k]) == 0)
          cell(f, &c->rows[i++]);
        else
          fputs("<td class=\"p nodata\">&ndash;</td>", f);
      }
      const struct hr_compliance_total *t = slo_total(c, slo->name);
      if (t != NULL)
        total_cell(f, t);
      fputs("</tr>\n", f);
    }
    a = b;
  }
  fputs("</tbody></table></section>\n", f);
  free(lab);
}

void history_html(FILE *f, const struct hr_compliance *c) {
  char a[40], b[40], at[40];
  const char *unit = compliance_unit_name(c->unit);
  fprintf(f,
          "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<title>SLO compliance by %s</title><style>%s</style></head><body>\n",
          unit, style);
  fprintf(f,
          "<h1>SLO compliance by %s</h1><p class=\"sub\">Periods overlapping %s &ndash; %s, each in its SLO's time "
          "zone; evaluated at %s. Made by headroom history.</p>\n",
          unit, time_format_rfc3339(c->from_us, a, sizeof a), time_format_rfc3339(c->to_us, b, sizeof b),
          time_format_rfc3339(c->at_us, at, sizeof at));
  summary(f, "All services: ", &c->all, "see each service");
  fputs("</p>\n", f);
  for (size_t k = 0; k < c->nservices; k++)
    service_html(f, c, &c->services[k]);
  if (c->nservices == 0)
    fputs("<p>No SLO chosen.</p>\n", f);
  fputs("<footer><p><b>SLI</b>: good events / valid events of the period (cut, not rounded). <b>budget</b>: the share "
        "of the period's error budget its bad events used; over 100% is overspent. <b>bad min</b>: minutes whose own "
        "SLI was below the target (minutes without events are good), the downtime reading. <b>cost</b>: bad events "
        "&times; headroom.dev/cost-per-bad-event + bad minutes &times; headroom.dev/cost-per-bad-minute. "
        "<b>composite</b>: its SLI is the weighted mean of its components' and its budget consumed the weighted mean "
        "of theirs; it is met while that is at most 100%, and a minute is bad when the weighted consumption of that "
        "minute is above 100%; its components are indented under it and count in the totals through it only. "
        "<b>so far</b>: the period was not over at the evaluation instant. <b>no data</b>: no valid event in the "
        "period: never counted as met.</p></footer>\n</body></html>\n",
        f);
}
