/* check.h -- what `headroom check` finds beyond loading (docs/cli/check.md):
 * every mistake that would otherwise give a silently wrong figure.
 *
 * engine_check() compiles each log format at its logFormat line and each
 * filter against its data source's format, and reports, with file:line:col:
 * filter errors (an unknown field lists the fields the format offers), a
 * field the format can never fill (`duration` on an nginx logFormat without
 * $request_time: what to add), a standard field a jsonl mapping does not
 * map (a warning: what to map), risky regexes (a warning), and paths that
 * match no file now (a warning).
 *
 * engine_sample() reads the first lines of a real file as the data source
 * it belongs to and says what each SLO of that source would see. */
#ifndef HR_ENGINE_CHECK_H
#define HR_ENGINE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "core/event.h"
#include "core/format.h"

/* Check cfg (loaded with HR_CONFIG_KEEP: it may hold errors already
 * reported, which are not reported again) into diag. Returns the errors
 * added (warnings are counted in diag->nwarn). */
size_t engine_check(const struct hr_config *cfg, struct hr_diag *diag);

/* The cardinality grouped SLOs bring (docs/config.md, "Grouped SLOs"):
 * how many SLOs are grouped, and at most how many group budgets
 * (maxGroups + 1 each, _other included) and group alert conditions (each
 * budget's conditions but no-data: docs/alerting.md, "Grouped SLOs") they
 * can hold. For `check`'s summary. */
struct hr_group_span {
  size_t slos, budgets, alerts;
};
struct hr_group_span engine_group_span(const struct hr_config *cfg);

#define HR_SAMPLE_LINES 1000 /* lines read by default */
#define HR_SAMPLE_BAD 5      /* malformed lines kept, the first ones */

struct hr_check_bad {
  uint64_t line;  /* 1-based */
  int reason;     /* enum hr_bad */
  char text[121]; /* the line's first 120 bytes, NUL-terminated, other than printable ASCII as '?' */
  int cut;        /* the line was longer */
};

struct hr_check_slo {
  const char *name; /* borrowed from the configuration */
  uint64_t valid, good;
  uint64_t undecided;         /* events a regex of its filters gave up on (counted neither good nor valid) */
  size_t nfields;             /* the fields its filters read (time aside), and in how many events each had a value */
  char *field[HR_MAX_FIELDS]; /* owned */
  uint64_t present[HR_MAX_FIELDS];
};

struct hr_check_sample {
  const char *file;   /* borrowed */
  const char *source; /* the data source's name (borrowed from the configuration) */
  enum hr_fmt_kind kind;
  uint64_t lines, blank, malformed, events; /* lines read, blank, malformed, parsed */
  uint64_t by_reason[HR_BAD__COUNT];
  struct hr_check_bad bad[HR_SAMPLE_BAD];
  size_t nbad;
  int more;                 /* the file has more lines than were read */
  struct hr_check_slo *slo; /* owned: the SLOs reading this source, in configuration order */
  size_t nslo;
  /* jsonl: the top-level keys of the first event's line (at most 32, each
   * cut to 63 bytes), to name the key a missing field may be in */
  char key[32][64];
  size_t nkeys;
};

/* Read the first max_lines lines (0: HR_SAMPLE_LINES) of file (plain or
 * gzip) as the data source source names, or (NULL) the one whose paths
 * match it as `report` would, into *out (freed with engine_sample_free()).
 * cfg must load without errors. What is wrong for the SLOs goes into diag
 * as "FILE: message" errors: more than the source's maxMalformedRatio of
 * the lines malformed, a field a filter reads that no event has, nothing
 * to read; events left undecided by a regex are a warning. Returns
 * HR_OK, or an error (err) when the file cannot be read or belongs to no
 * data source. */
enum hr_rc engine_sample(const struct hr_config *cfg, const char *file, const char *source, uint64_t max_lines,
                         struct hr_check_sample *out /* OUT */, struct hr_diag *diag, struct hr_err *err);
void engine_sample_free(struct hr_check_sample *s);

#endif
