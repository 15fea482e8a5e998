/* suggest.h -- renderings of target suggestions (engine/suggest.h): the
 * JSON of `suggest --format json` and GET /api/v1/suggest ({"at", ...,
 * "slos": [{"name", "history_seconds", "windows", "achieved",
 * "candidates", "current_target", "suggested_target", "latency", ...}]}),
 * and the text a person reads. docs/cli/suggest.md. */
#ifndef HR_OUT_SUGGEST_H
#define HR_OUT_SUGGEST_H

#include <stdio.h>

#include "engine/suggest.h"

void suggest_json(FILE *f, const struct hr_suggest *s);
void suggest_text(FILE *f, const struct hr_suggest *s);

#endif
