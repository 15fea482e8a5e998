/* metrics.h -- GET /metrics: the report's families (out/metrics.h) from the
 * daemon's snapshot, plus the daemon's ingestion and round counters. */
#ifndef HR_HTTP_METRICS_H
#define HR_HTTP_METRICS_H

#include "http/server.h"

/* The handler (app = struct hr_api). */
int metrics_handler(struct hr_req *rq);

#endif
