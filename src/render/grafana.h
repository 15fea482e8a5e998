/* grafana.h -- Grafana dashboards (JSON models) over the series that
 * `headroom rules` records (docs/prometheus.md, "Grafana dashboards"):
 *
 *   list    every SLO in a table (objective, window, SLI, budget left, burn
 *           rate over 1h, alerts firing; its name links to the detail), and
 *           counts of SLOs, of SLOs over budget and of alerts firing;
 *   detail  one SLO ($service, $slo): objective, SLI, budget left and window
 *           as figures; the budget left, the burn rates (5m, 1h, 6h, 3d),
 *           the error ratio and the events over time; alerts firing.
 *
 * Every query reads headroom_slo:* series (and ALERTS), so the dashboards
 * need no more than the rules; every query returns a value for every SLO
 * the rules have counted events for (an alert count is 0 when none fires).
 * The data source is a variable ($datasource, any Prometheus). */
#ifndef HR_GRAFANA_H
#define HR_GRAFANA_H

#include "config/config.h"
#include "core/err.h"

enum hr_grafana_kind { HR_GRAFANA_LIST = 0, HR_GRAFANA_DETAIL };

/* The dashboard as a JSON document (Grafana's "Import dashboard" or a
 * provisioning file). cfg is borrowed: its path (origin, may be NULL) and
 * its SLOs are named in the description. Returns a malloc'd string the
 * caller frees, or NULL with *err filled. */
char *grafana_render(const struct hr_config *cfg, enum hr_grafana_kind kind, const char *origin,
                     struct hr_err *err /* OUT */);

/* The kind from its name ("list", "detail"); -1 if unknown. */
int grafana_kind_from_name(const char *name);

#endif
