/* journeys.h -- the value x frequency matrix of the services (the seed's
 * Critical User Journeys): each Service is a journey, its value from the
 * annotation headroom.dev/value, its frequency from the valid events per day
 * its SLOs measured over the last 28 days (engine/history.h), its quadrant,
 * its strictest target and its status (the worst of its SLOs' in the report
 * at the same instant), and warnings where a less important journey is held
 * stricter than a more important one. docs/cli/journeys.md says how. */
#ifndef HR_ENGINE_JOURNEYS_H
#define HR_ENGINE_JOURNEYS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/report.h"

#define HR_JOURNEY_SPAN_US (28LL * 86400 * 1000000) /* the traffic measured: the last 28 days */

/* Seed order; rank: periphery 0 < foundation 1 < critical = lifeline 2. */
enum hr_quadrant { HR_Q_PERIPHERY = 0, HR_Q_FOUNDATION, HR_Q_CRITICAL, HR_Q_LIFELINE };
const char *quadrant_name(enum hr_quadrant q);  /* "periphery", "foundation", "critical", "lifeline" */
const char *quadrant_title(enum hr_quadrant q); /* "Periphery", "Foundation", "Critical Moments", "The Lifeline" */
int quadrant_rank(enum hr_quadrant q);

struct hr_journey {
  const char *service;      /* borrowed from the configuration */
  const char *display_name; /* borrowed; the service's name when it has none */
  int has_value;            /* headroom.dev/value set */
  double value;             /* 0..1 (0 when not set) */
  double events_per_day;    /* the busiest of its SLOs (ordinary and components) */
  double frequency;         /* 0..1 on the log scale (docs/cli/journeys.md) */
  double high_per_day;      /* the service's headroom.dev/high-frequency mark (0: none, the shared scale) */
  enum hr_quadrant quadrant;
  const struct hr_report_slo **slos; /* its SLOs in the report, composites included (owned array) */
  size_t nslos;
  int has_strictest;
  double strictest_target; /* the highest target of its SLOs (composites excluded) */
  const char *strictest_slo;
  enum hr_status status; /* the worst of its SLOs' (nodata without any) */
};

struct hr_journeys {
  int64_t at_us;
  double lo_per_day, hi_per_day; /* the log scale's ends (the quietest and busiest journey with traffic) */
  struct hr_journey *j;          /* owned; Service documents in order, then services only SLOs name */
  size_t n;
  char **warnings; /* owned */
  size_t nwarnings;
  struct hr_report rep; /* the report the statuses come from (owned by engine_journeys(); empty after
                         * engine_journeys_of()): its samples and errors for the caller */
};

/* Fill *out (journeys_free() it) from cfg (which must outlive it), read as
 * engine_report() reads (o->slo ignored). On failure *out holds nothing. */
enum hr_rc engine_journeys(const struct hr_config *cfg, const struct hr_eval_opts *o, struct hr_journeys *out /* OUT */,
                           struct hr_err *err);
/* The same from a report rep of every SLO of cfg already made at its instant
 * (report --format html draws the matrix above the services it reports):
 * the journeys point into rep, which must outlive *out; out->rep stays
 * empty. Only the traffic is read (engine/history.h, as o->in says). */
enum hr_rc engine_journeys_of(const struct hr_config *cfg, const struct hr_eval_opts *o, const struct hr_report *rep,
                              struct hr_journeys *out /* OUT */, struct hr_err *err);
void journeys_free(struct hr_journeys *js);

#endif
