/* reader.c -- see reader.h. */
#include "ingest/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/format.h"
#include "util/xmalloc.h"

#define BUF_SIZE (256 << 10) /* must exceed HR_MAX_LINE */

struct hr_reader {
  char *path;
  int fd;
  gzFile gz;
  char *buf;
  size_t start, end; /* unread bytes are buf[start..end) */
  int eof;           /* the source has no more bytes */
  int64_t consumed;  /* offset of buf[start] in the stream */
  int64_t limit;     /* range readers: stop after the line containing byte limit-1; -1 none */
  int skipping;      /* inside an over-long line */
  size_t skipped;
};

enum { SKIP_NONE = 0, SKIP_RANGE_START, SKIP_TOOLONG };

/* zlib's message without the "<fd:N>: " it prefixes for gzdopen()ed streams. */
static const char *gz_message(gzFile gz) {
  int zerr;
  const char *msg = gzerror(gz, &zerr);
  if (strncmp(msg, "<fd:", 4) == 0) {
    const char *colon = strstr(msg, ": ");
    if (colon != NULL)
      msg = colon + 2;
  }
  return msg;
}

static int is_gzip_file(int fd) {
  unsigned char m[2];
  ssize_t n = pread(fd, m, 2, 0);
  return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

static struct hr_reader *reader_alloc(const char *path) {
  struct hr_reader *r = xcalloc(1, sizeof *r);
  r->path = xstrdup(path);
  r->fd = -1;
  r->buf = xmalloc(BUF_SIZE);
  r->limit = -1;
  return r;
}

enum hr_rc reader_open(const char *path, struct hr_reader **out, struct hr_err *err) {
  *out = NULL;
  int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return HR_FAIL(err, HR_ERR_IO, "%s: %s", path, strerror(errno));
  struct hr_reader *r = reader_alloc(path);
  if (is_gzip_file(fd)) {
    r->gz = gzdopen(fd, "rb");
    if (r->gz == NULL) {
      close(fd);
      reader_close(r);
      return HR_FAIL(err, HR_ERR_IO, "%s: cannot open gzip stream", path);
    }
    gzbuffer(r->gz, 256 * 1024);
  } else {
    r->fd = fd;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  *out = r;
  return HR_OK;
}

enum hr_rc reader_open_range(const char *path, int64_t from, int64_t to, struct hr_reader **out, struct hr_err *err) {
  enum hr_rc rc = reader_open(path, out, err);
  if (rc != HR_OK)
    return rc;
  struct hr_reader *r = *out;
  if (r->gz != NULL) {
    reader_close(r);
    *out = NULL;
    return HR_FAIL(err, HR_ERR_USAGE, "%s: byte ranges of gzip files are not supported", path);
  }
  r->limit = to;
  if (from > 0) {
    /* Start after the newline at or after from-1, so the line containing
     * byte from-1 belongs to the previous range. */
    if (lseek(r->fd, from - 1, SEEK_SET) < 0) {
      reader_close(r);
      *out = NULL;
      return HR_FAIL(err, HR_ERR_IO, "%s: seek: %s", path, strerror(errno));
    }
    r->consumed = from - 1;
    r->skipping = SKIP_RANGE_START; /* drop through the first newline */
    r->skipped = 0;
  }
  return HR_OK;
}

/* Refill: move unread bytes to the front and read more. Returns bytes added,
 * 0 at end, -1 on error. */
static ssize_t fill(struct hr_reader *r, struct hr_err *err) {
  if (r->eof)
    return 0;
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  size_t room = BUF_SIZE - r->end;
  if (room == 0)
    return 0;
  ssize_t n;
  if (r->gz != NULL) {
    int k = gzread(r->gz, r->buf + r->end, (unsigned)room);
    if (k < 0) {
      HR_FAIL(err, HR_ERR_IO, "%s: gzip: %s (after %lld decompressed bytes)", r->path, gz_message(r->gz),
              (long long)(r->consumed + (int64_t)r->end));
      r->eof = 1;
      return -1;
    }
    if (k == 0) {
      int zerr;
      gzerror(r->gz, &zerr);
      r->eof = 1;
      if (zerr != Z_OK && zerr != Z_STREAM_END) {
        HR_FAIL(err, HR_ERR_IO, "%s: gzip: %s (after %lld decompressed bytes)", r->path, gz_message(r->gz),
                (long long)(r->consumed + (int64_t)r->end));
        return -1;
      }
      /* zlib reports a stream cut short as Z_BUF_ERROR ("unexpected end
       * of file") on the read that hits the end; a clean end leaves Z_OK. */
    }
    n = k;
  } else {
    do
      n = read(r->fd, r->buf + r->end, room);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      HR_FAIL(err, HR_ERR_IO, "%s: read: %s", r->path, strerror(errno));
      r->eof = 1;
      return -1;
    }
    if (n == 0)
      r->eof = 1;
  }
  r->end += (size_t)n;
  return n;
}

/* A UTF-8 byte-order mark is dropped from the line that starts at byte 0
 * of the file, and only there: every format then reads a file saved with
 * one as it reads the same file without (reader.h). */
static void drop_bom(int64_t start, char **p, size_t *n) {
  if (start == 0 && *n >= 3 && memcmp(*p, "\xEF\xBB\xBF", 3) == 0) {
    *p += 3;
    *n -= 3;
  }
}

int reader_next(struct hr_reader *r, const char **line, size_t *len, struct hr_err *err) {
  for (;;) {
    if (r->limit >= 0 && r->consumed >= r->limit && r->skipping != SKIP_RANGE_START)
      return HR_READ_EOF;
    char *p = r->buf + r->start;
    size_t avail = r->end - r->start;
    char *nl = avail ? memchr(p, '\n', avail) : NULL;
    if (nl != NULL) {
      size_t n = (size_t)(nl - p);
      int64_t at = r->consumed;
      r->start += n + 1;
      r->consumed += (int64_t)n + 1;
      if (r->skipping == SKIP_RANGE_START) {
        r->skipping = SKIP_NONE; /* that line belongs to the previous range */
        continue;
      }
      if (r->skipping == SKIP_TOOLONG) {
        r->skipping = SKIP_NONE;
        *len = r->skipped + n;
        return HR_READ_TOOLONG;
      }
      if (n > HR_MAX_LINE) {
        *len = n;
        return HR_READ_TOOLONG;
      }
      if (n > 0 && p[n - 1] == '\r')
        n--;
      drop_bom(at, &p, &n);
      *line = p;
      *len = n;
      return HR_READ_LINE;
    }
    if (r->skipping != SKIP_NONE || avail > HR_MAX_LINE) {
      /* No newline in the buffer: drop the bytes of a line we do not keep. */
      if (r->skipping == SKIP_NONE) {
        r->skipping = SKIP_TOOLONG;
        r->skipped = 0;
      }
      r->skipped += avail;
      r->consumed += (int64_t)avail;
      r->start = r->end;
    }
    ssize_t got = fill(r, err);
    if (got < 0)
      return HR_READ_ERROR;
    if (got > 0)
      continue;
    /* End of input. */
    if (r->skipping == SKIP_TOOLONG) {
      r->skipping = SKIP_NONE;
      *len = r->skipped;
      return HR_READ_TOOLONG;
    }
    r->skipping = SKIP_NONE;
    size_t n = r->end - r->start;
    if (n == 0)
      return HR_READ_EOF;
    /* A final line without a newline. */
    p = r->buf + r->start;
    r->start = r->end;
    int64_t at = r->consumed;
    r->consumed += (int64_t)n;
    if (n > 0 && p[n - 1] == '\r')
      n--;
    drop_bom(at, &p, &n);
    *line = p;
    *len = n;
    return HR_READ_LINE;
  }
}

int64_t reader_offset(const struct hr_reader *r) {
  return r->consumed;
}

int reader_is_gzip(const struct hr_reader *r) {
  return r->gz != NULL;
}

void reader_progress(const struct hr_reader *r, int64_t *done, int64_t *total) {
  struct stat sb;
  int fd = r->gz != NULL ? -1 : r->fd;
  *total = 0;
  *done = r->gz != NULL ? (int64_t)gzoffset(r->gz) : r->consumed;
  if (fd < 0 && r->path != NULL && stat(r->path, &sb) == 0)
    *total = sb.st_size;
  else if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
    *total = sb.st_size;
}

enum hr_rc reader_seek(struct hr_reader *r, int64_t offset, struct hr_err *err) {
  r->start = r->end = 0;
  r->eof = 0;
  r->skipping = 0;
  r->skipped = 0;
  if (r->gz != NULL) {
    if (gzseek(r->gz, (z_off_t)offset, SEEK_SET) < 0)
      return HR_FAIL(err, HR_ERR_IO, "%s: cannot skip to byte %lld of the gzip stream", r->path, (long long)offset);
  } else if (lseek(r->fd, offset, SEEK_SET) < 0) {
    return HR_FAIL(err, HR_ERR_IO, "%s: seek: %s", r->path, strerror(errno));
  }
  r->consumed = offset;
  return HR_OK;
}

enum hr_rc reader_fingerprint(const char *path, int64_t n, uint64_t *hash, int64_t *len, struct hr_err *err) {
  gzFile gz = gzopen(path, "rb"); /* reads plain files transparently */
  if (gz == NULL)
    return HR_FAIL(err, HR_ERR_IO, "%s: %s", path, strerror(errno));
  unsigned char buf[4096];
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  int64_t got = 0;
  while (got < n) {
    unsigned want = (unsigned)(n - got < (int64_t)sizeof buf ? n - got : (int64_t)sizeof buf);
    int k = gzread(gz, buf, want);
    if (k <= 0)
      break;
    for (int i = 0; i < k; i++) {
      h ^= buf[i];
      h *= 1099511628211ULL;
    }
    got += k;
  }
  gzclose(gz);
  *hash = h;
  *len = got;
  return HR_OK;
}

void reader_close(struct hr_reader *r) {
  if (r == NULL)
    return;
  if (r->gz != NULL)
    gzclose(r->gz);
  else if (r->fd >= 0)
    close(r->fd);
  free(r->buf);
  free(r->path);
  free(r);
}
