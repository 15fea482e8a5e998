/* breakdown.h -- renderings of a breakdown (engine/breakdown.h): the JSON
 * of `report --breakdown FIELD --format json` ({"field", "at", "from",
 * "lookback_seconds", "slos": [{"name", ..., "values": [{"value", "good",
 * "valid", "bad", "sli", "share", "burn_rate", "burn_contribution"}],
 * "rest"}]}) and the table an SRE reads during an incident.
 * docs/cli/report.md, "--breakdown". */
#ifndef HR_RENDER_BREAKDOWN_H
#define HR_RENDER_BREAKDOWN_H

#include <stdio.h>

#include "engine/breakdown.h"

void breakdown_json(FILE *f, const struct hr_breakdown *b);
void breakdown_text(FILE *f, const struct hr_breakdown *b);

#endif
