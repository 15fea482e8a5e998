/* common.h -- what every subcommand shares: loading the configuration with
 * its diagnostics printed once, parsing times, printing errors. Commands
 * parse their words, call the engine (src/engine/) and pick a renderer
 * (src/render/); they compute nothing themselves. */
#ifndef HR_COMMON_H
#define HR_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "engine/report.h"

/* Load CONF; prints every diagnostic to stderr. Returns NULL on failure. */
struct hr_config *cli_load_config(const char *path);

/* Parse an RFC 3339 instant with Z or an offset (time_parse_rfc3339_offset)
 * for an option; prints the error (how to write the offset when only it is
 * missing). 0 ok, -1 bad. */
int cli_parse_time(const char *opt, const char *s, int64_t *us);

/* Parse --threads N (1 to 64); prints the error. 0 ok, -1 bad. */
int cli_parse_threads(const char *s, int *out);

/* Parse a count 0..1000000 for option opt; prints the error. 0 ok, -1 bad. */
int cli_parse_count(const char *opt, const char *s, int64_t *out);

/* The clock, once per command (the engine never reads it). */
int64_t cli_now_us(void);

/* 1 when f is a terminal (colours, progress). */
int cli_isatty(FILE *f);

/* Print "headroom: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The first malformed lines of r ("file:line: reason") to stderr, before
 * the output. */
void cli_print_samples(const struct hr_report *r);
/* r's input errors to stderr, each as "headroom: <msg>". */
void cli_print_errors(const struct hr_report *r);

/* When parts of the logs of r could not be read whole, say so and return 2
 * (the figures stand for what was read; a script must not take them as
 * whole); else 0. */
int cli_unreadable_exit(const struct hr_report *r);

/* When parts of the logs r read could not be read whole, print r's errors
 * and "<cmd>: N parts of the logs named could not be read whole: no
 * <what>" and return 1: a command that decides (gate, canary) never
 * decides on part of its input. Else 0, printing nothing. */
int cli_refuse_unreadable(const struct hr_report *r, const char *cmd, const char *what);

/* Check --format against the NULL-terminated list of allowed names; prints
 * the error. 0 ok, -1 not allowed. */
int cli_check_format(const char *format, const char *const *allowed);

#endif
