/* canary.h -- renderings of a canary comparison (engine/canary.h): the JSON
 * of `canary --format json` ({"slo", "since", "canary": {"good", "valid",
 * "sli", "burn_rate"}, "baseline": {...}, "p_value", "verdict",
 * "projected_burn_rate"} and more) and the text an SRE reads.
 * docs/cli/canary.md. */
#ifndef HR_OUT_CANARY_H
#define HR_OUT_CANARY_H

#include <stdio.h>

#include "engine/canary.h"

void canary_json(FILE *f, const struct hr_canary *c);
void canary_text(FILE *f, const struct hr_canary *c);

#endif
