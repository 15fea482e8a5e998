/* alerts.h -- JSON of the alert states and transitions (engine/round.h), the
 * same objects in `evaluate --format json`, GET /api/v1/alerts and an SLO's
 * page (docs/dashboard.md). */
#ifndef HR_OUT_ALERTS_H
#define HR_OUT_ALERTS_H

#include "engine/round.h"

struct hr_jw;

/* {"slo", "condition", "severity", "state", "since", "fired_at" (its latest
 * firing; null when it never fired), "resolved_at" (of that firing; null
 * while firing), "value", "updated"}. */
void alert_row_json(struct hr_jw *w, const struct hr_alert_row *r);
/* {"id", "slo", "condition", "severity", "kind" and "state" (what it moved
 * to: firing or resolved), "at", "value", "summary"}. */
void alert_event_json(struct hr_jw *w, const struct hr_alert_event *e);

#endif
