/* daemon.h -- the writer of `headroom serve`: the store connection, the
 * tailer that follows the log files into it (ingest/tail.h) and the alert
 * round once a minute (engine/round.h). One thread owns it; the HTTP
 * threads read through their own connections. docs/internals/serve.md. */
#ifndef HR_ENGINE_DAEMON_H
#define HR_ENGINE_DAEMON_H

#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "engine/round.h"
#include "ingest/tail.h"

struct hr_daemon;

/* A change in what the daemon follows, for its log. */
enum hr_daemon_news_kind { HR_NEWS_EMPTY_GLOB = 0, HR_NEWS_QUIET, HR_NEWS_GROWS };
struct hr_daemon_news {
  enum hr_daemon_news_kind kind;
  const char *source; /* borrowed until the next step */
  const char *what;   /* the glob, or the file's path */
  double idle_s;      /* QUIET: how long the file has not grown */
};
#define HR_DAEMON_NEWS 16

/* What one step did. */
struct hr_daemon_step {
  enum hr_rc tail_rc; /* HR_OK, or the store error of the tailer (retried next step) */
  struct hr_err tail_err;
  int round_ran;       /* the alert round ran (a new minute of the clock) */
  enum hr_rc round_rc; /* its result */
  struct hr_err round_err;
  struct hr_round_stats round;
  struct hr_tail_stats tail; /* the tailer's figures after the step */
  /* Globs that began to match no file, files that stopped growing for their
   * source's staleAfter or grow again: each said once. */
  struct hr_daemon_news news[HR_DAEMON_NEWS];
  size_t nnews;
};

/* Open (creating) the store db and a tailer over cfg (borrowed until
 * daemon_set_config() replaces it). */
enum hr_rc daemon_open(const struct hr_config *cfg, const char *db, struct hr_daemon **out /* OUT */,
                       struct hr_err *err);
/* The dashboard URL put into notifications (copied). */
void daemon_set_url(struct hr_daemon *d, const char *url);
/* Switch to a reloaded configuration; on failure the old one stays. */
enum hr_rc daemon_set_config(struct hr_daemon *d, const struct hr_config *cfg, struct hr_err *err);
/* One step: a tail round (mono_s: a monotonic clock in seconds), then the
 * alert round when the minute of t_us (the evaluation clock: now, or serve
 * --at) has not had one yet. */
void daemon_step(struct hr_daemon *d, double mono_s, int64_t t_us, struct hr_daemon_step *out /* OUT */);
void daemon_close(struct hr_daemon *d); /* NULL: no-op */

/* The files followed (borrowed until the next step), up to max; returns how
 * many there are. And the globs that match no file. */
size_t daemon_files(const struct hr_daemon *d, double mono_s, struct hr_tail_file *out /* OUT */, size_t max);
size_t daemon_empty_globs(const struct hr_daemon *d, const char **source /* OUT */, const char **glob /* OUT */,
                          size_t max);

#endif
