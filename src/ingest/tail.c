/* tail.c -- see tail.h and docs/internals/serve.md.
 *
 * A followed file is identified by (device, inode) while it is open, and by
 * its fingerprint (a hash of its first bytes, decompressed) in the store's
 * file table, which survives restarts. Plain files stay open, so a renamed or
 * deleted file is still read to its end; .gz files never grow and are read
 * once, by name. */
#include "ingest/tail.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/event.h"
#include "core/exclude.h"
#include "core/expr.h"
#include "core/counts.h"
#include "store/detail.h"
#include "util/xmalloc.h"

#define FP_BYTES 1024
#define BATCH_LINES 50000
#define CLOSE_IDLE_ROUNDS 10 /* rounds without growth before a rotated-away file is closed */
#define TAIL_CHUNK 65536

/* FNV-1a, continued from h (start: FNV_START): the fingerprint hash. */
#define FNV_START 1469598103934665603ULL
static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* What a batch read of one source (store/source.h), written with it. */
struct srcbatch {
  const char *name;
  struct hr_source_batch b;
  const char *names[HR_MAX_FIELDS];
  int64_t last[HR_MAX_FIELDS];
};

static void srcbatch_of(struct srcbatch *sb, const struct hr_pipeline *p, size_t si, const struct hr_scan_stats *s) {
  sb->name = p->src[si].ds->name;
  pipeline_source_batch(p, si, s, sb->names, sb->last, &sb->b);
}

/* Counts, latency histograms and bad events (d, NULL: none), what was read
 * of the source (sb, NULL: none) and positions in the transaction begun on
 * st, then commit (rollback on failure). keys/pos: n file rows to write. */
static enum hr_rc commit_begun(struct hr_store *st, const int64_t *ids, struct hr_counts *m, struct hr_details *d,
                               const struct srcbatch *sb, const char *const *keys, const struct hr_filepos *const *pos,
                               size_t n, struct hr_err *err) {
  enum hr_rc rc = HR_OK;
  if (sb != NULL)
    rc = store_source_add(st, sb->name, &sb->b, err);
  counts_sort(m); /* each SLO's minutes together, in time order */
  if (rc == HR_OK)
    rc = store_add_counts(st, ids, m, err);
  if (rc == HR_OK && d != NULL)
    rc = details_write(d, st, ids, err);
  for (size_t i = 0; i < n && rc == HR_OK; i++)
    rc = store_file_put(st, keys[i], pos[i], err);
  if (rc == HR_OK)
    rc = store_commit(st, err);
  if (rc != HR_OK)
    store_rollback(st);
  counts_clear(m);
  if (d != NULL)
    details_clear(d);
  return rc;
}

/* The same in a transaction of its own. */
static enum hr_rc commit(struct hr_store *st, const int64_t *ids, struct hr_counts *m, struct hr_details *d,
                         const struct srcbatch *sb, const char *const *keys, const struct hr_filepos *const *pos,
                         size_t n, struct hr_err *err) {
  enum hr_rc rc = store_begin(st, err);
  if (rc != HR_OK) {
    counts_clear(m);
    if (d != NULL)
      details_clear(d);
    return rc;
  }
  return commit_begun(st, ids, m, d, sb, keys, pos, n, err);
}

/* ---- followed files ---- */

struct tfile {
  char *path; /* real path where it was last seen */
  char *key;  /* the store row of its position */
  dev_t dev;
  ino_t ino;
  int fd; /* plain files: kept open; -1 for gzip */
  int gz;
  int si; /* data source (index into the pipeline) */
  struct hr_filepos pos;
  int gone;               /* no glob finds it any more */
  int idle;               /* rounds without growth while gone */
  int done;               /* gzip: read to its end */
  int64_t gz_failed_size; /* gzip: size at the last read error (retry when it changes) */
  int seen;
  int moved;           /* its position must be committed under key */
  double behind_since; /* when unread complete lines were first seen; 0 caught up */
  double grew_at;      /* when it last grew (or was found) */
  int64_t size;        /* at the last round */
  /* W3C (format_stateful()): the directives in force at pos, kept while the
   * source's one format reads other files (format_state_save()). */
  char *fstate;
  int fstate_known; /* 0: read them from the file before pos */
};

struct hr_tail {
  const struct hr_config *cfg;
  struct hr_pipeline *p;
  struct hr_store *st;
  int64_t *ids;
  struct tfile *f;
  size_t nf, capf;
  struct hr_counts m;
  struct hr_details *d; /* latency histograms and bad events of the batch */
  struct hr_tail_stats stats;
  /* The globs that matched no file at the last round: source and glob
   * (borrowed from the configuration), nempty of them. */
  const char **empty_src, **empty_glob;
  size_t nempty;
};

/* FNV-1a over the first min(n, size) bytes of an open plain file: the same
 * hash as reader_fingerprint(). */
static void fd_fingerprint(int fd, int64_t n, uint64_t *hash, int64_t *len) {
  unsigned char buf[FP_BYTES];
  uint64_t h = FNV_START;
  int64_t got = 0;
  while (got < n) {
    size_t want = (size_t)(n - got < (int64_t)sizeof buf ? n - got : (int64_t)sizeof buf);
    ssize_t k = pread(fd, buf, want, (off_t)got);
    if (k <= 0)
      break;
    h = fnv1a(h, buf, (size_t)k);
    got += k;
  }
  *hash = h;
  *len = got;
}

static int file_fingerprint(const char *path, int64_t n, uint64_t *hash, int64_t *len) {
  return reader_fingerprint(path, n, hash, len, NULL) == HR_OK ? 0 : -1;
}

static int is_gzip_fd(int fd) {
  unsigned char b[2];
  return pread(fd, b, 2, 0) == 2 && b[0] == 0x1f && b[1] == 0x8b;
}

static char *orphan_key(const char *path, uint64_t fp) {
  return xasprintf("%s#%016llx", path, (unsigned long long)fp);
}

static void tfile_close(struct tfile *f) {
  if (f->fd >= 0)
    close(f->fd);
  free(f->path);
  free(f->key);
  free(f->fstate);
  memset(f, 0, sizeof *f);
  f->fd = -1;
}

static void drop_file(struct hr_tail *t, size_t i) {
  tfile_close(&t->f[i]);
  t->f[i] = t->f[--t->nf];
}

static int source_index(const struct hr_pipeline *p, const struct hr_datasource *ds) {
  for (size_t k = 0; k < p->nsrc; k++)
    if (p->src[k].ds == ds)
      return p->src[k].fmt != NULL ? (int)k : -1;
  return -1;
}

static enum hr_rc load_ids(const struct hr_config *cfg, struct hr_store *st, int64_t **out, struct hr_err *err) {
  int64_t *ids = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *ids);
  for (size_t j = 0; j < cfg->nslos; j++)
    if (store_slo_id(st, cfg->slos[j].name, &ids[j], err) != HR_OK) {
      free(ids);
      return HR_ERR_DB;
    }
  *out = ids;
  return HR_OK;
}

enum hr_rc tail_new(const struct hr_config *cfg, struct hr_store *st, struct hr_tail **out, struct hr_err *err) {
  *out = NULL;
  struct hr_tail *t = xcalloc(1, sizeof *t);
  t->cfg = cfg;
  t->st = st;
  enum hr_rc rc = pipeline_new(cfg, &t->p, err);
  if (rc == HR_OK)
    rc = load_ids(cfg, st, &t->ids, err);
  if (rc != HR_OK) {
    pipeline_free(t->p);
    free(t);
    return rc;
  }
  counts_init(&t->m, 1 << 12);
  t->d = details_new(cfg->nslos);
  pipeline_hook_details(t->p, t->d);
  *out = t;
  return HR_OK;
}

enum hr_rc tail_set_config(struct hr_tail *t, const struct hr_config *cfg, struct hr_err *err) {
  struct hr_pipeline *p = NULL;
  int64_t *ids = NULL;
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  if (rc == HR_OK && (rc = load_ids(cfg, t->st, &ids, err)) != HR_OK)
    pipeline_free(p);
  if (rc != HR_OK)
    return rc;
  /* Re-home every file on the new data sources: by the source's name. */
  for (size_t i = 0; i < t->nf;) {
    const char *name = t->p->src[t->f[i].si].ds->name;
    int si = -1;
    for (size_t k = 0; k < p->nsrc; k++)
      if (p->src[k].fmt != NULL && strcmp(p->src[k].ds->name, name) == 0)
        si = (int)k;
    if (si < 0) {
      drop_file(t, i);
      continue;
    }
    t->f[i].si = si;
    i++;
  }
  pipeline_free(t->p);
  free(t->ids);
  details_free(t->d); /* empty between rounds: every batch ends in a commit */
  t->d = details_new(cfg->nslos);
  pipeline_hook_details(p, t->d);
  t->p = p;
  t->ids = ids;
  t->cfg = cfg;
  t->nempty = 0; /* they named the old configuration's globs */
  return HR_OK;
}

void tail_free(struct hr_tail *t) {
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->nf; i++)
    tfile_close(&t->f[i]);
  free(t->f);
  counts_free(&t->m);
  details_free(t->d);
  free(t->ids);
  pipeline_free(t->p);
  free(t->empty_src);
  free(t->empty_glob);
  free(t);
}

void tail_stats(const struct hr_tail *t, struct hr_tail_stats *out) {
  *out = t->stats;
  out->files = t->nf;
}

/* ---- resolving where a new file starts ---- */

/* Does the file at path start with the bytes fingerprinted as (hash, len)? */
static int content_matches(const char *path, uint64_t hash, int64_t len) {
  if (len <= 0)
    return 0;
  uint64_t h;
  int64_t l;
  return file_fingerprint(path, len, &h, &l) == 0 && h == hash && l == len;
}

struct cand {
  char *path; /* real path */
  int si;
  dev_t dev;
  ino_t ino;
  int exact; /* the store has a row under this path with its content */
};

/* Start following candidate c (a file no tracked descriptor is). Returns 1
 * when started, 0 when deferred (its content is a file still followed: a
 * copy being made, or a rotated copy of a file not yet finished). */
static int start_file(struct hr_tail *t, const struct cand *c, const struct hr_filerow *rows, size_t nrows) {
  for (size_t i = 0; i < t->nf; i++) {
    const struct tfile *f = &t->f[i];
    uint64_t ch, th;
    int64_t cl, tl;
    if (f->pos.fp_len <= 0 || file_fingerprint(c->path, f->pos.fp_len, &ch, &cl) != 0 || cl <= 0)
      continue;
    if (cl == f->pos.fp_len) {
      if (ch == f->pos.fp_hash)
        return 0;
      continue;
    }
    /* Shorter than the fingerprint: a copy still being written? */
    if (f->fd >= 0)
      fd_fingerprint(f->fd, cl, &th, &tl);
    else if (file_fingerprint(f->path, cl, &th, &tl) != 0)
      continue;
    if (tl == cl && th == ch)
      return 0;
  }
  /* The furthest position recorded for this content, under any key. */
  struct hr_filepos pos = {0};
  const char *from_key = NULL;
  for (size_t r = 0; r < nrows; r++)
    if (rows[r].pos.offset > pos.offset && content_matches(c->path, rows[r].pos.fp_hash, rows[r].pos.fp_len)) {
      pos = rows[r].pos;
      from_key = rows[r].key;
    }
  int fd = open(c->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  struct stat sb;
  if (fstat(fd, &sb) != 0 || sb.st_dev != c->dev || sb.st_ino != c->ino) {
    close(fd); /* replaced between stat and open: next round */
    return 0;
  }
  if (t->nf == t->capf) {
    t->capf = t->capf ? t->capf * 2 : 8;
    t->f = xrealloc(t->f, t->capf * sizeof *t->f);
  }
  struct tfile *f = &t->f[t->nf++];
  memset(f, 0, sizeof *f);
  f->path = xstrdup(c->path);
  f->key = xstrdup(c->path);
  f->dev = c->dev;
  f->ino = c->ino;
  f->si = c->si;
  f->gz = is_gzip_fd(fd);
  if (f->gz) {
    close(fd);
    f->fd = -1;
    if (file_fingerprint(c->path, FP_BYTES, &pos.fp_hash, &pos.fp_len) != 0)
      pos.fp_len = 0;
  } else {
    f->fd = fd;
    if (pos.offset == 0)
      fd_fingerprint(fd, FP_BYTES, &pos.fp_hash, &pos.fp_len);
  }
  f->pos = pos;
  f->seen = 1;
  /* Found under another name (rotated, compressed, copied): its position is
   * written under its own name now, before the row it came from is reused
   * by another file. */
  f->moved = from_key != NULL && strcmp(from_key, f->key) != 0;
  t->stats.files_opened++;
  return 1;
}

/* ---- reading ---- */

/* End of the last complete line in [from, size) of fd: from when none. */
static int64_t last_line_end(int fd, int64_t from, int64_t size) {
  char buf[TAIL_CHUNK];
  int64_t hi = size;
  while (hi > from) {
    int64_t lo = hi - TAIL_CHUNK > from ? hi - TAIL_CHUNK : from;
    ssize_t k = pread(fd, buf, (size_t)(hi - lo), (off_t)lo);
    if (k <= 0)
      return from;
    for (ssize_t i = k; i > 0; i--)
      if (buf[i - 1] == '\n')
        return lo + i;
    hi = lo;
  }
  return from;
}

/* Commit f's position alone (a new key, a reset). */
static enum hr_rc put_pos(struct hr_tail *t, const char *key, const struct hr_filepos *pos, const struct srcbatch *sb,
                          struct hr_err *err) {
  const char *keys[1] = {key};
  const struct hr_filepos *ps[1] = {pos};
  return commit(t->st, t->ids, &t->m, t->d, sb, keys, ps, 1, err);
}

/* Give the source's format the state of f's lines at f->pos (W3C). */
static enum hr_rc fmt_enter(struct hr_tail *t, struct tfile *f, const char *path, struct hr_err *err) {
  struct hr_format *fmt = t->p->src[f->si].fmt;
  if (fmt == NULL || !format_stateful(fmt))
    return HR_OK;
  if (f->fstate_known) {
    format_state_load(fmt, f->fstate);
    return HR_OK;
  }
  enum hr_rc rc = pipeline_prime(t->p, (size_t)f->si, path, f->pos.offset, err);
  f->fstate_known = rc == HR_OK;
  return rc;
}

/* Keep the format's state for f's next read. */
static void fmt_leave(struct hr_tail *t, struct tfile *f) {
  struct hr_format *fmt = t->p->src[f->si].fmt;
  if (fmt == NULL || !format_stateful(fmt))
    return;
  free(f->fstate);
  f->fstate = format_state_save(fmt);
  f->fstate_known = 1;
}

static void fmt_forget(struct tfile *f) {
  free(f->fstate);
  f->fstate = NULL;
  f->fstate_known = 0;
}

/* Read r to its end in batches, each committed with f's position. */
static enum hr_rc read_batches(struct hr_tail *t, struct tfile *f, struct hr_reader *r, int *progressed,
                               struct hr_err *err) {
  int more = 1;
  enum hr_rc rc = HR_OK;
  while (more && rc == HR_OK) {
    struct hr_scan_stats s;
    scan_stats_init(&s);
    struct hr_err rerr = {0};
    enum hr_rc read_rc =
        scan_reader(t->p, (size_t)f->si, r, INT64_MAX, counts_sink, &t->m, BATCH_LINES, &more, &s, &rerr);
    struct hr_filepos pos = f->pos;
    pos.offset = reader_offset(r);
    pos.lines += (int64_t)s.lines;
    pos.malformed += (int64_t)s.malformed;
    if (pos.fp_len < FP_BYTES) {
      if (f->fd >= 0)
        fd_fingerprint(f->fd, FP_BYTES, &pos.fp_hash, &pos.fp_len);
      else
        file_fingerprint(f->path, FP_BYTES, &pos.fp_hash, &pos.fp_len);
    }
    if (pos.offset == f->pos.offset && s.lines == 0) {
      counts_clear(&t->m);
      details_clear(t->d);
      if (read_rc != HR_OK) {
        *err = rerr;
        return read_rc;
      }
      break;
    }
    struct srcbatch sb;
    srcbatch_of(&sb, t->p, (size_t)f->si, &s);
    rc = put_pos(t, f->key, &pos, &sb, err);
    if (rc != HR_OK)
      return rc;
    f->pos = pos;
    *progressed = 1;
    t->stats.lines += s.lines;
    t->stats.malformed += s.malformed;
    t->stats.events += s.events;
    t->stats.bytes += s.bytes;
    t->stats.commits++;
    if (read_rc != HR_OK) {
      *err = rerr;
      return read_rc;
    }
  }
  return rc;
}

static enum hr_rc read_plain(struct hr_tail *t, struct tfile *f, double mono_s, int *progressed, struct hr_err *err) {
  struct stat sb;
  if (fstat(f->fd, &sb) != 0)
    return HR_OK;
  int64_t size = (int64_t)sb.st_size;
  /* Copytruncate (or truncated and rewritten): the content under the
   * descriptor no longer starts with what was fingerprinted. */
  uint64_t h;
  int64_t l;
  fd_fingerprint(f->fd, f->pos.fp_len, &h, &l);
  if (f->pos.fp_len > 0 && (h != f->pos.fp_hash || l != f->pos.fp_len)) {
    char *ok = orphan_key(f->path, f->pos.fp_hash);
    struct hr_filepos fresh = {0};
    fd_fingerprint(f->fd, FP_BYTES, &fresh.fp_hash, &fresh.fp_len);
    const char *keys[2] = {ok, f->key};
    const struct hr_filepos *ps[2] = {&f->pos, &fresh};
    enum hr_rc rc = commit(t->st, t->ids, &t->m, t->d, NULL, keys, ps, 2, err);
    free(ok);
    if (rc != HR_OK)
      return rc;
    f->pos = fresh;
    fmt_forget(f);
    t->stats.rotations++;
    t->stats.commits++;
  }
  if (size <= f->pos.offset) {
    f->behind_since = 0;
    return HR_OK;
  }
  int64_t end = last_line_end(f->fd, f->pos.offset, size);
  if (end <= f->pos.offset) {
    f->behind_since = 0; /* only a partial line: it waits for its newline */
    return HR_OK;
  }
  if (f->behind_since == 0)
    f->behind_since = mono_s;
  char fdpath[64];
  snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", f->fd);
  struct hr_reader *r = NULL;
  enum hr_rc rc = reader_open_range(fdpath, f->pos.offset, end, &r, err);
  if (rc != HR_OK)
    return HR_OK; /* retried next round */
  struct hr_err rerr = {0};
  if (fmt_enter(t, f, fdpath, &rerr) != HR_OK) {
    reader_close(r);
    return HR_OK; /* retried next round */
  }
  rc = read_batches(t, f, r, progressed, &rerr);
  fmt_leave(t, f);
  reader_close(r);
  if (rc == HR_ERR_DB) {
    *err = rerr;
    return rc;
  }
  if (f->pos.offset >= end)
    f->behind_since = 0;
  return HR_OK;
}

static enum hr_rc read_gz(struct hr_tail *t, struct tfile *f, int *progressed, struct hr_err *err) {
  struct stat sb;
  if (stat(f->path, &sb) != 0)
    return HR_OK;
  if (f->gz_failed_size != 0 && f->gz_failed_size == (int64_t)sb.st_size)
    return HR_OK; /* a broken gzip: wait until it changes */
  struct hr_reader *r = NULL;
  struct hr_err rerr = {0};
  if (reader_open(f->path, &r, &rerr) != HR_OK)
    return HR_OK;
  enum hr_rc rc = HR_OK;
  if (f->pos.offset > 0)
    rc = reader_seek(r, f->pos.offset, &rerr);
  if (rc == HR_OK)
    rc = fmt_enter(t, f, f->path, &rerr);
  if (rc == HR_OK) {
    rc = read_batches(t, f, r, progressed, &rerr);
    fmt_leave(t, f);
  }
  reader_close(r);
  if (rc == HR_OK) {
    f->done = 1;
  } else if (rc == HR_ERR_DB) {
    *err = rerr;
    return rc;
  } else {
    f->gz_failed_size = (int64_t)sb.st_size; /* e.g. still being compressed */
  }
  return HR_OK;
}

/* ---- one round ---- */

static int cand_cmp(const void *a, const void *b) {
  const struct cand *x = a, *y = b;
  if (x->exact != y->exact)
    return y->exact - x->exact; /* files with their own row first */
  return strcmp(x->path, y->path);
}

enum hr_rc tail_poll(struct hr_tail *t, double mono_s, struct hr_err *err) {
  enum hr_rc rc = HR_OK;
  /* 1. What the globs find now. */
  struct cand *cs = NULL;
  size_t nc = 0, capc = 0;
  t->nempty = 0;
  for (size_t i = 0; i < t->cfg->nsources; i++) {
    int si = source_index(t->p, &t->cfg->sources[i]);
    if (si < 0)
      continue;
    for (size_t k = 0; k < t->cfg->sources[i].npaths; k++) {
      glob_t g;
      memset(&g, 0, sizeof g);
      int grc = glob(t->cfg->sources[i].paths[k], 0, NULL, &g);
      if (grc != 0 || g.gl_pathc == 0) {
        t->empty_src = xrealloc(t->empty_src, (t->nempty + 1) * sizeof *t->empty_src);
        t->empty_glob = xrealloc(t->empty_glob, (t->nempty + 1) * sizeof *t->empty_glob);
        t->empty_src[t->nempty] = t->cfg->sources[i].name;
        t->empty_glob[t->nempty++] = t->cfg->sources[i].paths[k];
      }
      if (grc == 0) {
        for (size_t j = 0; j < g.gl_pathc; j++) {
          char real[PATH_MAX];
          struct stat sb;
          if (realpath(g.gl_pathv[j], real) == NULL || stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
          int dup = 0;
          for (size_t q = 0; q < nc && !dup; q++)
            dup = cs[q].dev == sb.st_dev && cs[q].ino == sb.st_ino;
          if (dup)
            continue;
          if (nc == capc) {
            capc = capc ? capc * 2 : 16;
            cs = xrealloc(cs, capc * sizeof *cs);
          }
          cs[nc++] = (struct cand){xstrdup(real), si, sb.st_dev, sb.st_ino, 0};
        }
      }
      globfree(&g);
    }
  }
  /* 2. Tracked files: found again (maybe under a new name), or gone. */
  for (size_t i = 0; i < t->nf; i++)
    t->f[i].seen = 0;
  for (size_t q = 0; q < nc; q++) {
    for (size_t i = 0; i < t->nf; i++) {
      struct tfile *f = &t->f[i];
      if (f->dev != cs[q].dev || f->ino != cs[q].ino)
        continue;
      f->seen = 1;
      f->gone = 0;
      f->idle = 0;
      if (strcmp(f->path, cs[q].path) != 0) {
        /* Renamed: its position moves to the new name, committed now so
         * a restart finds it there whatever comes next. */
        t->stats.rotations++;
        free(f->path);
        f->path = xstrdup(cs[q].path);
        free(f->key);
        f->key = xstrdup(cs[q].path);
        if ((rc = put_pos(t, f->key, &f->pos, NULL, err)) != HR_OK)
          goto out;
        t->stats.commits++;
      }
      free(cs[q].path);
      cs[q--] = cs[--nc];
      break;
    }
  }
  for (size_t i = 0; i < t->nf; i++) {
    struct tfile *f = &t->f[i];
    if (f->seen || f->gone)
      continue;
    f->gone = 1;
    t->stats.rotations++;
    if (f->gz || f->fd < 0)
      continue;
    /* Renamed out of the globs or deleted: finish it through its
     * descriptor, under a key of its own. */
    free(f->key);
    f->key = orphan_key(f->path, f->pos.fp_hash);
    if ((rc = put_pos(t, f->key, &f->pos, NULL, err)) != HR_OK)
      goto out;
    t->stats.commits++;
  }
  /* 3. New files: where do they start? */
  if (nc > 0) {
    /* Positions of every file seen; not the rows of posted batches. */
    struct hr_filerow *rows = NULL;
    size_t nrows = 0;
    if ((rc = store_file_list(t->st, TAIL_BATCH_PREFIX, &rows, &nrows, err)) != HR_OK)
      goto out;
    for (size_t q = 0; q < nc; q++)
      for (size_t r = 0; r < nrows && !cs[q].exact; r++)
        cs[q].exact = strcmp(rows[r].key, cs[q].path) == 0 &&
                      content_matches(cs[q].path, rows[r].pos.fp_hash, rows[r].pos.fp_len);
    qsort(cs, nc, sizeof *cs, cand_cmp);
    for (size_t q = 0; q < nc; q++)
      start_file(t, &cs[q], rows, nrows);
    store_file_rows_free(rows, nrows);
  }
  for (size_t i = 0; i < t->nf; i++)
    if (t->f[i].moved) {
      if ((rc = put_pos(t, t->f[i].key, &t->f[i].pos, NULL, err)) != HR_OK)
        goto out;
      t->f[i].moved = 0;
      t->stats.commits++;
    }
  /* 4. Read. */
  for (size_t i = 0; i < t->nf;) {
    struct tfile *f = &t->f[i];
    int progressed = 0;
    if (f->gz) {
      if (f->gone) {
        drop_file(t, i);
        continue;
      }
      if (!f->done)
        rc = read_gz(t, f, &progressed, err);
    } else {
      rc = read_plain(t, f, mono_s, &progressed, err);
    }
    if (rc != HR_OK)
      goto out;
    if (f->gone && !progressed && ++f->idle >= CLOSE_IDLE_ROUNDS) {
      drop_file(t, i);
      continue;
    }
    i++;
  }
out:
  /* The lag, whether this round committed or not: lines that wait because
   * the store refuses them wait all the same. */
  t->stats.lag_s = 0;
  for (size_t i = 0; i < t->nf; i++) {
    struct tfile *f = &t->f[i];
    if (f->behind_since > 0 && mono_s - f->behind_since > t->stats.lag_s)
      t->stats.lag_s = mono_s - f->behind_since;
    struct stat sb;
    int64_t size = f->fd >= 0 && fstat(f->fd, &sb) == 0 ? (int64_t)sb.st_size : f->pos.offset;
    if (f->grew_at == 0 || size != f->size)
      f->grew_at = mono_s;
    f->size = size;
  }
  for (size_t q = 0; q < nc; q++)
    free(cs[q].path);
  free(cs);
  return rc;
}

size_t tail_files(const struct hr_tail *t, double mono_s, struct hr_tail_file *out, size_t max) {
  for (size_t i = 0; i < t->nf && i < max; i++) {
    const struct tfile *f = &t->f[i];
    out[i] = (struct hr_tail_file){.path = f->path,
                                   .source = t->p->src[f->si].ds->name,
                                   .offset = f->pos.offset,
                                   .size = f->size,
                                   .idle_s = f->grew_at > 0 ? mono_s - f->grew_at : 0,
                                   .gz = f->gz,
                                   .gone = f->gone};
  }
  return t->nf;
}

size_t tail_empty_globs(const struct hr_tail *t, const char **source, const char **glob_, size_t max) {
  for (size_t i = 0; i < t->nempty && i < max; i++) {
    source[i] = t->empty_src[i];
    glob_[i] = t->empty_glob[i];
  }
  return t->nempty;
}

/* ---- lines from memory (POST /api/v1/events) ---- */

enum hr_rc tail_ingest_buffer(struct hr_pipeline *p, struct hr_store *st, const char *source, const char *key,
                              const char *buf, size_t n, struct hr_scan_stats *stats, int *dup, struct hr_err *err) {
  scan_stats_init(stats);
  *dup = 0;
  int si = pipeline_source_for(p, "", source, err);
  if (si < 0)
    return HR_ERR_USAGE;
  if (key != NULL && (*key == 0 || strlen(key) > TAIL_BATCH_KEY_MAX))
    return HR_FAIL(err, HR_ERR_USAGE, "an idempotency key has 1 to %d characters", TAIL_BATCH_KEY_MAX);
  const struct hr_config *cfg = p->cfg;
  int64_t *ids = NULL;
  enum hr_rc rc = load_ids(cfg, st, &ids, err);
  if (rc != HR_OK)
    return rc;
  struct hr_counts m;
  counts_init(&m, 1 << 8);
  struct hr_details *d = details_new(cfg->nslos);
  hr_event_hook_fn hook0 = p->on_event;
  void *hook0_ctx = p->on_event_ctx;
  uint64_t need0 = p->on_event_need;
  pipeline_hook_details(p, d); /* pipeline_event() calls it */
  struct hr_source_rt *src = &p->src[si];
  struct hr_event *ev = xmalloc(sizeof *ev);
  format_reset(src->fmt); /* a batch is read as a file of its own (W3C: its #Fields: first) */
  size_t at = 0;
  while (at < n) {
    const char *line = buf + at;
    const char *nl = memchr(line, '\n', n - at);
    size_t len = nl ? (size_t)(nl - line) : n - at;
    at += len + (nl != NULL);
    if (len > 0 && line[len - 1] == '\r')
      len--;
    stats->lines++;
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t'))
      k++;
    if (k == len) {
      stats->blank++;
      continue;
    }
    if (len > HR_MAX_LINE) {
      pipeline_bad_line(stats, HR_BAD_TOOLONG);
      continue;
    }
    int bad = format_parse(src->fmt, line, len, ev);
    if (bad == HR_PARSE_DIRECTIVE) {
      stats->blank++;
      continue;
    }
    if (bad != 0) {
      pipeline_bad_line(stats, bad);
      continue;
    }
    pipeline_event(p, (size_t)si, ev, line, len, INT64_MAX, counts_sink, &m, stats);
  }
  stats->bytes = n;
  free(ev);
  pipeline_set_hook(p, hook0, hook0_ctx, need0);
  struct srcbatch sb;
  srcbatch_of(&sb, p, (size_t)si, stats);
  if (key == NULL) {
    rc = commit(st, ids, &m, d, &sb, NULL, NULL, 0, err);
  } else {
    /* The key is looked up inside the (immediate) write transaction, so two
     * requests with one key cannot both count. */
    char *bkey = xasprintf(TAIL_BATCH_PREFIX "%s:%s", src->ds->name, key);
    struct hr_filepos pos = {.fp_hash = fnv1a(FNV_START, (const unsigned char *)buf, n),
                             .fp_len = (int64_t)n,
                             .offset = (int64_t)n,
                             .lines = (int64_t)stats->lines,
                             .malformed = (int64_t)stats->malformed},
                      old;
    int found = 0;
    rc = store_begin(st, err);
    if (rc == HR_OK)
      rc = store_file_prune(st, TAIL_BATCH_PREFIX, (int64_t)time(NULL) - TAIL_BATCH_KEEP_S, err);
    if (rc == HR_OK)
      rc = store_file_get(st, bkey, &old, &found, err);
    if (rc == HR_OK && !found) {
      const char *keys[] = {bkey};
      const struct hr_filepos *poss[] = {&pos};
      rc = commit_begun(st, ids, &m, d, &sb, keys, poss, 1, err);
    } else {
      store_rollback(st); /* a failure, or a batch already counted: nothing is committed */
      if (rc == HR_OK && (old.fp_hash != pos.fp_hash || old.fp_len != pos.fp_len)) {
        rc = HR_FAIL(err, HR_ERR_CONFLICT,
                     "idempotency key '%s' was used for another batch (%lld bytes) of source %s: nothing counted", key,
                     (long long)old.fp_len, src->ds->name);
      } else if (rc == HR_OK) {
        *dup = 1;
        scan_stats_init(stats);
        stats->lines = (uint64_t)old.lines;
        stats->malformed = (uint64_t)old.malformed;
      }
    }
    free(bkey);
  }
  counts_free(&m);
  details_free(d);
  free(ids);
  return rc;
}
