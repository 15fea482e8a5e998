/* cmd_ingest.c -- headroom ingest: backfill logs into the store
 * (engine/ingest.h; docs/cli/ingest.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/ingest.h"

static const char usage_text[] = "usage: headroom ingest -c CONF [LOG...] [--db FILE] [--source NAME] [--quiet]\n"
                                 "\n"
                                 "Backfill logs (plain or .gz) into the store. With no LOG, every file matching the\n"
                                 "paths of the configuration's log data sources is read. Ingesting a file again\n"
                                 "counts nothing twice: the store remembers how far each file was read.\n"
                                 "\n"
                                 "  -c, --config CONF    OpenSLO file or directory (required)\n"
                                 "      --db FILE        the store (default: the configuration's headroom.db)\n"
                                 "      --source NAME    the DataSource the logs are read with\n"
                                 "  -q, --quiet          no progress, even on a terminal\n"
                                 "\n"
                                 "Exit codes: 0 ok, 2 error (what was read before an error stays committed).\n";

static void progress(void *ctx, const char *path, double mb, int64_t lines, double lines_per_s, double eta_s,
                     int done) {
  (void)ctx;
  if (done) {
    fputc('\n', stderr);
    return;
  }
  char eta[48] = "";
  if (eta_s >= 0)
    snprintf(eta, sizeof eta, ", ETA %.0f s", eta_s);
  fprintf(stderr, "\r%s: %.1f MB, %lld lines, %.0f lines/s%s   ", path, mb, (long long)lines, lines_per_s, eta);
}

static void note(void *ctx, int is_error, const char *msg) {
  (void)ctx;
  if (is_error)
    cli_error("%s", msg);
  else
    fprintf(stderr, "%s\n", msg);
}

static int take(void *ctx, int val, const char *arg) {
  (void)arg;
  if (val == 'q')
    *(int *)ctx = 1;
  return 0;
}

int cmd_ingest(int argc, char **argv) {
  static const struct option opts[] = {{"quiet", no_argument, 0, 'q'}, {0, 0, 0, 0}};
  int quiet = 0;
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_DB | CLI_SOURCE, opts, "q", take, &quiet};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf;
  struct hr_ingest_opts io = {0};
  io.db = a.in.db;
  io.source = a.in.source;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  io.files = argc > a.rest ? argv + a.rest : NULL;
  io.nfiles = (size_t)(argc - a.rest);
  io.progress = !quiet && cli_isatty(stderr) ? progress : NULL;
  io.note = note;
  struct hr_ingest_totals tot;
  struct hr_err err = {0};
  enum hr_rc rc = engine_ingest(cfg, &io, &tot, &err);
  if (rc != HR_OK)
    cli_error("%s", err.msg);
  if (!quiet && (rc == HR_OK || tot.files > 0))
    fprintf(stderr, "ingested %llu files: %llu lines (%llu malformed), %llu events, %.1f MB into %s\n",
            (unsigned long long)tot.files, (unsigned long long)tot.lines, (unsigned long long)tot.malformed,
            (unsigned long long)tot.events, (double)tot.bytes / 1e6, io.db ? io.db : cfg->db_path);
  if (tot.undecided > 0) {
    char msg[256];
    cli_error("warning: %s", engine_undecided_msg(tot.undecided, msg, sizeof msg));
  }
  config_free(cfg);
  return rc == HR_OK ? 0 : 2;
}
