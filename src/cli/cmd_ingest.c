/* cmd_ingest.c -- headroom ingest: backfill logs into the store.
 *
 * Each batch of lines is committed in one transaction together with the
 * file's read position, so an interrupted ingest resumes where the last
 * commit stopped: nothing is lost and nothing counted twice. A file is
 * recognised by its real path and a fingerprint of its first bytes; a
 * rotated or replaced file is read from the start. */
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "ingest/counts.h"
#include "ingest/pipeline.h"
#include "ingest/reader.h"
#include "store/detail.h"
#include "store/store.h"
#include "util/xmalloc.h"

#define BATCH_LINES 500000
#define FP_BYTES 1024

static const char usage_text[] =
    "usage: headroom ingest -c CONF [LOG...] [--db FILE] [--source NAME] [--quiet]\n"
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


static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t); /* progress display only */
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct totals {
  uint64_t lines, malformed, events, bytes, files, skipped_files;
};

/* Commit one batch: counts + latency histograms and bad events (d) + the
 * file's new position. */
static enum hr_rc flush(struct hr_store *st, const int64_t *ids, struct hr_counts *m, struct hr_details *d,
                        const char *key, const struct hr_filepos *pos, struct hr_err *err) {
  enum hr_rc rc = store_begin(st, err);
  for (size_t i = 0; i < m->cap && rc == HR_OK; i++)
    if (m->c[i].minute != INT64_MIN)
      rc = store_add(st, ids[m->c[i].slo], m->c[i].minute, m->c[i].good, m->c[i].valid, err);
  if (rc == HR_OK)
    rc = details_write(d, st, ids, err);
  if (rc == HR_OK)
    rc = store_file_put(st, key, pos, err);
  if (rc == HR_OK)
    rc = store_commit(st, err);
  if (rc != HR_OK)
    store_rollback(st);
  counts_clear(m);
  details_clear(d);
  return rc;
}

static enum hr_rc ingest_file(struct hr_pipeline *p, struct hr_store *st, const int64_t *ids, struct hr_counts *m,
                              struct hr_details *d, const char *path, const char *source, int progress, struct totals *tot,
                              struct hr_err *err) {
  int si = pipeline_source_for(p, path, source, err);
  if (si < 0)
    return HR_ERR_USAGE;
  char real[PATH_MAX];
  if (realpath(path, real) == NULL)
    return HR_FAIL(err, HR_ERR_IO, "%s: cannot resolve path", path);
  struct hr_filepos pos = {0};
  int found = 0;
  enum hr_rc rc = store_file_get(st, real, &pos, &found, err);
  if (rc != HR_OK)
    return rc;
  uint64_t h;
  int64_t len;
  if (found) {
    /* Same content as before? Compare the fingerprint over the length it had. */
    if (reader_fingerprint(real, pos.fp_len, &h, &len, err) != HR_OK)
      return HR_ERR_IO;
    if (h != pos.fp_hash || len != pos.fp_len) {
      memset(&pos, 0, sizeof pos); /* replaced or rotated: read from the start */
      found = 0;
    }
  }
  if (reader_fingerprint(real, FP_BYTES, &h, &len, err) != HR_OK)
    return HR_ERR_IO;
  pos.fp_hash = h;
  pos.fp_len = len;
  struct hr_reader *r = NULL;
  if ((rc = reader_open(real, &r, err)) != HR_OK)
    return rc;
  if (found && pos.offset > 0 && (rc = reader_seek(r, pos.offset, err)) != HR_OK) {
    reader_close(r);
    return rc;
  }
  tot->files++;
  double t0 = now_s();
  int64_t start_off = pos.offset;
  int more = 1;
  while (more && rc == HR_OK) {
    struct hr_scan_stats s;
    scan_stats_init(&s);
    struct hr_err rerr = {0};
    enum hr_rc read_rc =
        scan_reader(p, (size_t)si, r, INT64_MAX, counts_sink, m, BATCH_LINES, &more, &s, &rerr);
    for (size_t i = 0; i < s.nsamples && tot->malformed + i < HR_SAMPLES; i++)
      fprintf(stderr, "%s:%lld: %s\n", path, (long long)(pos.lines + s.samples[i].line),
              format_reason(s.samples[i].reason));
    pos.offset = reader_offset(r);
    pos.lines += (int64_t)s.lines;
    pos.malformed += (int64_t)s.malformed;
    tot->lines += s.lines;
    tot->malformed += s.malformed;
    tot->events += s.events;
    tot->bytes += s.bytes;
    rc = flush(st, ids, m, d, real, &pos, err); /* what was read is kept, even before a read error */
    if (rc == HR_OK && read_rc != HR_OK) {
      *err = rerr;
      rc = read_rc;
    }
    if (progress) {
      double dt = now_s() - t0;
      int64_t ondisk, size;
      reader_progress(r, &ondisk, &size);
      char eta[48] = "";
      double rate = dt > 0 ? (double)ondisk / dt : 0; /* on-disk bytes per second */
      if (size > 0 && rate > 0 && more)
        snprintf(eta, sizeof eta, ", ETA %.0f s", (double)(size - ondisk) / rate);
      fprintf(stderr, "\r%s: %.1f MB, %llu lines, %.0f lines/s%s   ", path,
              (double)(pos.offset - start_off) / 1e6, (unsigned long long)pos.lines,
              dt > 0 ? (double)tot->lines / dt : 0.0, eta);
    }
  }
  if (progress)
    fputc('\n', stderr);
  reader_close(r);
  return rc;
}

int cmd_ingest(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, 0, 'c'}, {"db", required_argument, 0, 'd'},
                                       {"source", required_argument, 0, 's'}, {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  const char *conf = NULL, *db = NULL, *source = NULL;
  int quiet = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'd': db = optarg; break;
    case 's': source = optarg; break;
    case 'q': quiet = 1; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  if (conf == NULL) {
    cli_error("ingest: -c CONF is required");
    fputs(usage_text, stderr);
    return 2;
  }
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_err err = {0};
  struct hr_pipeline *p = NULL;
  struct hr_store *st = NULL;
  int code = 0;
  glob_t g = {0};
  int globbed = 0;
  char **files = argv + optind;
  size_t nfiles = (size_t)(argc - optind);
  int64_t *ids = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *ids);
  struct hr_counts m;
  counts_init(&m, 1 << 14);
  struct hr_details *d = details_new(cfg->nslos);
  if (pipeline_new(cfg, &p, &err) != HR_OK || store_open(db ? db : cfg->db_path, &st, &err) != HR_OK) {
    cli_error("%s", err.msg);
    code = 2;
    goto done;
  }
  pipeline_set_hook(p, details_hook, d, HR_DETAILS_NEED);
  for (size_t j = 0; j < cfg->nslos; j++)
    if (store_slo_id(st, cfg->slos[j].name, &ids[j], &err) != HR_OK) {
      cli_error("%s", err.msg);
      code = 2;
      goto done;
    }
  if (nfiles == 0) {
    int flags = 0;
    for (size_t i = 0; i < cfg->nsources; i++)
      for (size_t k = 0; k < cfg->sources[i].npaths; k++) {
        glob(cfg->sources[i].paths[k], flags, NULL, &g);
        flags = GLOB_APPEND;
        globbed = 1;
      }
    files = g.gl_pathv;
    nfiles = globbed ? g.gl_pathc : 0;
    if (nfiles == 0) {
      cli_error("ingest: no log files named and none match the data sources' paths");
      code = 2;
      goto done;
    }
  }
  struct totals tot = {0};
  int progress = !quiet && cli_isatty(stderr);
  for (size_t i = 0; i < nfiles; i++) {
    if (ingest_file(p, st, ids, &m, d, files[i], source, progress, &tot, &err) != HR_OK) {
      cli_error("%s", err.msg);
      code = 2;
      if (err.rc == HR_ERR_DB)
        break;
    }
  }
  if (!quiet)
    fprintf(stderr, "ingested %llu files: %llu lines (%llu malformed), %llu events, %.1f MB into %s\n",
            (unsigned long long)tot.files, (unsigned long long)tot.lines, (unsigned long long)tot.malformed,
            (unsigned long long)tot.events, (double)tot.bytes / 1e6, db ? db : cfg->db_path);
done:
  if (globbed)
    globfree(&g);
  counts_free(&m);
  details_free(d);
  free(ids);
  store_close(st);
  pipeline_free(p);
  config_free(cfg);
  return code;
}
