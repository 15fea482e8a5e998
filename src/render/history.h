/* history.h -- renderings of the compliance history (engine/compliance.h):
 * the JSON of `history --format json` and GET /api/v1/history ({"at",
 * "period", "from", "to", ..., "periods": [{"slo", "service", "start",
 * "end", "good", "valid", "sli", "target", "met", "budget_consumed",
 * "bad_minutes", "cost", "currency", ...}], "services": [...]}), the same
 * rows as CSV (RFC 4180), the text a person reads and one self-contained
 * HTML page for a review meeting. docs/cli/history.md. */
#ifndef HR_OUT_HISTORY_H
#define HR_OUT_HISTORY_H

#include <stdio.h>

#include "engine/compliance.h"

/* The period of r as its SLO's zone writes it: "2026-10" (month),
 * "2026-Q4" (quarter), "2026-10-19" (the Monday of a week). Returns buf. */
const char *history_label(const struct hr_compliance *c, const struct hr_compliance_row *r, char *buf, size_t n);
/* An amount with its currency: "EUR 129.30", or "129.30" without one. Returns buf. */
const char *history_money(double x, const char *currency, char *buf, size_t n);

/* "slo", "composite" or "component" (of a composite shown with it). */
const char *history_kind(const struct hr_compliance_row *r);

void history_json(FILE *f, const struct hr_compliance *c);
void history_csv(FILE *f, const struct hr_compliance *c);
void history_text(FILE *f, const struct hr_compliance *c);
void history_html(FILE *f, const struct hr_compliance *c);

#endif
