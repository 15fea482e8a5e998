/* gate.h -- renderings of the release decision (engine/gate.h): the JSON of
 * `gate --format json` and GET /api/v1/gate (the report's keys for the
 * service's SLOs plus decision, reason, risk, service, deciding_slo,
 * policy), and the text of `gate`. */
#ifndef HR_OUT_GATE_H
#define HR_OUT_GATE_H

#include <stdio.h>

#include "engine/gate.h"

void gate_json(FILE *f, const struct hr_report *rep, const char *service, const struct hr_gate_result *g);
void gate_text(FILE *f, const struct hr_report *rep, const char *service, const struct hr_gate_result *g, int color);

#endif
