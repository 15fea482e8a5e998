/* fuzz_json.c -- the JSON string decoder (core/json.h) on arbitrary bytes,
 * taken as a string body (what follows an opening quote). Checks: the scan
 * and the decode agree; what is accepted decodes to well-formed UTF-8 (by
 * an independent checker), is never longer than its source, is its raw
 * bytes when it has no escapes, and survives the writer's escaping
 * (jw_escape) and a second decode unchanged; a buffer one byte short is
 * refused without being overrun; json_str_dup() agrees. The same bytes as a
 * number (json_num_scan): read by strtod to the same end and value. The input and the
 * buffers are exact-size copies: reading or writing past them is an ASan
 * error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/jw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Well-formed UTF-8 (RFC 3629), decoding code points. */
static int valid_utf8(const unsigned char *s, size_t n) {
  static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > n)
      return 0;
    unsigned long cp = c & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return 0;
      cp = cp << 6 | (s[i + k] & 0x3Fu);
    }
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += len;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *in = malloc(size ? size : 1), *out = malloc(size ? size : 1);
  if (in == NULL || out == NULL)
    abort();
  if (size)
    memcpy(in, data, size);
  const char *end = in + size, *close = NULL, *close2 = NULL;
  int esc = -1;
  size_t n = 0;
  enum hr_json_rc rc = json_str_scan(in, end, &close, &esc);
  enum hr_json_rc rc2 = json_str_decode(in, end, out, size, &n, &close2);
  if (rc2 != rc || close2 != close || close < in || close > end || json_strerror(rc) == NULL)
    abort();
  if (rc == HR_JSON_OK) {
    size_t raw = (size_t)(close - in);
    if (close == end || *close != '"' || n > raw || !valid_utf8((const unsigned char *)out, n))
      abort();
    if (!esc && (n != raw || memcmp(out, in, n) != 0))
      abort();
    /* one byte short: refused, nothing written past it */
    if (n > 0) {
      char *small = malloc(n - 1 ? n - 1 : 1);
      size_t sn;
      if (small == NULL || json_str_decode(in, end, small, n - 1, &sn, &close2) != HR_JSON_NOSPACE || sn >= n)
        abort();
      free(small);
    }
    /* written back by the JSON writer, then read again: the same text */
    char *w = NULL;
    size_t wn = 0;
    FILE *f = open_memstream(&w, &wn);
    if (f == NULL)
      abort();
    jw_escape(f, out, n);
    fclose(f);
    char *again = malloc(n ? n : 1);
    size_t an;
    if (again == NULL || wn < 2 || json_str_decode(w + 1, w + wn, again, n, &an, &close2) != HR_JSON_OK ||
        close2 != w + wn - 1 || an != n || memcmp(again, out, n) != 0)
      abort();
    free(again);
    free(w);
  }
  char *s = NULL;
  size_t dn = 0;
  enum hr_json_rc rd = json_str_dup(in, end, &s, &dn, &close2);
  int has_nul = rc == HR_JSON_OK && memchr(out, 0, n) != NULL;
  if (rd != (has_nul ? HR_JSON_NUL : rc) || (rd == HR_JSON_OK) != (s != NULL))
    abort();
  if (s != NULL && (dn != n || memcmp(s, out, n) != 0 || s[n] != '\0'))
    abort();
  free(s);
  /* The same bytes as a number: the scan stays inside the input, and what
   * it accepts strtod reads to the same end (a NUL-terminated copy). */
  const char *stop = NULL;
  int integer = -1;
  enum hr_json_rc rn = json_num_scan(in, end, &stop, &integer);
  if (stop < in || stop > end || json_strerror(rn) == NULL)
    abort();
  if (rn == HR_JSON_OK) {
    size_t len = (size_t)(stop - in);
    char *z = malloc(len + 1), *zend;
    if (z == NULL)
      abort();
    memcpy(z, in, len);
    z[len] = '\0';
    double want = strtod(z, &zend), x;
    if (zend != z + len || (integer && memchr(z, '.', len) != NULL))
      abort();
    enum hr_json_rc rv = json_num_value(in, len, integer, &x);
    if (rv == HR_JSON_OK ? x != want : (rv != HR_JSON_LONG_NUMBER || len <= HR_JSON_NUM_MAX))
      abort();
    free(z);
  }
  free(out);
  free(in);
  return 0;
}
