/* html.h -- `report --format html`: the dashboard as ONE self-contained file
 * (web/ assets and the chart library inlined, the data inlined as
 * window.HEADROOM_DATA: the report's JSON, plus "details", each SLO's page
 * object as GET /api/v1/slos/NAME answers it) that renders with no server
 * and no network. docs/dashboard.md. */
#ifndef HR_HTML_H
#define HR_HTML_H

#include <stdio.h>

#include "engine/detail.h"
#include "engine/journeys.h"
#include "engine/report.h"

/* The whole dashboard for r as one HTML file. details: r->nslos of them
 * (same order as r->slos), or NULL: the SLO pages then show the report's
 * figures only. js: the journeys at r's instant (inlined as
 * HEADROOM_DATA.journeys, drawn as the matrix above the services), or NULL. */
void report_html(FILE *f, const struct hr_report *r, const struct hr_detail *details, const struct hr_journeys *js);
/* `journeys --format html`: the same page over js->rep, opening on the
 * matrix and its table (HEADROOM_DATA.view = "journeys"). */
void journeys_html(FILE *f, const struct hr_journeys *js);

#endif
