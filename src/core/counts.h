/* counts.h -- per-(SLO, minute) counts of good and valid events, batched in
 * memory between two store commits (ingest and serve's tailer). Open
 * addressing, grows as needed; iterate the cells whose minute is not
 * INT64_MIN. */
#ifndef HR_COUNTS_H
#define HR_COUNTS_H

#include <stddef.h>
#include <stdint.h>

struct hr_count_cell {
  int64_t minute; /* UTC seconds of the minute; INT64_MIN: empty */
  uint32_t slo;   /* index into the configuration's SLOs */
  uint64_t good, valid;
};

struct hr_counts {
  struct hr_count_cell *c; /* owned */
  size_t cap, n;           /* cap is a power of two */
  int sorted;              /* counts_sort() ran: c[0..n) in order, no longer a hash until the next put */
};

void counts_init(struct hr_counts *m, size_t cap); /* cap: a power of two */
void counts_put(struct hr_counts *m, uint32_t slo, int64_t minute_s, uint64_t good, uint64_t valid);
void counts_clear(struct hr_counts *m);
/* Order the cells by (slo, minute), in place: they are then c[0..n), so a
 * writer visits one SLO's minutes together and in time order (neighbouring
 * rows of the store's b-trees, hours and days that follow each other). A
 * later counts_put() first rebuilds the hash. */
void counts_sort(struct hr_counts *m);
void counts_free(struct hr_counts *m);

/* The minute (UTC seconds, floor) of instant ts_us. */
int64_t counts_minute(int64_t ts_us);

/* An hr_sink_fn (pipeline.h) adding one valid event to the counts in ctx. */
void counts_sink(void *ctx, size_t slo_idx, int64_t ts_us, int good);

#endif
