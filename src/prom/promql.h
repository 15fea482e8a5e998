/* promql.h -- the PromQL headroom writes for counters, shared by the rules
 * generator (out/rules.h) and the Prometheus DataSource (prom.h): the exact
 * per-interval delta of a counter, and durations as Prometheus spells them.
 * Pure text; docs/prometheus.md explains the expressions. */
#ifndef HR_PROMQL_H
#define HR_PROMQL_H

#include <stdint.h>

/* Format a duration as Prometheus writes one ("5m", "1h30m", "27d23h59m59s"),
 * whole seconds; out must hold 32 bytes. Returns out. */
char *promql_duration(int64_t seconds, char *out);
/* The same as Prometheus's own Go code names it (model.Duration.String(), the
 * names Sloth gives its windows): years and weeks only when exact, so 28d is
 * "4w", 7d "1w", 30d "30d", 90d "90d", 365d "1y"; out holds 32 bytes. */
char *promql_model_duration(int64_t seconds, char *out);

/* Past the white space (spaces, tabs, newlines) at p (NUL-terminated). */
const char *promql_skip_ws(const char *p);

/* The delta of one counter selector x: per series, x(t - delay) -
 * x(t - delay - interval), or x(t - delay) after a reset, each end read
 * through last_over_time so a failed scrape's staleness marker loses
 * nothing. Caller frees. */
char *promql_selector_delta(const char *x, int64_t interval_s, int64_t delay_s);

/* The delta expression for one counter expression q: exact per-series deltas
 * q(t - delay) - q(t - delay - interval) when q is a selector or a sum of a
 * selector; NULL when q is some other expression (its value is then recorded
 * first). Caller frees. */
char *promql_counter_delta(const char *q, int64_t interval_s, int64_t delay_s);

#endif
