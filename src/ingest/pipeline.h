/* pipeline.h -- from lines to per-SLO counts.
 *
 * A pipeline is the configuration compiled once: a format per data source,
 * the good/bad/total filters and the exclusions of every SLO. scan_reader()
 * then reads lines, parses them, and hands every valid event of every SLO
 * to a sink (the report's in-memory series, or ingest's batch for the
 * store). A pipeline is used by one thread; threads compile their own. */
#ifndef HR_PIPELINE_H
#define HR_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "core/exclude.h"
#include "core/expr.h"
#include "core/format.h"
#include "core/tz.h"
#include "ingest/reader.h"
#include "store/source.h"

struct hr_slo_rt {
  const struct hr_slo *slo;
  struct hr_expr *good, *bad, *total; /* total NULL: every event is valid */
  struct hr_excluder *ex;             /* NULL: no exclusions */
  struct hr_expr_guard guard;         /* of total: an event that fails it is not valid */
};

struct hr_source_rt {
  const struct hr_datasource *ds;
  struct hr_format *fmt;  /* NULL for sources headroom does not read (prometheus) */
  uint64_t filter_fields; /* the fields its SLOs' filters read (bit i: id i): their presence is tracked */
  size_t *slos;           /* indexes into hr_pipeline.slo of the SLOs reading this source */
  size_t nslos;
};

/* Optional: called for every valid event of SLO slo_idx right after the
 * sink, with the parsed event and the line it came from (both die with the
 * line), and whether it was good. Set with pipeline_set_hook(); NULL (the
 * default, `report`) costs one predictable branch per valid event. */
typedef void (*hr_event_hook_fn)(void *ctx, size_t slo_idx, const struct hr_event *ev, const char *line, size_t len,
                                 int good);

struct hr_pipeline {
  const struct hr_config *cfg; /* borrowed; must outlive the pipeline */
  struct hr_source_rt *src;
  size_t nsrc;
  struct hr_slo_rt *slo; /* parallel to cfg->slos */
  size_t nslo;
  hr_event_hook_fn on_event; /* NULL: none (see pipeline_set_hook) */
  void *on_event_ctx;
  uint64_t on_event_need; /* the fields it reads */
};

/* Compile cfg. On failure *out = NULL and err names the SLO and filter. */
enum hr_rc pipeline_new(const struct hr_config *cfg, struct hr_pipeline **out /* OUT */, struct hr_err *err);
void pipeline_free(struct hr_pipeline *p);

/* Install (fn non-NULL) or remove the per-event hook. need: extra field ids
 * the hook reads (bit i: id i, e.g. 1 << HR_F_DURATION), which every log
 * format then extracts on top of what the filters read. */
void pipeline_set_hook(struct hr_pipeline *p, hr_event_hook_fn fn, void *ctx, uint64_t need);

/* Install store/detail.h's details_hook(d) as the hook (the writers' batch:
 * latency, bad events), reading also the groupBy fields of every grouped
 * SLO, whose groups are then counted into details_gbatch(d) (store/group.h).
 * A groupBy field the SLO's format cannot have leaves that SLO's events
 * ungrouped (`check` names it). Nothing more when no SLO is grouped. */
struct hr_details;
void pipeline_hook_details(struct hr_pipeline *p, struct hr_details *d);

/* Index of the data source a log file belongs to: the one named by
 * `source` when given; else the one whose `paths` glob matches the file (by
 * full path or base name); else the only log source. -1 with err filled when
 * none fits or several do. */
int pipeline_source_for(const struct hr_pipeline *p, const char *file, const char *source, struct hr_err *err);

/* Receives each valid event of SLO slo_idx (index into cfg->slos). */
typedef void (*hr_sink_fn)(void *ctx, size_t slo_idx, int64_t ts_us, int good);

#define HR_SAMPLES 5

struct hr_sample {
  int64_t line; /* 1-based within the file (or range, see scan_reader) */
  int reason;   /* enum hr_bad */
};

struct hr_scan_stats {
  uint64_t lines;     /* every line, blank ones included (as awk's NR) */
  uint64_t blank;     /* skipped, not malformed */
  uint64_t malformed; /* never change a figure */
  uint64_t by_reason[HR_BAD__COUNT];
  uint64_t after_at;            /* events at or after the evaluation instant, not counted */
  uint64_t events;              /* parsed events */
  uint64_t undecided;           /* events a filter's regex could not decide (expr.h):
                                   left out of good and valid, never guessed */
  int64_t min_ts_us, max_ts_us; /* of parsed events (INT64_MAX / INT64_MIN when none) */
  int64_t last_us;              /* the newest event before the instant (INT64_MIN: none) */
  /* For each field the source's filters read: the newest event (before the
   * instant) in which it had a value; INT64_MIN: none did (data health).
   * Kept in two parts, read with scan_stats_field_last(): the array, and the
   * newest event of the current run of events in which the same fields
   * (run_fields) had a value, so an event like the one before costs one
   * comparison, not one per field. */
  int64_t field_last_us[HR_MAX_FIELDS];
  uint64_t run_fields;
  int64_t run_last_us;
  uint64_t bytes;
  struct hr_sample samples[HR_SAMPLES]; /* the first malformed lines */
  size_t nsamples;
};

void scan_stats_init(struct hr_scan_stats *st);
/* The newest event before the instant in which field id had a value, or INT64_MIN. */
int64_t scan_stats_field_last(const struct hr_scan_stats *st, int id);

/* What st says of source si for the store (store/source.h): names and
 * field_last point at arrays of HR_MAX_FIELDS that b borrows. */
void pipeline_source_batch(const struct hr_pipeline *p, size_t si, const struct hr_scan_stats *st, const char **names,
                           int64_t *field_last, struct hr_source_batch *b /* OUT */);
/* Add b into a (samples of b are appended after a's, with their line numbers
 * shifted by line_shift). */
void scan_stats_merge(struct hr_scan_stats *a, const struct hr_scan_stats *b, int64_t line_shift);

/* Count one parsed event ev of source si (from line[0..len)): the stats
 * (events, times, the presence of the filters' fields), then for each SLO
 * of the source its filters and exclusions, the sink and the hook. An event
 * at or after at_us is only counted in st->after_at. */
void pipeline_event(struct hr_pipeline *p, size_t si, const struct hr_event *ev, const char *line, size_t len,
                    int64_t at_us, hr_sink_fn sink, void *ctx, struct hr_scan_stats *st);
/* Count a malformed line (reason: enum hr_bad) and keep it as a sample. */
void pipeline_bad_line(struct hr_scan_stats *st, int reason);

/* Read every line of r as data source si: parse, drop events at or after
 * at_us (pass INT64_MAX for none), classify, and sink. Returns HR_OK at end of
 * input, or the reader's error (what was read before it stays counted).
 * max_lines > 0 stops after that many lines (ingest batches), and *more is
 * then set to 1 when input remains. */
enum hr_rc scan_reader(struct hr_pipeline *p, size_t si, struct hr_reader *r, int64_t at_us, hr_sink_fn sink, void *ctx,
                       uint64_t max_lines, int *more, struct hr_scan_stats *st, struct hr_err *err);

/* A file of source si is about to be read from byte offset (as
 * reader_offset() counts): formats whose lines depend on earlier ones (W3C's
 * #Fields:, format_stateful()) forget the previous file and read the
 * directives of path before offset. Nothing for the other formats. */
enum hr_rc pipeline_prime(struct hr_pipeline *p, size_t si, const char *path, int64_t offset, struct hr_err *err);

#endif
