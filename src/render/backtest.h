/* backtest.h -- renderings of a backtest (engine/backtest.h): JSON
 * {"from", "to", "minutes", "lines_read", "lines_malformed", "alerts",
 * "summary", "policy"} and the text a person reads. docs/cli/backtest.md. */
#ifndef HR_OUT_BACKTEST_H
#define HR_OUT_BACKTEST_H

#include <stdio.h>

#include "engine/backtest.h"

/* policy_file: the --policy file's name (NULL: none). */
void backtest_json(FILE *f, const struct hr_config *cfg, const struct hr_backtest *b, const char *policy_file);
void backtest_text(FILE *f, const struct hr_config *cfg, const struct hr_backtest *b);

#endif
