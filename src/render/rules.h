/* rules.h -- Prometheus recording and alerting rules for every SLO of a
 * configuration (`headroom rules`). See docs/prometheus.md for the series,
 * and why the window counts are exact.
 *
 * Per SLO one rule group, evaluated every interval (1m by default):
 *   headroom_slo:{valid,good|bad}:delta1m   (delta<interval>: delta10s with
 *       an interval of 10s) the counters' increase over one
 *       interval, read `delay` behind the evaluation time (a scrape still in
 *       flight at the evaluation would otherwise hide its increase from every
 *       delta), per series with counter resets handled, summed
 *       across instances (log sources: headroom_slo_{valid,good}_total;
 *       Prometheus sources: the SLI's own queries);
 *   headroom_slo:{valid,good|bad}:increase{window}  sum_over_time of those
 *       deltas over every lookback and over the SLO window: event counts;
 *   headroom_slo:sli:ratio, :budget_remaining:ratio, :burn_rate:ratio{window},
 *   :objective:ratio, :window:seconds;
 *   alerting rules for the SLO's conditions (alert_conditions()).
 * With sloth_compat the same figures are also recorded under Sloth's names. */
#ifndef HR_RULES_H
#define HR_RULES_H

#include "config/config.h"
#include "prom/promql.h"
#include "core/err.h"

enum hr_rules_format { HR_RULES_PROMETHEUS = 0, HR_RULES_K8S };

#define HR_RULES_DEFAULT_INTERVAL_S 60
#define HR_RULES_DEFAULT_DELAY_S 60

struct hr_rules_opts {
  enum hr_rules_format format;
  int64_t interval_s; /* the groups' evaluation interval; 0: 60. Every window must be a multiple */
  int64_t delay_s;    /* read the counters this far behind the evaluation time: whole intervals (0: none) */
  int sloth_compat;   /* also record slo:sli_error:ratio_rate5m, ... */
  const char *origin; /* named in the header comment (the config path); may be NULL */
};

/* Render the rules of every SLO of cfg as one YAML document. Returns a
 * malloc'd NUL-terminated string the caller frees, or NULL with *err filled
 * (HR_ERR_CONFIG: an SLO cannot be expressed, e.g. a Prometheus SLI without a
 * total query). cfg is borrowed for the call. */
char *rules_render(const struct hr_config *cfg, const struct hr_rules_opts *o, struct hr_err *err /* OUT */);

#endif
