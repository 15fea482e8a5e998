/* annotate.h -- adding to a service's timeline (docs/cli/annotate.md), the
 * same checks for `headroom annotate` and POST /api/v1/annotations. */
#ifndef HR_ENGINE_ANNOTATE_H
#define HR_ENGINE_ANNOTATE_H

#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "store/timeline.h"

/* Record a (borrowed) in the store db (created when absent), once it is
 * checked: a service the configuration names (a Service document or an
 * SLO's spec.service; HR_ERR_NOTFOUND otherwise), a known kind, an end for
 * a maintenance window only and after its start, text at most HR_TEXT_MAX
 * bytes of valid UTF-8 (HR_ERR_USAGE otherwise). Nothing is created when a
 * check fails. *id (may be NULL) gets the new row's id. */
enum hr_rc engine_annotate(const struct hr_config *cfg, const char *db, const struct hr_annotation *a,
                           int64_t *id /* OUT */, struct hr_err *err);

#endif
