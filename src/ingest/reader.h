/* reader.h -- lines from a log file, plain or gzip (detected by its magic
 * bytes, not its name), through one fixed buffer: memory stays bounded
 * whatever the file's size.
 *
 * Lines are borrowed views into the buffer, valid until the next
 * reader_next(). A final line without a newline is returned at end of file.
 * A line longer than HR_MAX_LINE is skipped whole and reported as such.
 * A UTF-8 byte-order mark (EF BB BF) at byte 0 of the file (decompressed,
 * for gzip) is dropped from the first line, so every format reads a file
 * saved with one; offsets still count its bytes. */
#ifndef HR_READER_H
#define HR_READER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct hr_reader;

enum hr_read { HR_READ_EOF = 0, HR_READ_LINE = 1, HR_READ_TOOLONG = 2, HR_READ_ERROR = -1 };

/* Open path ("-" for standard input). *out owned by the caller (reader_close()). */
enum hr_rc reader_open(const char *path, struct hr_reader **out /* OUT */, struct hr_err *err);

/* Read only the byte range [from, to) of a plain file: the first line that
 * starts at or after `from` through the line that contains byte to-1
 * (so two readers over [0, m) and [m, n) see every line exactly once).
 * Not for gzip files (HR_ERR_USAGE). */
enum hr_rc reader_open_range(const char *path, int64_t from, int64_t to, struct hr_reader **out /* OUT */,
                             struct hr_err *err);

/* Next line. HR_READ_LINE: line and len set (no newline, no trailing \r).
 * HR_READ_TOOLONG: a line over the limit was skipped (*len = its length so far).
 * HR_READ_EOF: end. HR_READ_ERROR: err filled (e.g. truncated gzip); lines
 * returned before stay valid data. */
int reader_next(struct hr_reader *r, const char **line, size_t *len, struct hr_err *err);

/* Bytes consumed (decompressed for gzip) through the end of the last line returned. */
int64_t reader_offset(const struct hr_reader *r);

/* Skip to a byte offset previously taken from reader_offset(). */
enum hr_rc reader_seek(struct hr_reader *r, int64_t offset, struct hr_err *err);

/* Fingerprint: a 64-bit hash of the first min(n, file size) bytes (decompressed),
 * and how many bytes it covers. Reads from the start without moving r. */
enum hr_rc reader_fingerprint(const char *path, int64_t n, uint64_t *hash /* OUT */, int64_t *len /* OUT */,
                              struct hr_err *err);

/* Progress through the file on disk: *done of *total bytes (for gzip, the
 * compressed position), for a progress display. *total is 0 when unknown. */
void reader_progress(const struct hr_reader *r, int64_t *done /* OUT */, int64_t *total /* OUT */);

int reader_is_gzip(const struct hr_reader *r);
void reader_close(struct hr_reader *r);

#endif
