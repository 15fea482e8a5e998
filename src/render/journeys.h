/* journeys.h -- `headroom journeys` and GET /api/v1/journeys
 * (docs/cli/journeys.md): the value x frequency matrix engine/journeys.h
 * computed, as JSON or as a table and a two-by-two matrix. */
#ifndef HR_RENDER_JOURNEYS_H
#define HR_RENDER_JOURNEYS_H

#include <stdio.h>

#include "engine/journeys.h"

void journeys_json(FILE *f, const struct hr_journeys *js);
void journeys_text(FILE *f, const struct hr_journeys *js);

#endif
