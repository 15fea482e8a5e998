/* openslo_slo.c -- SLI and SLO documents for the OpenSLO loader (see
 * openslo_impl.h): ratio metrics and their data source, the time window, the
 * objectives (one struct hr_slo each), the SLO's headroom.dev annotations
 * (min-events, status-thresholds, exclude) and, once every kind is built,
 * each SLO's source, policies and lookbacks. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/openslo_impl.h"
#include "core/alert.h"
#include "core/timeparse.h"
#include "core/tz.h"
#include "util/xmalloc.h"

#define US_MIN ((int64_t)60 * 1000000)
#define US_HOUR (60 * US_MIN)
#define US_DAY (24 * US_HOUR)

/* ------------------------------------------------------------------ SLI */

struct msrc {
  yaml_node_t *node; /* the metricSource mapping */
  const char *ref, *type, *filter;
  yaml_node_t *refnode, *filternode, *specnode;
  yaml_node_t *groupnode; /* spec.groupBy (a list), or NULL */
  double max_groups;      /* spec.maxGroups; 0: absent */
};

struct sli {
  const char *name;
  struct msrc good, bad, total;
  int have_good, have_bad, have_total;
  int unsupported; /* thresholdMetric / raw: loaded, not evaluated */
  yaml_node_t *at;
};

static int parse_msrc(struct ld *L, struct doc *d, yaml_node_t *m, const char *which, struct msrc *o) {
  static const char *const mk[] = {"metricSource", NULL};
  static const char *const sk[] = {"metricSourceRef", "type", "spec", NULL};
  char where[64];
  snprintf(where, sizeof where, "ratioMetric.%s", which);
  memset(o, 0, sizeof *o);
  if (m->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, m, "%s must be a mapping with metricSource, found %s", where, ydoc_type_word(m));
    return -1;
  }
  ydoc_check_keys(L, d, m, mk, where);
  o->node = ydoc_want_map(L, d, m, "metricSource", 1, where);
  if (o->node == NULL)
    return -1;
  snprintf(where, sizeof where, "ratioMetric.%s.metricSource", which);
  ydoc_check_keys(L, d, o->node, sk, where);
  o->ref = ydoc_want_str(L, d, o->node, "metricSourceRef", 0, where, &o->refnode);
  o->type = ydoc_want_str(L, d, o->node, "type", 0, where, NULL);
  o->specnode = ydoc_mget(d, o->node, "spec");
  if (o->specnode != NULL && o->specnode->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, o->specnode, "%s.spec must be a mapping, found %s", where, ydoc_type_word(o->specnode));
    o->specnode = NULL;
  }
  o->filter = ydoc_want_str(L, d, o->specnode, "filter", 0, "metricSource.spec", &o->filternode);
  if (o->filter == NULL && o->filternode == NULL)
    o->filter = ydoc_want_str(L, d, o->specnode, "query", 0, "metricSource.spec", &o->filternode);
  o->groupnode = ydoc_want_seq(L, d, o->specnode, "groupBy", 0, "metricSource.spec");
  yaml_node_t *mg = NULL;
  if (ydoc_want_num(L, d, o->specnode, "maxGroups", 0, "metricSource.spec", &o->max_groups, &mg) == 1 &&
      (o->max_groups < 1 || o->max_groups > HR_MAX_GROUPS || o->max_groups != (double)(size_t)o->max_groups)) {
    ydoc_err_at(L, d, mg, "maxGroups must be a whole number from 1 to %d", HR_MAX_GROUPS);
    o->max_groups = 0;
  }
  if (mg != NULL && o->groupnode == NULL)
    ydoc_err_at(L, d, mg, "maxGroups without groupBy: name the fields to group by (groupBy: [path])");
  if (o->groupnode != NULL && strcmp(which, "total") != 0)
    ydoc_err_at(L, d, o->groupnode, "groupBy belongs in ratioMetric.total's metricSource.spec, not in %s's", which);
  return 0;
}

/* spec: an SLI spec mapping (SLI document's spec, or indicator.spec). */
static void parse_sli(struct ld *L, struct doc *d, yaml_node_t *spec, const char *name, struct sli *o) {
  static const char *const keys[] = {"description", "thresholdMetric", "ratioMetric", NULL};
  static const char *const rk[] = {"counter", "good", "bad", "total", "rawType", "raw", NULL};
  memset(o, 0, sizeof *o);
  o->name = name;
  o->at = spec;
  ydoc_check_keys(L, d, spec, keys, "SLI.spec");
  yaml_node_t *rm = ydoc_mget(d, spec, "ratioMetric"), *tm = ydoc_mget(d, spec, "thresholdMetric");
  if (rm == NULL) {
    if (tm != NULL) {
      ydoc_warn_at(L, d, ydoc_mkey(d, spec, "thresholdMetric"),
                   "thresholdMetric SLIs are not evaluated by headroom (use a ratioMetric); SLO skipped");
      o->unsupported = 1;
    } else
      ydoc_err_at(L, d, spec, "SLI '%s' needs a ratioMetric", name);
    return;
  }
  if (tm != NULL)
    ydoc_err_at(L, d, tm, "an SLI has either ratioMetric or thresholdMetric, not both");
  if (rm->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, rm, "ratioMetric must be a mapping, found %s", ydoc_type_word(rm));
    return;
  }
  ydoc_check_keys(L, d, rm, rk, "ratioMetric");
  int b;
  ydoc_want_bool(L, d, rm, "counter", "ratioMetric", &b);
  yaml_node_t *g = ydoc_mget(d, rm, "good"), *bd = ydoc_mget(d, rm, "bad"), *t = ydoc_mget(d, rm, "total");
  if (g == NULL && bd == NULL) {
    if (ydoc_mget(d, rm, "raw") != NULL) {
      ydoc_warn_at(L, d, ydoc_mkey(d, rm, "raw"), "raw ratio metrics are not evaluated by headroom; SLO skipped");
      o->unsupported = 1;
    } else
      ydoc_err_at(L, d, rm, "ratioMetric needs good or bad");
    return;
  }
  if (g != NULL && bd != NULL)
    ydoc_err_at(L, d, bd, "ratioMetric has both good and bad: name one of them");
  if (g != NULL)
    o->have_good = parse_msrc(L, d, g, "good", &o->good) == 0;
  else
    o->have_bad = parse_msrc(L, d, bd, "bad", &o->bad) == 0;
  if (t != NULL)
    o->have_total = parse_msrc(L, d, t, "total", &o->total) == 0;
}

void openslo_slo_check_sli(struct ld *L, struct doc *d) {
  struct sli s;
  parse_sli(L, d, d->spec, d->name, &s);
}

/* -------------------------------------------------- headroom annotations */

/* The YAML held by annotation key of d, loaded into sd->y: returns its root
 * (the caller deletes sd->y), or NULL when the annotation is absent or not
 * YAML (reported at *an). */
static yaml_node_t *sub_annotation(struct ld *L, struct doc *d, const char *key, yaml_node_t **an, struct doc *sd) {
  const char *s = ydoc_annotation(d, key, an);
  if (s == NULL)
    return NULL;
  memset(sd, 0, sizeof *sd);
  char msg[256];
  if (ydoc_sub_yaml(s, &sd->y, msg, sizeof msg) != 0) {
    ydoc_err_at(L, d, *an, "%s: %s", key, msg);
    return NULL;
  }
  return yaml_document_get_root_node(&sd->y);
}

/* window_us: the SLO's window (0: unknown), which the lookback may not exceed. */
static void parse_thresholds(struct ld *L, struct doc *d, struct hr_thresholds *t, int64_t window_us) {
  yaml_node_t *an;
  struct doc sd;
  yaml_node_t *root = sub_annotation(L, d, "headroom.dev/status-thresholds", &an, &sd);
  if (root == NULL)
    return;
  if (root->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, an,
                "headroom.dev/status-thresholds must hold a mapping {remaining: [..], burn: [..], lookback: ..}");
    goto out;
  }
  static const char *const keys[] = {"remaining", "burn"};
  for (int k = 0; k < 2; k++) {
    yaml_node_t *v = ydoc_mget(&sd, root, keys[k]);
    if (v == NULL)
      continue;
    double x[3];
    if (v->type != YAML_SEQUENCE_NODE || ydoc_seq_len(v) != 3 || ydoc_sub_num(&sd, ydoc_seq_at(&sd, v, 0), &x[0]) ||
        ydoc_sub_num(&sd, ydoc_seq_at(&sd, v, 1), &x[1]) || ydoc_sub_num(&sd, ydoc_seq_at(&sd, v, 2), &x[2])) {
      ydoc_err_at(L, d, an, "headroom.dev/status-thresholds: %s must be a list of three numbers", keys[k]);
      continue;
    }
    if (k == 0) {
      if (!(x[0] >= x[1] && x[1] >= x[2]) || x[0] > 1 || x[2] < -10)
        ydoc_err_at(L, d, an,
                    "headroom.dev/status-thresholds: remaining must be descending fractions (yellow, orange, red), "
                    "e.g. [0.7, 0.3, 0]");
      t->rem_yellow = x[0], t->rem_orange = x[1], t->rem_red = x[2];
    } else {
      if (!(x[0] > 0 && x[0] <= x[1] && x[1] <= x[2]))
        ydoc_err_at(L, d, an, "headroom.dev/status-thresholds: burn must be ascending positive rates, e.g. [2, 5, 10]");
      t->burn_yellow = x[0], t->burn_orange = x[1], t->burn_red = x[2];
    }
  }
  yaml_node_t *lb = ydoc_mget(&sd, root, "lookback");
  if (lb != NULL) {
    int64_t us;
    if (lb->type != YAML_SCALAR_NODE || duration_parse(ydoc_sval(lb), strlen(ydoc_sval(lb)), &us) != 0 || us <= 0)
      ydoc_err_at(L, d, an, "headroom.dev/status-thresholds: lookback must be a duration such as 1h");
    else if (ydoc_dur_in(L, d, an, "headroom.dev/status-thresholds: lookback", us, YDOC_MIN_US,
                         window_us > 0 ? window_us : YDOC_MAX_US, "the window", 0) == 0)
      t->burn_lookback_us = us;
  }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = ydoc_nd(&sd, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(ydoc_sval(k), "remaining") != 0 &&
        strcmp(ydoc_sval(k), "burn") != 0 && strcmp(ydoc_sval(k), "lookback") != 0)
      ydoc_warn_at(L, d, an, "headroom.dev/status-thresholds: unknown key '%s' (ignored)", ydoc_sval(k));
  }
out:
  yaml_document_delete(&sd.y);
}

static int weekday_bit(const char *s) {
  static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  static const char *const full[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; i++)
    if (strcasecmp(s, days[i]) == 0 || strcasecmp(s, full[i]) == 0)
      return i;
  return -1;
}

static void parse_exclusions(struct ld *L, struct doc *d, struct hr_slo *s) {
  yaml_node_t *an;
  struct doc sd;
  yaml_node_t *root = sub_annotation(L, d, "headroom.dev/exclude", &an, &sd);
  if (root == NULL)
    return;
  size_t n = root->type == YAML_SEQUENCE_NODE ? ydoc_seq_len(root) : 1;
  if (root->type != YAML_SEQUENCE_NODE && root->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, an,
                "headroom.dev/exclude must hold a list of {start, end, reason} or {days, at, duration} entries");
    goto out;
  }
  s->excl = xcalloc(n, sizeof *s->excl);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *e = root->type == YAML_SEQUENCE_NODE ? ydoc_seq_at(&sd, root, i) : root;
    struct hr_exclusion *x = &s->excl[s->nexcl];
    memset(x, 0, sizeof *x);
    if (e == NULL || e->type != YAML_MAPPING_NODE) {
      ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu must be a mapping", i + 1);
      continue;
    }
    yaml_node_t *st = ydoc_mget(&sd, e, "start"), *en = ydoc_mget(&sd, e, "end"), *days = ydoc_mget(&sd, e, "days"),
                *at = ydoc_mget(&sd, e, "at"), *dur = ydoc_mget(&sd, e, "duration"),
                *tz = ydoc_mget(&sd, e, "timeZone"), *reason = ydoc_mget(&sd, e, "reason");
    int bad = 0;
    char terr[256];
    if (st != NULL || en != NULL) {
      if (st == NULL || en == NULL || st->type != YAML_SCALAR_NODE || en->type != YAML_SCALAR_NODE) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu needs start and end as RFC 3339 times", i + 1);
        bad = 1;
      } else if (time_parse_instant("start", ydoc_sval(st), &x->start_us, terr, sizeof terr) != 0 ||
                 time_parse_instant("end", ydoc_sval(en), &x->end_us, terr, sizeof terr) != 0) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu: %s", i + 1, terr); /* never UTC assumed */
        bad = 1;
      } else if (x->end_us <= x->start_us) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu ends before it starts", i + 1);
        bad = 1;
      }
    } else if (days != NULL || at != NULL) {
      x->recurring = 1;
      if (days == NULL) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu needs days (a list such as [sat, sun], or daily)",
                    i + 1);
        bad = 1;
      } else if (days->type == YAML_SCALAR_NODE && strcmp(ydoc_sval(days), "daily") == 0) {
        x->weekdays = 0x7f;
      } else if (days->type == YAML_SEQUENCE_NODE && ydoc_seq_len(days) > 0) {
        for (size_t j = 0; j < ydoc_seq_len(days); j++) {
          yaml_node_t *dn = ydoc_seq_at(&sd, days, j);
          int b = dn != NULL && dn->type == YAML_SCALAR_NODE ? weekday_bit(ydoc_sval(dn)) : -1;
          if (dn != NULL && dn->type == YAML_SCALAR_NODE && strcmp(ydoc_sval(dn), "daily") == 0)
            x->weekdays = 0x7f;
          else if (b < 0) {
            ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu: unknown day '%s' (mon tue wed thu fri sat sun)",
                        i + 1, dn != NULL && dn->type == YAML_SCALAR_NODE ? ydoc_sval(dn) : "?");
            bad = 1;
          } else
            x->weekdays |= 1u << b;
        }
      } else {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu: days must be a list such as [sat, sun], or daily",
                    i + 1);
        bad = 1;
      }
      unsigned hh = 99, mm = 99;
      char tail = 0;
      if (at == NULL || at->type != YAML_SCALAR_NODE || sscanf(ydoc_sval(at), "%u:%u%c", &hh, &mm, &tail) != 2 ||
          hh > 23 || mm > 59) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu needs at: \"HH:MM\" (local time of day)", i + 1);
        bad = 1;
      } else
        x->start_min = (int)(hh * 60 + mm);
      if (dur == NULL || dur->type != YAML_SCALAR_NODE ||
          duration_parse(ydoc_sval(dur), strlen(ydoc_sval(dur)), &x->duration_us) != 0 || x->duration_us <= 0 ||
          x->duration_us > 7 * US_DAY) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu needs duration (such as 1h, at most 7d)", i + 1);
        bad = 1;
      }
      const char *zone = tz != NULL && tz->type == YAML_SCALAR_NODE ? ydoc_sval(tz) : "UTC";
      struct hr_err ze;
      if ((x->zone = config_zone(L->c, zone, &ze)) == NULL) {
        ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu: unknown time zone '%s'", i + 1, zone);
        bad = 1;
      } else
        x->tz = xstrdup(zone);
    } else {
      ydoc_err_at(L, d, an, "headroom.dev/exclude: entry %zu needs start/end (one-off) or days/at/duration (recurring)",
                  i + 1);
      bad = 1;
    }
    if (reason != NULL && reason->type == YAML_SCALAR_NODE)
      x->reason = xstrdup(ydoc_sval(reason));
    if (bad) {
      free(x->tz);
      free(x->reason);
      memset(x, 0, sizeof *x);
    } else
      s->nexcl++;
  }
out:
  yaml_document_delete(&sd.y);
}

/* ------------------------------------------------------------------ SLO */

static size_t implicit_source(struct ld *L, struct doc *d, const char *type, yaml_node_t *at) {
  struct hr_config *c = L->c;
  for (size_t i = L->nsrc_declared; i < c->nsources; i++)
    if (strcmp(c->sources[i].name, type) == 0)
      return i;
  struct hr_datasource *s = openslo_source_new(c);
  s->name = xstrdup(type);
  s->type = xstrdup(strcasecmp(type, "prometheus") == 0 ? "prometheus" : type);
  s->loc = ydoc_loc_of(L, d, at);
  if (L->strict && strcasecmp(type, "prometheus") != 0)
    ydoc_warn_at(L, d, at, "headroom cannot read from metric source type '%s': this SLO will show no data", type);
  else if (L->strict)
    ydoc_warn_at(L, d, at, "metric source of type Prometheus without a DataSource: headroom has no URL to query");
  return c->nsources - 1;
}

static int find_source(struct ld *L, const char *name) {
  for (size_t i = 0; i < L->nsrc_declared; i++)
    if (strcmp(L->c->sources[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Resolve the SLI's data source; -1 on error (reported). */
static int resolve_source(struct ld *L, struct doc *d, struct sli *s) {
  struct msrc *m = s->have_good ? &s->good : &s->bad;
  int idx = -1;
  char names[400];
  if (m->ref != NULL) {
    idx = find_source(L, m->ref);
    if (idx < 0) {
      ydoc_names_of(L, K_DS, names, sizeof names);
      ydoc_err_at(L, d, m->refnode, "unknown DataSource '%s' (defined: %s)", m->ref, names);
      return -1;
    }
  } else if (L->nsrc_declared == 1 &&
             (m->type == NULL || strcasecmp(m->type, L->c->sources[0].type) == 0 || openslo_source_is_logs(m->type) ||
              strcasecmp(L->c->sources[0].type, "headroom.logs") == 0)) {
    idx = 0;
  } else if (m->type != NULL && !openslo_source_is_logs(m->type)) {
    idx = (int)implicit_source(L, d, m->type, m->node);
  } else if (L->nsrc_declared == 0) {
    ydoc_err_at(L, d, m->node, "no DataSource is defined: add one (kind: DataSource) and name it in metricSourceRef");
    return -1;
  } else {
    ydoc_names_of(L, K_DS, names, sizeof names);
    ydoc_err_at(L, d, m->node, "metricSourceRef is required when several DataSources are defined (%s)", names);
    return -1;
  }
  if (s->have_total && s->total.ref != NULL && strcmp(s->total.ref, L->c->sources[idx].name) != 0) {
    ydoc_err_at(L, d, s->total.refnode, "total reads DataSource '%s' but %s reads '%s': both must use the same source",
                s->total.ref, s->have_good ? "good" : "bad", L->c->sources[idx].name);
    return -1;
  }
  if (s->have_total && s->total.ref != NULL && find_source(L, s->total.ref) < 0)
    return -1;
  return idx;
}

void openslo_slo_free(struct hr_slo *s) {
  free(s->name);
  free(s->display_name);
  free(s->service);
  free(s->description);
  free(s->sli_name);
  free(s->good_filter);
  free(s->bad_filter);
  free(s->total_filter);
  for (size_t i = 0; i < s->ngroup_by; i++)
    free(s->group_by[i]);
  free(s->group_by);
  free(s->window.tz);
  free(s->currency);
  for (size_t i = 0; i < s->nexcl; i++) {
    free(s->excl[i].tz);
    free(s->excl[i].reason);
  }
  free(s->excl);
  free(s->policies);
}

static char *dupn(const char *s) {
  return s ? xstrdup(s) : NULL;
}

static void slo_copy(struct hr_slo *dst, const struct hr_slo *src) {
  *dst = *src;
  dst->name = dupn(src->name);
  dst->display_name = dupn(src->display_name);
  dst->service = dupn(src->service);
  dst->description = dupn(src->description);
  dst->sli_name = dupn(src->sli_name);
  dst->good_filter = dupn(src->good_filter);
  dst->bad_filter = dupn(src->bad_filter);
  dst->total_filter = dupn(src->total_filter);
  dst->group_by = src->ngroup_by ? xcalloc(src->ngroup_by, sizeof *dst->group_by) : NULL;
  for (size_t i = 0; i < src->ngroup_by; i++)
    dst->group_by[i] = xstrdup(src->group_by[i]);
  dst->window.tz = dupn(src->window.tz);
  dst->currency = dupn(src->currency);
  dst->excl = src->nexcl ? xcalloc(src->nexcl, sizeof *dst->excl) : NULL;
  for (size_t i = 0; i < src->nexcl; i++) {
    dst->excl[i] = src->excl[i];
    dst->excl[i].tz = dupn(src->excl[i].tz);
    dst->excl[i].reason = dupn(src->excl[i].reason);
  }
  dst->policies = NULL;
  dst->npolicies = 0;
}

static void parse_window(struct ld *L, struct doc *d, struct hr_slo *s) {
  static const char *const wk[] = {"duration", "isRolling", "calendar", NULL};
  static const char *const ck[] = {"startTime", "timeZone", NULL};
  yaml_node_t *tw = ydoc_want_seq(L, d, d->spec, "timeWindow", 1, "SLO.spec");
  s->window.tz = xstrdup("UTC");
  if (tw == NULL)
    return;
  if (ydoc_seq_len(tw) == 0) {
    ydoc_err_at(L, d, tw, "timeWindow needs one entry, e.g. [{duration: 28d, isRolling: true}]");
    return;
  }
  if (ydoc_seq_len(tw) > 1)
    ydoc_warn_at(L, d, ydoc_seq_at(d, tw, 1), "OpenSLO allows one timeWindow; headroom uses the first");
  yaml_node_t *w = ydoc_seq_at(d, tw, 0);
  if (w == NULL || w->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, w ? w : tw, "timeWindow entries must be mappings {duration, isRolling, calendar}");
    return;
  }
  ydoc_check_keys(L, d, w, wk, "timeWindow");
  yaml_node_t *dn;
  const char *dur = ydoc_want_str(L, d, w, "duration", 1, "timeWindow", &dn);
  int rolling = -1;
  ydoc_want_bool(L, d, w, "isRolling", "timeWindow", &rolling);
  yaml_node_t *cal = ydoc_want_map(L, d, w, "calendar", 0, "timeWindow");
  if (rolling < 0)
    rolling = cal == NULL;
  if (cal != NULL && rolling)
    ydoc_warn_at(L, d, cal, "calendar is ignored for a rolling window (isRolling: true)");
  if (dur == NULL)
    return;
  if (rolling) {
    s->window.kind = HR_WIN_ROLLING;
    if (duration_parse(dur, strlen(dur), &s->window.length_us) != 0 || s->window.length_us <= 0)
      ydoc_err_at(L, d, dn,
                  "invalid rolling window duration '%s' (expected e.g. 28d, 30d, 7d; 1M/1Q/1y need isRolling: false)",
                  dur);
    else if (ydoc_dur_in(L, d, dn, "a rolling timeWindow", s->window.length_us, YDOC_MIN_US, YDOC_MAX_US, NULL, 1) != 0)
      s->window.length_us = 0;
    return;
  }
  s->window.kind = HR_WIN_CALENDAR;
  char *end;
  errno = 0;
  long cnt = strtol(dur, &end, 10);
  static const struct {
    char c;
    enum hr_cal_unit u;
    int64_t nominal;
    long max; /* at most a year (days: the parser's 100) */
  } units[] = {{'d', HR_CAL_DAY, US_DAY, 100},        {'w', HR_CAL_WEEK, 7 * US_DAY, 52},
               {'M', HR_CAL_MONTH, 30 * US_DAY, 12},  {'m', HR_CAL_MONTH, 30 * US_DAY, 12},
               {'Q', HR_CAL_QUARTER, 91 * US_DAY, 4}, {'y', HR_CAL_YEAR, 365 * US_DAY, 1},
               {'Y', HR_CAL_YEAR, 365 * US_DAY, 1}};
  int u = -1;
  if (end != dur && errno == 0 && cnt >= 1 && cnt <= 100 && end[0] != 0 && end[1] == 0)
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
      if (units[i].c == end[0])
        u = (int)i;
  if (u < 0) {
    ydoc_err_at(L, d, dn, "invalid calendar window '%s' (expected a count and one of d, w, M, Q, y: 1M, 1Q, 1w)", dur);
    return;
  }
  if (cnt > units[u].max) {
    ydoc_err_at(L, d, dn, "a calendar timeWindow is at most a year (100d, 52w, 12M, 4Q or 1y), got '%s'", dur);
    return;
  }
  if (units[u].c == 'm')
    ydoc_warn_at(L, d, dn, "calendar window '%s' read as %ldM (months): minutes are not a calendar period", dur, cnt);
  s->window.unit = units[u].u;
  s->window.count = (int)cnt;
  s->window.length_us = cnt * units[u].nominal; /* nominal; window_length() gives the real one */
  s->window.start_us = 0;
  if (cal == NULL)
    return;
  ydoc_check_keys(L, d, cal, ck, "calendar");
  yaml_node_t *zn, *sn;
  const char *zone = ydoc_want_str(L, d, cal, "timeZone", 0, "calendar", &zn);
  const char *start = ydoc_want_str(L, d, cal, "startTime", 0, "calendar", &sn);
  const struct hr_tz *tz = config_zone(L->c, "UTC", NULL);
  if (zone != NULL) {
    struct hr_err e;
    const struct hr_tz *z = config_zone(L->c, zone, &e);
    if (z == NULL) {
      ydoc_err_at(L, d, zn, "unknown time zone '%s' (an IANA name such as Europe/Berlin)", zone);
      tz = NULL;
    } else {
      tz = z;
      free(s->window.tz);
      s->window.tz = xstrdup(zone);
    }
  }
  if (start != NULL) {
    unsigned y, mo, dd, hh = 0, mi = 0, ss = 0;
    char sep = 0, tail = 0;
    int n = sscanf(start, "%4u-%2u-%2u%c%2u:%2u:%2u%c", &y, &mo, &dd, &sep, &hh, &mi, &ss, &tail);
    int64_t us;
    if ((n == 3 || (n == 7 && (sep == ' ' || sep == 'T'))) && mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31 && hh <= 23 &&
        mi <= 59 && ss <= 60) {
      if (tz != NULL)
        s->window.start_us = tz_local_to_utc(tz, y, mo, dd, (int)hh, (int)mi, (int)ss) * 1000000;
      else
        s->window.start_us = (days_from_civil(y, mo, dd) * 86400 + hh * 3600 + mi * 60 + ss) * (int64_t)1000000;
    } else if (time_parse_rfc3339(start, strlen(start), &us) == 0) {
      s->window.start_us = us; /* carries its own offset */
    } else
      ydoc_err_at(L, d, sn, "calendar.startTime '%s' is not a time such as \"2026-01-01 00:00:00\"", start);
  }
}

static char *slugify(const char *s) {
  char *o = xstrdup(s);
  for (char *p = o; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    *p = isalnum(ch) || ch == '.' || ch == '_' || ch == '-' ? (char)tolower(ch) : '-';
  }
  return o;
}

static void add_lookback(struct hr_slo *s, int64_t us, int *overflow) {
  if (us <= 0)
    return;
  for (size_t i = 0; i < s->nlookbacks; i++)
    if (s->lookbacks_us[i] == us)
      return;
  if (s->nlookbacks == HR_MAX_LOOKBACKS) {
    *overflow = 1;
    return;
  }
  size_t i = s->nlookbacks++;
  while (i > 0 && s->lookbacks_us[i - 1] > us) {
    s->lookbacks_us[i] = s->lookbacks_us[i - 1];
    i--;
  }
  s->lookbacks_us[i] = us;
}

static void push_slo(struct ld *L, const struct hr_slo *proto, size_t src, const size_t *pol, size_t npol) {
  struct hr_config *c = L->c;
  c->slos = xrealloc(c->slos, (c->nslos + 1) * sizeof *c->slos);
  L->ex = xrealloc(L->ex, (c->nslos + 1) * sizeof *L->ex);
  slo_copy(&c->slos[c->nslos], proto);
  L->ex[c->nslos].src = src;
  L->ex[c->nslos].npol = npol;
  L->ex[c->nslos].pol = npol ? xmalloc(npol * sizeof *pol) : NULL;
  if (npol)
    memcpy(L->ex[c->nslos].pol, pol, npol * sizeof *pol);
  c->nslos++;
  L->nex = c->nslos;
}

static void set_filter(struct ld *L, struct doc *d, const struct msrc *m, int logs, char **out, struct hr_loc *loc,
                       int required) {
  if (m->filter != NULL) {
    *out = xstrdup(m->filter);
    *loc = ydoc_text_loc(L, d, m->filternode);
  } else {
    if (m->filternode != NULL) /* wrong type: already reported */
      return;
    if (logs && required)
      ydoc_err_at(L, d, m->specnode ? m->specnode : m->node,
                  "missing required key 'filter' in metricSource.spec (e.g. filter: 'status < 500')");
    *out = logs && !required ? NULL : xstrdup("");
    *loc = ydoc_loc_of(L, d, m->node);
  }
}

/* headroom.dev/cost-per-bad-event, cost-per-bad-minute and currency: what
 * downtime costs (`history`, docs/config.md). */
static void parse_costs(struct ld *L, struct doc *d, struct hr_slo *proto) {
  static const char *const keys[2] = {"headroom.dev/cost-per-bad-event", "headroom.dev/cost-per-bad-minute"};
  double *dst[2] = {&proto->cost_per_bad_event, &proto->cost_per_bad_minute};
  yaml_node_t *an;
  for (int i = 0; i < 2; i++) {
    const char *v = ydoc_annotation(d, keys[i], &an);
    if (v == NULL)
      continue;
    double x;
    if (ydoc_parse_num(v, &x) != 0 || !(x >= 0) || x > 1e15)
      ydoc_err_at(L, d, an, "%s must be an amount >= 0 such as \"0.25\", not '%s'", keys[i], v);
    else {
      *dst[i] = x;
      proto->cost_set |= 1u << i;
    }
  }
  const char *cur = ydoc_annotation(d, "headroom.dev/currency", &an);
  if (cur != NULL) {
    size_t n = strlen(cur);
    int ok = n > 0 && n <= 16;
    for (size_t i = 0; ok && i < n; i++)
      ok = (unsigned char)cur[i] > ' ' && cur[i] != '"' && cur[i] != '<' && cur[i] != '>' && cur[i] != '&';
    if (!ok)
      ydoc_err_at(L, d, an,
                  "headroom.dev/currency must be a short code such as EUR or USD (1 to 16 characters, no "
                  "spaces), not '%s'",
                  cur);
    else
      proto->currency = xstrdup(cur);
  }
  if (proto->currency != NULL && proto->cost_set == 0)
    ydoc_warn_at(L, d, an,
                 "headroom.dev/currency is set but neither headroom.dev/cost-per-bad-event nor "
                 "headroom.dev/cost-per-bad-minute: no cost is counted");
}

/* metadata and spec's plain members into the SLO every objective copies. */
static void slo_head(struct ld *L, struct doc *d, struct hr_slo *proto) {
  const char *w = "SLO.spec";
  memset(proto, 0, sizeof *proto);
  proto->loc = ydoc_loc_of(L, d, d->name_node);
  proto->min_events = 1;
  proto->thr = (struct hr_thresholds){0.7, 0.3, 0.0, 2, 5, 10, US_HOUR};
  proto->display_name = dupn(ydoc_want_str(L, d, d->meta, "displayName", 0, "metadata", NULL));
  proto->description = dupn(ydoc_want_str(L, d, d->spec, "description", 0, w, NULL));
  yaml_node_t *svn;
  const char *svc = ydoc_want_str(L, d, d->spec, "service", 1, w, &svn);
  proto->service = xstrdup(svc ? svc : "");
  if (svc != NULL && L->c->nservices > 0 && ydoc_find_doc(L, K_SERVICE, svc) == NULL) {
    char names[400];
    ydoc_names_of(L, K_SERVICE, names, sizeof names);
    ydoc_warn_at(L, d, svn, "service '%s' is not a defined Service (defined: %s)", svc, names);
  }
  yaml_node_t *bmn;
  const char *bm = ydoc_want_str(L, d, d->spec, "budgetingMethod", 0, w, &bmn);
  if (bm == NULL || strcmp(bm, "Occurrences") == 0)
    proto->budgeting = HR_BUDGET_OCCURRENCES;
  else if (strcmp(bm, "Timeslices") == 0)
    proto->budgeting = HR_BUDGET_TIMESLICES;
  else if (strcmp(bm, "RatioTimeslices") == 0)
    proto->budgeting = HR_BUDGET_RATIO_TIMESLICES;
  else
    ydoc_err_at(L, d, bmn, "unknown budgetingMethod '%s' (expected Occurrences, Timeslices or RatioTimeslices)", bm);
  parse_window(L, d, proto);
  /* headroom annotations */
  yaml_node_t *an;
  const char *me = ydoc_annotation(d, "headroom.dev/min-events", &an);
  if (me != NULL) {
    double x;
    if (ydoc_parse_num(me, &x) != 0 || x < 1 || x != floor(x) || x > 1e15)
      ydoc_err_at(L, d, an, "headroom.dev/min-events must be a whole number from 1 to 1e15, not '%s'", me);
    else
      proto->min_events = (int64_t)x;
  }
  parse_thresholds(L, d, &proto->thr, proto->window.length_us);
  parse_exclusions(L, d, proto);
  parse_costs(L, d, proto);
}

/* groupBy: [field, ...] and maxGroups into proto (logs only: the fields of
 * each event are what the groups are made of). */
static void slo_group_by(struct ld *L, struct doc *d, const struct msrc *m, int logs, struct hr_slo *proto) {
  yaml_node_t *gb = m->groupnode;
  proto->group_loc = ydoc_loc_of(L, d, gb);
  if (!logs) {
    ydoc_err_at(L, d, gb, "groupBy needs a headroom.logs DataSource (the groups are values of each event's fields)");
    return;
  }
  size_t n = ydoc_seq_len(gb);
  if (n == 0 || n > 8) {
    ydoc_err_at(L, d, gb, "groupBy names 1 to 8 fields, found %zu", n);
    return;
  }
  proto->group_by = xcalloc(n, sizeof *proto->group_by);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *e = ydoc_seq_at(d, gb, i);
    if (e == NULL || e->type != YAML_SCALAR_NODE || ydoc_sval(e)[0] == 0) {
      ydoc_err_at(L, d, e ? e : gb, "groupBy entries are field names (path, host, a JSON key)");
      continue;
    }
    proto->group_by[proto->ngroup_by++] = xstrdup(ydoc_sval(e));
  }
  proto->max_groups = m->max_groups > 0 ? (size_t)m->max_groups : HR_DEFAULT_MAX_GROUPS;
}

/* The indicator (inline or by indicatorRef) of holder (the SLO's spec, or
 * one objective of a composite) into sli and proto's filters. Returns its
 * DataSource's index (-1: none or an error); *have_sli 1 when an indicator
 * was read. */
static int slo_indicator(struct ld *L, struct doc *d, yaml_node_t *holder, struct hr_slo *proto, struct sli *sli,
                         int *have_sli) {
  const char *w = holder == d->spec ? "SLO.spec" : "objectives";
  memset(sli, 0, sizeof *sli);
  *have_sli = 0;
  yaml_node_t *ind = ydoc_mget(d, holder, "indicator"), *irn;
  const char *iref = ydoc_want_str(L, d, holder, "indicatorRef", 0, w, &irn);
  struct doc *sd = d; /* where the SLI's nodes live */
  if (ind != NULL && irn != NULL)
    ydoc_err_at(L, d, irn, "SLO has both indicator and indicatorRef: name one of them");
  if (ind != NULL) {
    if (ind->type != YAML_MAPPING_NODE)
      ydoc_err_at(L, d, ind, "indicator must be a mapping {metadata, spec}, found %s", ydoc_type_word(ind));
    else {
      static const char *const ik[] = {"metadata", "spec", "kind", "apiVersion", NULL};
      ydoc_check_keys(L, d, ind, ik, "indicator");
      yaml_node_t *im = ydoc_want_map(L, d, ind, "metadata", 0, "indicator");
      const char *iname = ydoc_want_str(L, d, im, "name", 0, "indicator.metadata", NULL);
      yaml_node_t *isp = ydoc_want_map(L, d, ind, "spec", 1, "indicator");
      if (isp != NULL) {
        parse_sli(L, d, isp, iname ? iname : d->name, sli);
        *have_sli = 1;
      }
    }
  } else if (iref != NULL) {
    struct doc *x = ydoc_find_doc(L, K_SLI, iref);
    if (x == NULL) {
      char names[400];
      ydoc_names_of(L, K_SLI, names, sizeof names);
      ydoc_err_at(L, d, irn, "unknown SLI '%s' (defined: %s)", iref, names);
    } else {
      sd = x;
      parse_sli(L, x, x->spec, x->name, sli);
      *have_sli = 1;
    }
  } else if (irn == NULL && holder == d->spec)
    ydoc_err_at(L, d, d->spec, "SLO '%s' needs indicator or indicatorRef", d->name);
  else if (irn == NULL)
    ydoc_err_at(L, d, holder,
                "objective of composite SLO '%s' needs its own indicator or indicatorRef (a composite's objectives "
                "each name one)",
                d->name);
  if (!*have_sli || sli->unsupported || !(sli->have_good || sli->have_bad))
    return -1;
  int src = resolve_source(L, sd, sli);
  proto->sli_name = xstrdup(sli->name);
  int logs = src >= 0 && strcmp(L->c->sources[src].type, "headroom.logs") == 0;
  if (sli->have_good)
    set_filter(L, sd, &sli->good, logs, &proto->good_filter, &proto->good_loc, 1);
  else
    set_filter(L, sd, &sli->bad, logs, &proto->bad_filter, &proto->bad_loc, 1);
  if (sli->have_total)
    set_filter(L, sd, &sli->total, logs, &proto->total_filter, &proto->total_loc, 0);
  if (proto->total_filter != NULL && proto->total_filter[0] == 0 && logs) {
    free(proto->total_filter);
    proto->total_filter = NULL;
  }
  if (sli->have_total && sli->total.groupnode != NULL)
    slo_group_by(L, sd, &sli->total, logs, proto);
  return src;
}

/* alertPolicies: the indexes of the policies (references or inline ones,
 * appended to the configuration) into a malloc'd array; *n how many. */
static size_t *slo_policies(struct ld *L, struct doc *d, size_t *n) {
  size_t *pol = NULL, npol = 0;
  yaml_node_t *aps = ydoc_mget(d, d->spec, "alertPolicies");
  if (aps != NULL && aps->type != YAML_SEQUENCE_NODE)
    ydoc_err_at(L, d, aps, "alertPolicies must be a list, found %s", ydoc_type_word(aps));
  else if (aps != NULL) {
    pol = xcalloc(ydoc_seq_len(aps) + 1, sizeof *pol);
    for (size_t i = 0; i < ydoc_seq_len(aps); i++) {
      yaml_node_t *e = ydoc_seq_at(d, aps, i);
      if (e == NULL || e->type != YAML_MAPPING_NODE) {
        ydoc_err_at(L, d, e ? e : aps, "alertPolicies entries must be {alertPolicyRef: NAME} or an inline AlertPolicy");
        continue;
      }
      yaml_node_t *rn;
      const char *ref = ydoc_want_str(L, d, e, "alertPolicyRef", 0, "alertPolicies", &rn);
      if (ref != NULL) {
        size_t j = 0;
        while (j < L->c->npolicies && strcmp(L->c->policies[j].name, ref) != 0)
          j++;
        if (j == L->c->npolicies) {
          char names[400];
          ydoc_names_of(L, K_POLICY, names, sizeof names);
          ydoc_err_at(L, d, rn, "unknown AlertPolicy '%s' (defined: %s)", ref, names);
        } else
          pol[npol++] = j;
        continue;
      }
      if (rn != NULL)
        continue;
      yaml_node_t *meta, *sp;
      char fb[300];
      snprintf(fb, sizeof fb, "%s.policy%zu", d->name, i + 1);
      const char *pname = ydoc_inline_head(L, d, e, K_POLICY, &meta, &sp, fb);
      if (sp != NULL)
        pol[npol++] = openslo_alert_policy(L, d, meta, sp, pname, e);
    }
  }
  *n = npol;
  return pol;
}

/* Objective i (of nobj) o: the SLO proto with its name, target and slices. */
static void slo_objective(struct ld *L, struct doc *d, yaml_node_t *o, size_t i, size_t nobj, int composite,
                          const struct hr_slo *proto, struct hr_slo *s) {
  static const char *const ok[] = {
      "displayName", "op",           "value",           "target", "targetPercent", "timeSliceTarget", "timeSliceWindow",
      "indicator",   "indicatorRef", "compositeWeight", NULL};
  const char *ow = "objectives";
  ydoc_check_keys(L, d, o, ok, ow);
  slo_copy(s, proto);
  s->loc = ydoc_loc_of(L, d, nobj > 1 || composite ? o : d->name_node);
  const char *dn = ydoc_want_str(L, d, o, "displayName", 0, ow, NULL);
  if (nobj > 1 || composite) {
    char *slug = dn && dn[0] ? slugify(dn) : xasprintf("%zu", i + 1);
    free(s->name);
    s->name = xasprintf("%s.%s", d->name, slug);
    free(slug);
    if (dn != NULL) {
      free(s->display_name);
      s->display_name = xstrdup(dn);
    }
  } else
    s->name = xstrdup(d->name);
  if (s->display_name == NULL && dn != NULL)
    s->display_name = xstrdup(dn);
  yaml_node_t *tn, *tpn;
  double t = 0, tp = 0;
  int ht = ydoc_want_num(L, d, o, "target", 0, ow, &t, &tn);
  int htp = ydoc_want_num(L, d, o, "targetPercent", 0, ow, &tp, &tpn);
  if (ht == 1 && htp == 1)
    ydoc_err_at(L, d, tpn, "an objective has target or targetPercent, not both");
  if (ht == 1) {
    if (!(t > 0 && t < 1))
      ydoc_err_at(L, d, tn, "target must be a fraction in (0, 1), got %s%s", ydoc_sval(tn),
                  t >= 1 && t < 100 ? " (for a percentage use targetPercent)" : "");
    s->target = t;
  } else if (htp == 1) {
    if (!(tp > 0 && tp < 100))
      ydoc_err_at(L, d, tpn, "targetPercent must be in (0, 100), got %s", ydoc_sval(tpn));
    s->target = tp / 100.0;
  } else if (ht == 0 && htp == 0)
    ydoc_err_at(L, d, o, "objective needs target (a fraction such as 0.999) or targetPercent");
  yaml_node_t *stn;
  int hst = ydoc_want_num(L, d, o, "timeSliceTarget", 0, ow, &s->slice_target, &stn);
  if (hst == 1 && !(s->slice_target > 0 && s->slice_target <= 1))
    ydoc_err_at(L, d, stn, "timeSliceTarget must be in (0, 1], got %s", ydoc_sval(stn));
  int hsw = ydoc_want_dur(L, d, o, "timeSliceWindow", 0, ow, 1, &s->slice_us);
  int64_t wmax = proto->window.length_us > 0 ? proto->window.length_us : YDOC_MAX_US;
  if (hsw == 1 && ydoc_dur_in(L, d, ydoc_mget(d, o, "timeSliceWindow"), "timeSliceWindow", s->slice_us, YDOC_MIN_US,
                              wmax, "the window", 1) != 0)
    hsw = -1;
  if (proto->budgeting == HR_BUDGET_TIMESLICES && (hst == 0 || hsw == 0))
    ydoc_err_at(L, d, o, "budgetingMethod Timeslices needs timeSliceTarget and timeSliceWindow in every objective");
  if (proto->budgeting == HR_BUDGET_RATIO_TIMESLICES && hsw == 0)
    ydoc_err_at(L, d, o, "budgetingMethod RatioTimeslices needs timeSliceWindow in every objective");
  yaml_node_t *wn = ydoc_mget(d, o, "compositeWeight");
  if (wn != NULL && !composite)
    ydoc_warn_at(L, d, wn,
                 "compositeWeight only weighs the objectives of a composite SLO (each with its own "
                 "indicator); ignored here");
}

/* The compositeWeight of objective o: > 0, default 1. */
static double objective_weight(struct ld *L, struct doc *d, yaml_node_t *o) {
  double w = 1;
  yaml_node_t *wn;
  if (ydoc_want_num(L, d, o, "compositeWeight", 0, "objectives", &w, &wn) == 1 && !(w > 0 && w <= 1e9)) {
    ydoc_err_at(L, d, wn, "compositeWeight must be a number above 0 (a share of the composite), got %s", ydoc_sval(wn));
    w = 1;
  }
  return w;
}

static int name_taken(const struct hr_config *c, const char *name) {
  for (size_t k = 0; k < c->nslos; k++)
    if (strcmp(c->slos[k].name, name) == 0)
      return 1;
  for (size_t k = 0; k < c->ncomposites; k++)
    if (strcmp(c->composites[k].slo.name, name) == 0)
      return 1;
  return 0;
}

/* A composite SLO: every objective names its own indicator; each becomes a
 * component SLO "<slo>.<objective>" (its own source and filters, the SLO's
 * window, policies and annotations), then the composite over them. */
static void composite_build(struct ld *L, struct doc *d, const struct hr_slo *proto, yaml_node_t *objs,
                            const size_t *pol, size_t npol, int nerr0) {
  size_t nobj = ydoc_seq_len(objs);
  struct hr_slo *made = xcalloc(nobj + 1, sizeof *made);
  int *src = xcalloc(nobj + 1, sizeof *src);
  double *w = xcalloc(nobj + 1, sizeof *w);
  size_t nmade = 0;
  if (ydoc_mget(d, d->spec, "indicator") != NULL || ydoc_mget(d, d->spec, "indicatorRef") != NULL)
    ydoc_err_at(L, d, ydoc_mkey(d, d->spec, ydoc_mget(d, d->spec, "indicator") ? "indicator" : "indicatorRef"),
                "a composite SLO (its objectives name their own indicators) has no indicator of its own");
  for (size_t i = 0; i < nobj; i++) {
    yaml_node_t *o = ydoc_seq_at(d, objs, i);
    if (o == NULL || o->type != YAML_MAPPING_NODE) {
      ydoc_err_at(L, d, o ? o : objs, "objectives entries must be mappings {displayName, target, indicator, ...}");
      continue;
    }
    struct hr_slo p2;
    struct sli sli;
    int have;
    slo_copy(&p2, proto);
    src[nmade] = slo_indicator(L, d, o, &p2, &sli, &have);
    if (have && sli.unsupported)
      ydoc_err_at(L, d, o, "a composite's objectives need ratioMetric indicators headroom evaluates");
    slo_objective(L, d, o, i, nobj, 1, &p2, &made[nmade]);
    made[nmade].no_alerts = npol == 0; /* the alerts stay with the SLOs the user already has */
    w[nmade++] = objective_weight(L, d, o);
    openslo_slo_free(&p2);
  }
  for (size_t i = 0; i < nmade; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(made[i].name, made[j].name) == 0)
        ydoc_err_at(L, d, objs, "two objectives of SLO '%s' have the same name '%s': give them distinct displayNames",
                    d->name, made[i].name);
  for (size_t i = 0; i < nmade && L->nerr == nerr0; i++)
    if (name_taken(L->c, made[i].name))
      ydoc_err_at(L, d, d->name_node, "SLO name '%s' is used twice", made[i].name);
  if (L->nerr == nerr0 && name_taken(L->c, d->name))
    ydoc_err_at(L, d, d->name_node, "SLO name '%s' is used twice", d->name);
  for (size_t i = 0; i < nmade && L->nerr == nerr0; i++)
    if (src[i] < 0)
      ydoc_err_at(L, d, objs, "objective '%s' of composite SLO '%s' has no source headroom can read", made[i].name,
                  d->name);
  if (L->nerr == nerr0 && nmade > 0) {
    struct hr_config *c = L->c;
    c->composites = xrealloc(c->composites, (c->ncomposites + 1) * sizeof *c->composites);
    struct hr_composite *k = &c->composites[c->ncomposites++];
    memset(k, 0, sizeof *k);
    slo_copy(&k->slo, proto);
    k->slo.name = xstrdup(d->name);
    k->slo.no_alerts = npol == 0;
    k->members = xcalloc(nmade, sizeof *k->members);
    k->weights = xcalloc(nmade, sizeof *k->weights);
    double sw = 0, st = 0;
    for (size_t i = 0; i < nmade; i++) {
      k->members[i] = c->nslos;
      k->weights[i] = w[i];
      sw += w[i];
      st += w[i] * made[i].target;
      push_slo(L, &made[i], (size_t)src[i], pol, npol);
    }
    k->n = nmade;
    k->slo.target = st / sw;
  }
  for (size_t i = 0; i < nmade; i++)
    openslo_slo_free(&made[i]);
  free(made);
  free(src);
  free(w);
}

void openslo_slo_build(struct ld *L, struct doc *d) {
  static const char *const keys[] = {"description",  "service",       "indicator",
                                     "indicatorRef", "timeWindow",    "budgetingMethod",
                                     "objectives",   "alertPolicies", NULL};
  int nerr0 = L->nerr;
  ydoc_check_keys(L, d, d->spec, keys, "SLO.spec");
  struct hr_slo proto;
  slo_head(L, d, &proto);
  yaml_node_t *objs = ydoc_want_seq(L, d, d->spec, "objectives", 1, "SLO.spec");
  if (objs != NULL && ydoc_seq_len(objs) == 0)
    ydoc_err_at(L, d, objs, "objectives needs at least one entry, e.g. [{target: 0.999}]");
  size_t nobj = objs ? ydoc_seq_len(objs) : 0;
  int composite = 0;
  for (size_t i = 0; i < nobj; i++) {
    yaml_node_t *o = ydoc_seq_at(d, objs, i);
    composite |= o != NULL && o->type == YAML_MAPPING_NODE &&
                 (ydoc_mget(d, o, "indicator") != NULL || ydoc_mget(d, o, "indicatorRef") != NULL);
  }
  if (composite) {
    size_t npol = 0, *pol = slo_policies(L, d, &npol);
    composite_build(L, d, &proto, objs, pol, npol, nerr0);
    free(pol);
    openslo_slo_free(&proto);
    return;
  }
  struct sli sli;
  int have_sli;
  int src = slo_indicator(L, d, d->spec, &proto, &sli, &have_sli);
  size_t npol = 0, *pol = slo_policies(L, d, &npol);

  /* objectives: one hr_slo each */
  struct hr_slo *made = xcalloc(nobj + 1, sizeof *made);
  size_t nmade = 0;
  for (size_t i = 0; i < nobj; i++) {
    yaml_node_t *o = ydoc_seq_at(d, objs, i);
    if (o == NULL || o->type != YAML_MAPPING_NODE)
      ydoc_err_at(L, d, o ? o : objs, "objectives entries must be mappings {displayName, target, ...}");
    else
      slo_objective(L, d, o, i, nobj, 0, &proto, &made[nmade++]);
  }
  for (size_t i = 0; i < nmade; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(made[i].name, made[j].name) == 0)
        ydoc_err_at(L, d, objs, "two objectives of SLO '%s' have the same name '%s': give them distinct displayNames",
                    d->name, made[i].name);
  int skip = have_sli && sli.unsupported;
  for (size_t i = 0; i < nmade; i++) {
    /* HR_CONFIG_KEEP: kept for check even with errors (source NULL when unknown) */
    if (!skip && ((L->nerr == nerr0 && src >= 0) || L->keep)) {
      /* unique across SLO documents */
      if (name_taken(L->c, made[i].name))
        ydoc_err_at(L, d, d->name_node, "SLO name '%s' is used twice", made[i].name);
      else
        push_slo(L, &made[i], src >= 0 ? (size_t)src : SIZE_MAX, pol, npol);
    }
    openslo_slo_free(&made[i]);
  }
  free(made);
  free(pol);
  openslo_slo_free(&proto);
}

/* ------------------------------------------------------------- linking */

/* headroom.dev/min-events switches a condition off while its lookback holds
 * fewer valid events: warn for each one it keeps silent below a traffic of
 * one request a minute or more (docs/alerting.md, "Low traffic"). */
static void min_events_check(struct ld *L, const struct hr_slo *s) {
  if (s->min_events <= 1)
    return;
  const struct hr_condition *conds[64];
  size_t nc = alert_conditions(s, conds, 64);
  for (size_t i = 0; i < nc && i < 64; i++) {
    const struct hr_condition *c = conds[i];
    if ((c->kind != HR_COND_BURNRATE && c->kind != HR_COND_EXHAUSTION) || c->long_us <= 0)
      continue;
    double per_min = (double)s->min_events / ((double)c->long_us / (double)US_MIN);
    if (per_min < 1)
      continue;
    char lw[32];
    ydoc_warn_loc(L, &s->loc,
                  "SLO '%s': headroom.dev/min-events %lld switches condition '%s' off while its %s lookback holds "
                  "fewer valid events, i.e. below %.3g requests a minute (half that once it fires); the low-traffic "
                  "guard already keeps a handful of errors from paging",
                  s->name, (long long)s->min_events, c->name, duration_format(c->long_us, lw, sizeof lw), per_min);
  }
}

/* What condition q means for SLO s: its lookback no longer than the
 * window, and a burn-rate threshold that can be reached (a burn rate is at
 * most 1 / (1 - target), when every event is bad). */
static void check_condition(struct ld *L, const struct hr_slo *s, const struct hr_condition *q) {
  char a[48], b[48];
  int64_t w = s->window.length_us;
  if (w > 0 && q->long_us > w)
    ydoc_err_loc(L, &q->lookback_loc, "lookbackWindow %s of condition '%s' is longer than the %s window of SLO '%s'",
                 duration_format(q->long_us, a, sizeof a), q->name, duration_format(w, b, sizeof b), s->name);
  if (q->kind == HR_COND_BURNRATE && s->target > 0 && s->target < 1 && q->factor * (1 - s->target) > 1 + 1e-9)
    ydoc_warn_loc(L, &q->loc,
                  "burn-rate threshold %g of condition '%s' can never be reached by SLO '%s': with target %g a "
                  "burn rate is at most %g (every event bad)",
                  q->factor, q->name, s->name, s->target, 1 / (1 - s->target));
}

void openslo_slo_link(struct ld *L) {
  struct hr_config *c = L->c;
  for (size_t i = 0; i < c->nslos; i++) {
    struct hr_slo *s = &c->slos[i];
    s->source = L->ex[i].src < c->nsources ? &c->sources[L->ex[i].src] : NULL;
    if (s->window.kind == HR_WIN_CALENDAR)
      s->window.zone = config_zone(c, s->window.tz, NULL); /* checked when parsed; UTC when unknown */
    if (s->window.kind == HR_WIN_CALENDAR && s->window.zone == NULL)
      s->window.zone = tz_utc();
    s->npolicies = L->ex[i].npol;
    s->policies = s->npolicies ? xcalloc(s->npolicies, sizeof *s->policies) : NULL;
    int over = 0;
    add_lookback(s, s->thr.burn_lookback_us, &over);
    for (size_t j = 0; j < s->npolicies; j++) {
      struct hr_alert_policy *p = &c->policies[L->ex[i].pol[j]];
      s->policies[j] = p;
      for (size_t k = 0; k < p->nconds; k++) {
        check_condition(L, s, &p->conds[k]);
        add_lookback(s, p->conds[k].long_us, &over);
        add_lookback(s, p->conds[k].short_us, &over);
      }
    }
    if (s->npolicies == 0) {
      static const int64_t defaults[] = {5 * US_MIN,  30 * US_MIN, US_HOUR,   2 * US_HOUR,
                                         6 * US_HOUR, US_DAY,      3 * US_DAY};
      for (size_t k = 0; k < sizeof defaults / sizeof defaults[0]; k++)
        add_lookback(s, defaults[k], &over);
    }
    if (over)
      ydoc_err_loc(L, &s->loc, "SLO '%s' uses more than %d distinct lookback windows", s->name, HR_MAX_LOOKBACKS);
    min_events_check(L, s);
  }
  for (size_t i = 0; i < c->ncomposites; i++) { /* its components share its window and policies */
    struct hr_composite *k = &c->composites[i];
    const struct hr_slo *m = &c->slos[k->members[0]];
    k->slo.window.zone = m->window.zone;
    memcpy(k->slo.lookbacks_us, m->lookbacks_us, sizeof k->slo.lookbacks_us);
    k->slo.nlookbacks = m->nlookbacks;
    k->slo.npolicies = m->npolicies; /* the thresholds its page draws; it alerts through its components */
    k->slo.policies = m->npolicies ? xcalloc(m->npolicies, sizeof *k->slo.policies) : NULL;
    if (m->npolicies)
      memcpy(k->slo.policies, m->policies, m->npolicies * sizeof *k->slo.policies);
  }
}
