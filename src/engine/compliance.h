/* compliance.h -- compliance history (docs/cli/history.md): for every SLO
 * and every calendar period (week, month, quarter) of its time zone that
 * overlaps [from, to), its good and valid events (engine/history.h: the
 * counts `report` makes), SLI, target met or missed, budget consumed, the
 * minutes whose own SLI was below the target ("downtime") and their cost
 * from the SLO's cost annotations; per service, the totals. */
#ifndef HR_ENGINE_COMPLIANCE_H
#define HR_ENGINE_COMPLIANCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "engine/history.h"

#define HR_COMPLIANCE_MAX_PERIODS 520 /* per SLO: ten years of weeks */

struct hr_compliance_row {
  const struct hr_slo *slo;           /* borrowed from the configuration (a composite's: &comp->slo) */
  const struct hr_composite *comp;    /* the composite SLO this row is (NULL: an SLO); its figures are its
                                       * components' rows of the same period combined (docs/cli/history.md) */
  const struct hr_composite *part_of; /* the composite this SLO is a component of, when that composite is shown:
                                       * the row is not added to the service's and the grand total */
  int64_t start_us, end_us;           /* the period: local midnight to local midnight in the SLO's zone */
  int complete;                       /* the period ended at or before the instant (else counted up to it) */
  uint64_t good, valid;
  int has_data;           /* valid > 0; without, sli, met, budget_consumed, bad_minutes and cost are null */
  double sli;             /* good / valid */
  int met;                /* sli >= target (a composite: budget_consumed <= 1) */
  double budget_consumed; /* (valid - good) / ((1 - target) x valid); may exceed 1. A composite: the weighted
                           * mean of its components' (one without data: 0); sli the weighted mean of theirs
                           * with data */
  uint64_t bad_minutes;   /* minutes of the period with events whose own SLI was below the threshold (a
                           * composite: whose weighted consumed budget was above 1) */
  int has_cost;           /* the SLO has a cost annotation (and the period data) */
  double cost;            /* bad events x cost-per-bad-event + bad_minutes x cost-per-bad-minute */
};

/* What a service's (or an SLO's) periods add up to. */
struct hr_compliance_total {
  const char *name; /* the service or SLO (borrowed) */
  size_t periods;   /* rows with data */
  size_t missed;    /* of those, rows that missed their target */
  size_t nodata;    /* rows without data */
  uint64_t bad_minutes;
  int has_cost;         /* some SLO counted has a cost annotation */
  double cost;          /* the sum of the rows' costs */
  const char *currency; /* the currency of the costs (borrowed); NULL: none named */
  int mixed_currency;   /* the SLOs name different currencies: cost is not a sum that means anything */
};

struct hr_compliance {
  const struct hr_config *cfg;    /* the configuration (borrowed): a composite's components by index */
  int64_t at_us;                  /* the instant: nothing at or after it counts */
  int64_t from_us, to_us;         /* the range the periods overlap */
  enum hr_cal_unit unit;          /* HR_CAL_WEEK, HR_CAL_MONTH or HR_CAL_QUARTER */
  struct hr_compliance_row *rows; /* by SLO (configuration order; a composite right before its components), then
                                   * by period (owned) */
  size_t nrows;
  struct hr_compliance_total *services; /* in the order their first SLO comes (owned) */
  size_t nservices;
  struct hr_compliance_total *slos; /* each SLO (and composite) chosen, in the rows' order (owned) */
  size_t nslos;
  struct hr_compliance_total all; /* every row (name ""): the page's grand total */
  struct hr_report rd;            /* what was read of the logs: stats, samples, errors (owned) */
};

struct hr_compliance_opts {
  struct hr_read_opts read; /* what is read, the instant, the clock */
  enum hr_cal_unit unit;    /* HR_CAL_WEEK, HR_CAL_MONTH (default when 0 is not one of them) or HR_CAL_QUARTER */
  int has_from, has_to;
  int64_t from_us;     /* default: the first event of the SLOs chosen (none: the period before the instant) */
  int64_t to_us;       /* default, and at most: the instant */
  const char *slo;     /* only this SLO (NULL: all) */
  const char *service; /* only this service's SLOs (NULL: all) */
};

/* The compliance history of cfg's SLOs and composite SLOs (cfg must outlive
 * out); --slo naming a composite chooses it and its components. HR_ERR_NOTFOUND
 * for an --slo or --service that names nothing; HR_ERR_USAGE for a range
 * that is empty or holds more than HR_COMPLIANCE_MAX_PERIODS periods. On
 * failure out holds nothing. */
enum hr_rc engine_compliance(const struct hr_config *cfg, const struct hr_compliance_opts *o,
                             struct hr_compliance *out /* OUT */, struct hr_err *err);
void compliance_free(struct hr_compliance *c);

/* "week", "month", "quarter". */
const char *compliance_unit_name(enum hr_cal_unit unit);
/* The unit named s (week, month, quarter); -1 for anything else. */
int compliance_unit_parse(const char *s, enum hr_cal_unit *unit /* OUT */);
/* The zone name of slo's periods ("UTC" for rolling windows). */
const char *compliance_zone_name(const struct hr_slo *slo);

#endif
