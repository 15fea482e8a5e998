/* grafana.c -- see grafana.h and docs/prometheus.md, "Grafana dashboards".
 *
 * The JSON model of a Grafana dashboard (schemaVersion 39: Grafana 10 and
 * later import it; older ones migrate it), written with jw. Panels are
 * placed on Grafana's 24-column grid. */
#include "render/grafana.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jw.h"
#include "util/xmalloc.h"

#define LIST_UID "headroom-slos"
#define DETAIL_UID "headroom-slo-detail"

int grafana_kind_from_name(const char *name) {
  if (strcmp(name, "list") == 0)
    return HR_GRAFANA_LIST;
  if (strcmp(name, "detail") == 0)
    return HR_GRAFANA_DETAIL;
  return -1;
}

/* One query of a panel. */
struct q {
  const char *expr;
  const char *legend; /* NULL: none */
};

struct pos {
  int x, y, w, h;
};

static void datasource(struct hr_jw *w) {
  jw_obj(w, "datasource");
  jw_str(w, "type", "prometheus");
  jw_str(w, "uid", "${datasource}");
  jw_obj_end(w);
}

/* targets: refIds A, B, ...; instant queries as tables (the list's table,
 * the figures) or range queries (graphs). */
static void targets(struct hr_jw *w, const struct q *q, size_t n, int instant) {
  jw_arr(w, "targets");
  for (size_t i = 0; i < n; i++) {
    char ref[2] = {(char)('A' + i), 0};
    jw_obj(w, NULL);
    datasource(w);
    jw_str(w, "editorMode", "code");
    jw_str(w, "expr", q[i].expr);
    jw_str(w, "format", instant ? "table" : "time_series");
    jw_bool(w, "instant", instant);
    jw_bool(w, "range", !instant);
    jw_str(w, "legendFormat", q[i].legend ? q[i].legend : "__auto");
    jw_str(w, "refId", ref);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

static void grid(struct hr_jw *w, struct pos p) {
  jw_obj(w, "gridPos");
  jw_int(w, "x", p.x);
  jw_int(w, "y", p.y);
  jw_int(w, "w", p.w);
  jw_int(w, "h", p.h);
  jw_obj_end(w);
}

/* thresholds (under key): red below `at`, green from it (NULL: none) */
static void thresholds(struct hr_jw *w, const char *key, const double *at) {
  jw_obj(w, key);
  jw_str(w, "mode", "absolute");
  jw_arr(w, "steps");
  jw_obj(w, NULL);
  jw_str(w, "color", at ? "red" : "green");
  jw_null(w, "value");
  jw_obj_end(w);
  if (at != NULL) {
    jw_obj(w, NULL);
    jw_str(w, "color", "green");
    jw_num(w, "value", *at);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_obj_end(w);
}

static void panel_head(struct hr_jw *w, int *id, const char *type, const char *title, const char *desc, struct pos p) {
  jw_obj(w, NULL);
  jw_int(w, "id", (*id)++);
  jw_str(w, "type", type);
  jw_str(w, "title", title);
  jw_str(w, "description", desc);
  datasource(w);
  grid(w, p);
}

/* A single figure: the last value of one instant query. */
static void stat(struct hr_jw *w, int *id, const char *title, const char *desc, struct pos p, const char *unit,
                 const double *red_below, const char *expr) {
  panel_head(w, id, "stat", title, desc, p);
  jw_obj(w, "fieldConfig");
  jw_obj(w, "defaults");
  jw_str(w, "unit", unit);
  jw_int(w, "decimals", strcmp(unit, "percentunit") == 0 ? 3 : 0);
  jw_obj(w, "color");
  jw_str(w, "mode", "thresholds");
  jw_obj_end(w);
  thresholds(w, "thresholds", red_below);
  jw_obj_end(w);
  jw_arr(w, "overrides");
  jw_arr_end(w);
  jw_obj_end(w);
  jw_obj(w, "options");
  jw_str(w, "colorMode", "value");
  jw_str(w, "graphMode", "none");
  jw_obj(w, "reduceOptions");
  jw_arr(w, "calcs");
  jw_str(w, NULL, "lastNotNull");
  jw_arr_end(w);
  jw_obj_end(w);
  jw_obj_end(w);
  struct q q = {expr, NULL};
  targets(w, &q, 1, 1);
  jw_obj_end(w);
}

/* A graph of range queries. */
static void graph(struct hr_jw *w, int *id, const char *title, const char *desc, struct pos p, const char *unit,
                  const struct q *q, size_t n) {
  panel_head(w, id, "timeseries", title, desc, p);
  jw_obj(w, "fieldConfig");
  jw_obj(w, "defaults");
  jw_str(w, "unit", unit);
  jw_obj(w, "custom");
  jw_int(w, "fillOpacity", 10);
  jw_bool(w, "spanNulls", 1);
  jw_obj_end(w);
  jw_obj_end(w);
  jw_arr(w, "overrides");
  jw_arr_end(w);
  jw_obj_end(w);
  jw_obj(w, "options");
  jw_obj(w, "legend");
  jw_str(w, "displayMode", "list");
  jw_str(w, "placement", "bottom");
  jw_bool(w, "showLegend", 1);
  jw_obj_end(w);
  jw_obj_end(w);
  targets(w, q, n, 0);
  jw_obj_end(w);
}

/* An override of a table column: Value #REF renamed, with a unit. */
static void column(struct hr_jw *w, const char *ref, const char *name, const char *unit, int decimals,
                   const double *red_below) {
  char field[16];
  snprintf(field, sizeof field, "Value #%s", ref);
  jw_obj(w, NULL);
  jw_obj(w, "matcher");
  jw_str(w, "id", "byName");
  jw_str(w, "options", field);
  jw_obj_end(w);
  jw_arr(w, "properties");
  jw_obj(w, NULL);
  jw_str(w, "id", "displayName");
  jw_str(w, "value", name);
  jw_obj_end(w);
  jw_obj(w, NULL);
  jw_str(w, "id", "unit");
  jw_str(w, "value", unit);
  jw_obj_end(w);
  if (decimals >= 0) {
    jw_obj(w, NULL);
    jw_str(w, "id", "decimals");
    jw_int(w, "value", decimals);
    jw_obj_end(w);
  }
  if (red_below != NULL) {
    jw_obj(w, NULL);
    jw_str(w, "id", "custom.cellOptions");
    jw_obj(w, "value");
    jw_str(w, "type", "color-text");
    jw_obj_end(w);
    jw_obj_end(w);
    jw_obj(w, NULL);
    jw_str(w, "id", "thresholds");
    thresholds(w, "value", red_below);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_obj_end(w);
}

static void hide_columns(struct hr_jw *w, const char *regex) {
  jw_obj(w, NULL);
  jw_obj(w, "matcher");
  jw_str(w, "id", "byRegexp");
  jw_str(w, "options", regex);
  jw_obj_end(w);
  jw_arr(w, "properties");
  jw_obj(w, NULL);
  jw_str(w, "id", "custom.hidden");
  jw_bool(w, "value", 1);
  jw_obj_end(w);
  jw_arr_end(w);
  jw_obj_end(w);
}

/* The list's table: one row per SLO, joined on (service, slo). */
static void slo_table(struct hr_jw *w, int *id, struct pos p) {
  static const struct q q[] = {
      {"sum by (service, slo) (headroom_slo:objective:ratio{service=~\"$service\"})", NULL},
      {"sum by (service, slo) (headroom_slo:window:seconds{service=~\"$service\"})", NULL},
      {"sum by (service, slo) (headroom_slo:sli:ratio{service=~\"$service\"})", NULL},
      {"sum by (service, slo) (headroom_slo:budget_remaining:ratio{service=~\"$service\"})", NULL},
      {"sum by (service, slo) (headroom_slo:burn_rate:ratio{service=~\"$service\",window=\"1h\"})", NULL},
      {"sum by (service, slo) (ALERTS{alertstate=\"firing\",service=~\"$service\",slo!=\"\"}) or sum by (service, "
       "slo) (headroom_slo:objective:ratio{service=~\"$service\"}) * 0",
       NULL},
  };
  static const double zero = 0;
  panel_head(w, id, "table", "Service level objectives",
             "Every SLO of the rules: its objective and window, the SLI and the error budget left over the window, "
             "the burn rate over the last hour (1 spends the budget exactly by the end of the window), and its "
             "alerts firing. An SLO's name opens its detail.",
             p);
  jw_obj(w, "fieldConfig");
  jw_obj(w, "defaults");
  jw_obj(w, "custom");
  jw_str(w, "align", "auto");
  jw_obj_end(w);
  jw_obj_end(w);
  jw_arr(w, "overrides");
  hide_columns(w, "^Time.*");
  column(w, "A", "Objective", "percentunit", 3, NULL);
  column(w, "B", "Window", "dtdurations", -1, NULL);
  column(w, "C", "SLI", "percentunit", 3, NULL);
  column(w, "D", "Budget left", "percentunit", 1, &zero);
  column(w, "E", "Burn rate 1h", "none", 2, NULL);
  column(w, "F", "Alerts firing", "none", 0, NULL);
  jw_obj(w, NULL);
  jw_obj(w, "matcher");
  jw_str(w, "id", "byName");
  jw_str(w, "options", "slo");
  jw_obj_end(w);
  jw_arr(w, "properties");
  jw_obj(w, NULL);
  jw_str(w, "id", "links");
  jw_arr(w, "value");
  jw_obj(w, NULL);
  jw_str(w, "title", "Detail of ${__data.fields.slo}");
  jw_str(w, "url",
         "/d/" DETAIL_UID "?var-service=${__data.fields.service}&var-slo=${__data.fields.slo}&${__url_time_range}"
         "&${datasource:queryparam}");
  jw_obj_end(w);
  jw_arr_end(w);
  jw_obj_end(w);
  jw_arr_end(w);
  jw_obj_end(w);
  jw_arr_end(w);
  jw_obj_end(w);
  jw_obj(w, "options");
  jw_bool(w, "showHeader", 1);
  jw_arr(w, "sortBy");
  jw_obj(w, NULL);
  jw_str(w, "displayName", "Budget left");
  jw_bool(w, "desc", 0);
  jw_obj_end(w);
  jw_arr_end(w);
  jw_obj_end(w);
  targets(w, q, sizeof q / sizeof q[0], 1);
  jw_arr(w, "transformations");
  jw_obj(w, NULL);
  jw_str(w, "id", "merge");
  jw_obj(w, "options");
  jw_obj_end(w);
  jw_obj_end(w);
  jw_arr_end(w);
  jw_obj_end(w);
}

/* A query variable over label_values(). */
static void variable(struct hr_jw *w, const char *name, const char *label, const char *query, int all) {
  jw_obj(w, NULL);
  jw_str(w, "name", name);
  jw_str(w, "label", label);
  jw_str(w, "type", "query");
  datasource(w);
  jw_obj(w, "query");
  jw_str(w, "query", query);
  jw_str(w, "refId", "PrometheusVariableQueryEditor-VariableQuery");
  jw_obj_end(w);
  jw_str(w, "definition", query);
  jw_int(w, "refresh", 2); /* on time range change */
  jw_int(w, "sort", 1);
  jw_bool(w, "includeAll", all);
  jw_bool(w, "multi", all);
  if (all)
    jw_str(w, "allValue", ".*");
  jw_obj(w, "current");
  jw_obj_end(w);
  jw_obj_end(w);
}

static void templating(struct hr_jw *w, int detail) {
  jw_obj(w, "templating");
  jw_arr(w, "list");
  jw_obj(w, NULL);
  jw_str(w, "name", "datasource");
  jw_str(w, "label", "Prometheus");
  jw_str(w, "type", "datasource");
  jw_str(w, "query", "prometheus");
  jw_int(w, "refresh", 1);
  jw_obj(w, "current");
  jw_obj_end(w);
  jw_obj_end(w);
  variable(w, "service", "Service", "label_values(headroom_slo:objective:ratio, service)", !detail);
  if (detail)
    variable(w, "slo", "SLO", "label_values(headroom_slo:objective:ratio{service=\"$service\"}, slo)", 0);
  jw_arr_end(w);
  jw_obj_end(w);
}

static void list_panels(struct hr_jw *w) {
  int id = 1;
  stat(w, &id, "SLOs", "SLOs with rules, of the services chosen.", (struct pos){0, 0, 8, 4}, "none", NULL,
       "count(headroom_slo:objective:ratio{service=~\"$service\"})");
  stat(w, &id, "Over budget", "SLOs whose error budget over their window is spent (budget left below 0).",
       (struct pos){8, 0, 8, 4}, "none", NULL,
       "count(headroom_slo:budget_remaining:ratio{service=~\"$service\"} < 0) or vector(0)");
  stat(w, &id, "Alerts firing", "headroom's burn-rate and exhaustion alerts firing now (ALERTS).",
       (struct pos){16, 0, 8, 4}, "none", NULL,
       "count(ALERTS{alertstate=\"firing\",slo!=\"\",service=~\"$service\"}) or vector(0)");
  slo_table(w, &id, (struct pos){0, 4, 24, 18});
}

static void detail_panels(struct hr_jw *w) {
  int id = 1;
  static const double zero = 0;
#define SEL "service=\"$service\",slo=\"$slo\""
  stat(w, &id, "Objective", "The SLO's target.", (struct pos){0, 0, 6, 4}, "percentunit", NULL,
       "headroom_slo:objective:ratio{" SEL "}");
  stat(w, &id, "SLI", "Good events / valid events over the SLO's window.", (struct pos){6, 0, 6, 4}, "percentunit",
       NULL, "headroom_slo:sli:ratio{" SEL "}");
  stat(w, &id, "Error budget left", "1 - errors / (valid x (1 - objective)) over the window; below 0: spent.",
       (struct pos){12, 0, 6, 4}, "percentunit", &zero, "headroom_slo:budget_remaining:ratio{" SEL "}");
  stat(w, &id, "Window", "The SLO's window (rolling; a calendar window is summed as a rolling one).",
       (struct pos){18, 0, 6, 4}, "dtdurations", NULL, "headroom_slo:window:seconds{" SEL "}");
  static const struct q budget[] = {{"headroom_slo:budget_remaining:ratio{" SEL "}", "budget left"}};
  graph(w, &id, "Error budget left", "The error budget left over the window, as it was at each instant.",
        (struct pos){0, 4, 12, 8}, "percentunit", budget, 1);
  static const struct q burn[] = {{"headroom_slo:burn_rate:ratio{" SEL ",window=~\"5m|1h|6h|3d\"}", "{{window}}"}};
  graph(w, &id, "Burn rate",
        "How fast the budget burns over each lookback: 1 spends it exactly by the end of the window; the alerts "
        "page on a long and a short window both above their factor (14.4 over 1h and 5m by default).",
        (struct pos){12, 4, 12, 8}, "none", burn, 1);
  static const struct q ratio[] = {{"headroom_slo:burn_rate:ratio{" SEL
                                    ",window=~\"5m|1h\"} * on (service, slo) group_left () (1 - "
                                    "headroom_slo:objective:ratio{" SEL "})",
                                    "error ratio {{window}}"},
                                   {"1 - headroom_slo:objective:ratio{" SEL "}", "allowed"}};
  graph(w, &id, "Error ratio",
        "Errors / valid events over the last 5 minutes and hour, against what the objective "
        "allows.",
        (struct pos){0, 12, 12, 8}, "percentunit", ratio, 2);
  static const struct q events[] = {{"headroom_slo:valid:increase{" SEL ",window=\"5m\"}", "valid events, last 5m"}};
  graph(w, &id, "Events", "Valid events counted over the last 5 minutes.", (struct pos){12, 12, 12, 8}, "none", events,
        1);
  static const struct q alerts[] = {{"count(ALERTS{alertstate=\"firing\"," SEL "}) or vector(0)", "alerts firing"}};
  graph(w, &id, "Alerts firing", "The SLO's alerts firing (ALERTS), 0 when none.", (struct pos){0, 20, 24, 6}, "none",
        alerts, 1);
#undef SEL
}

char *grafana_render(const struct hr_config *cfg, enum hr_grafana_kind kind, const char *origin, struct hr_err *err) {
  if (kind != HR_GRAFANA_LIST && kind != HR_GRAFANA_DETAIL) {
    HR_FAIL(err, HR_ERR_USAGE, "unknown dashboard kind %d", (int)kind);
    return NULL;
  }
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  if (f == NULL) {
    HR_FAIL(err, HR_ERR_IO, "cannot open a memory stream");
    return NULL;
  }
  int detail = kind == HR_GRAFANA_DETAIL;
  struct hr_jw jw, *w = &jw;
  jw_init(w, f, 1);
  jw_obj(w, NULL);
  jw_str(w, "uid", detail ? DETAIL_UID : LIST_UID);
  jw_str(w, "title", detail ? "headroom / SLO detail" : "headroom / SLOs");
  char *desc = xasprintf("Generated by `headroom rules --grafana %s`%s%s (%zu SLOs). Reads the series of `headroom "
                         "rules` (docs/prometheus.md).",
                         detail ? "detail" : "list", origin ? " from " : "", origin ? origin : "", cfg->nslos);
  jw_str(w, "description", desc);
  free(desc);
  jw_arr(w, "tags");
  jw_str(w, NULL, "headroom");
  jw_str(w, NULL, "slo");
  jw_arr_end(w);
  jw_int(w, "schemaVersion", 39);
  jw_bool(w, "editable", 1);
  jw_str(w, "refresh", "1m");
  jw_obj(w, "time");
  jw_str(w, "from", detail ? "now-7d" : "now-6h");
  jw_str(w, "to", "now");
  jw_obj_end(w);
  jw_arr(w, "links");
  jw_obj(w, NULL);
  jw_str(w, "title", detail ? "All SLOs" : "SLO detail");
  jw_str(w, "type", "link");
  jw_str(w, "url", detail ? "/d/" LIST_UID : "/d/" DETAIL_UID);
  jw_bool(w, "keepTime", 1);
  jw_bool(w, "includeVars", 0);
  jw_obj_end(w);
  jw_arr_end(w);
  templating(w, detail);
  jw_arr(w, "panels");
  if (detail)
    detail_panels(w);
  else
    list_panels(w);
  jw_arr_end(w);
  jw_obj_end(w);
  fputc('\n', f);
  if (fclose(f) != 0) {
    free(text);
    HR_FAIL(err, HR_ERR_IO, "cannot write the dashboard");
    return NULL;
  }
  return text;
}
