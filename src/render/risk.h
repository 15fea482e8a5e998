/* risk.h -- `headroom risk` and GET /api/v1/risk (docs/cli/risk.md): the
 * release risk computed by engine/risk.h, as JSON or as sentences. */
#ifndef HR_RENDER_RISK_H
#define HR_RENDER_RISK_H

#include <stdio.h>

#include "engine/risk.h"

void risk_json(FILE *f, const struct hr_release_risk *r);
void risk_text(FILE *f, const struct hr_release_risk *r);

#endif
