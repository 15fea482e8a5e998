/* common.h -- what every subcommand shares: loading the configuration with
 * its diagnostics printed once, parsing times, printing errors. Commands
 * parse their words, call the engine (src/engine/) and pick a renderer
 * (src/render/); they compute nothing themselves. */
#ifndef HR_COMMON_H
#define HR_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "engine/report.h"

/* The options most commands share (docs/cli/_headroom.md); a command takes
 * the ones it names in cli_spec.common, with the same spelling, meaning and
 * messages everywhere. */
enum cli_common_opt {
  CLI_CONFIG = 1u << 0,  /* -c, --config CONF: conf */
  CLI_AT = 1u << 1,      /* --at T (cli_parse_time): has_at, at_us */
  CLI_FORMAT = 1u << 2,  /* --format F: format ("text" unless given; the command checks it) */
  CLI_OUTPUT = 1u << 3,  /* -o, --output FILE: output */
  CLI_SOURCE = 1u << 4,  /* --source NAME: in.source */
  CLI_DB = 1u << 5,      /* --db FILE: in.db */
  CLI_STORE = 1u << 6,   /* --store: in.store */
  CLI_THREADS = 1u << 7, /* --threads N (cli_parse_threads): in.threads */
  /* Not options: how cli_parse takes the words. */
  CLI_NO_WORDS = 1u << 8,   /* none after the options: the first is refused before -c is checked
                             * ("<command>: unexpected argument 'W'") */
  CLI_ARG_ERRORS = 1u << 9, /* cli_parse, not getopt, words an unknown option ("<command>: unknown
                             * argument 'A'", A as typed; also a word with CLI_NO_WORDS) and a missing
                             * value ("<command>: A needs a value"), each followed by the usage */
};
/* What is read: the DataSource, the store and --store. */
#define CLI_INPUT (CLI_SOURCE | CLI_DB | CLI_STORE)

/* The common options as parsed. */
struct cli_args {
  const char *conf, *format, *output;
  int has_at;
  int64_t at_us;
  struct hr_input in; /* logs: the words after the options; threads: 1 unless --threads */
  int rest;           /* argv index of the first of those words */
};

/* How a command's words are parsed: the common options it takes, then its
 * own as getopt_long entries (val: any but 'c', 'o', 'h' and values from
 * 256, which the common options use), each handed to take(). */
struct cli_spec {
  const char *usage;        /* to stdout on -h/--help (exit 0), to stderr after a usage error (exit 2) */
  unsigned common;          /* enum cli_common_opt bits */
  const struct option *own; /* NULL, or ended by {0, 0, 0, 0} */
  const char *own_short;    /* short options of its own ("q"), or NULL */
  /* One of its own options (arg: NULL for a flag); 0 ok, -1 bad, after
   * printing why (the command exits 2). */
  int (*take)(void *ctx, int val, const char *arg);
  void *ctx;
};

/* Parse argv (argv[0]: the command's name) by spec into *a; with
 * CLI_CONFIG, -c CONF is required ("<command>: -c CONF is required" and the
 * usage). Returns -1 when the command goes on, else its exit code: 0 after
 * --help, 2 after a usage error (printed). */
int cli_parse(int argc, char **argv, const struct cli_spec *spec, struct cli_args *a);

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

/* What an evaluation reads from a's common options (the logs, --source,
 * --db, --store, --threads, --at), with the clock read once (cli_now_us()):
 * the first options of every engine call that reads data. */
struct hr_read_opts cli_read_opts(const struct cli_args *a);

/* Where -o FILE sends a command's output: FILE opened for writing, or
 * standard output when output is NULL. NULL after printing
 * "<FILE>: cannot write". */
FILE *cli_output_open(const char *output);
/* Close f from cli_output_open(output) (standard output: flush it). 0 ok;
 * -1 after printing "<FILE or standard output>: write failed". */
int cli_output_close(FILE *f, const char *output);
/* A command's exit code as main returns it: 2, with "standard output:
 * write failed" said once, when what the command wrote to standard output
 * did not all get there (a full disk, a closed pipe), whatever the command
 * decided: a gate's allow nobody could read is no allow. Else code. */
int cli_exit(int code);

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
