/* html.h -- `report --format html`: the dashboard as ONE self-contained file
 * (web/ assets and the chart library inlined, the data inlined as
 * window.HEADROOM_DATA: the report's JSON, plus "details", each SLO's page
 * object as GET /api/v1/slos/NAME answers it) that renders with no server
 * and no network. docs/dashboard.md. */
#ifndef HR_HTML_H
#define HR_HTML_H

#include <stdio.h>

#include "engine/detail.h"
#include "engine/report.h"

/* The whole dashboard for r as one HTML file. details: r->nslos of them
 * (same order as r->slos), or NULL: the SLO pages then show the report's
 * figures only. */
void report_html(FILE *f, const struct hr_report *r, const struct hr_detail *details);

#endif
