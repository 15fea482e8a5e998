/* json.h -- the one decoder of JSON string bodies (RFC 8259 §7), used by
 * every JSON reader in headroom: the JSON-lines event format
 * (core/fmt_jsonl.c), Prometheus API answers (prom/promjson.c) and request
 * bodies of the HTTP API (http/body.c). Pure: no I/O, no allocation except
 * in json_str_dup(), no NUL terminator needed on the input.
 *
 * Each function reads the body of one string: p points just after the
 * opening quote, end bounds the input. A string is accepted only when it is
 * correct JSON that decodes to well-formed UTF-8; anything else is rejected
 * as malformed, the same way everywhere:
 *
 *   escapes     \" \\ \/ \b \f \n \r \t and \uXXXX (hex digits of either
 *               case); any other character after a backslash, or \u without
 *               four hex digits, is rejected.
 *   surrogates  \uD800-\uDBFF immediately followed by \uDC00-\uDFFF is one
 *               code point, written as its 4-byte UTF-8 sequence. A lone
 *               surrogate (a high one not followed by a low escape, or a low
 *               one alone) is REJECTED (HR_JSON_LONE_SURROGATE): it has no
 *               UTF-8 encoding, and replacing it would alter the text
 *               silently.
 *   \u0000      decodes to a 0 byte (U+0000 is a valid JSON character).
 *               Decoded text is (pointer, length); json_str_dup(), whose
 *               result is a C string, rejects it (HR_JSON_NUL).
 *   raw bytes   < 0x20 (control characters) are rejected (RFC 8259 requires
 *               them escaped); DEL (0x7F) is allowed. Bytes >= 0x80 must
 *               form well-formed UTF-8 (RFC 3629: no overlong forms, no
 *               encoded surrogates, nothing above U+10FFFF, no truncated or
 *               stray continuation bytes); otherwise the string is rejected
 *               (HR_JSON_BAD_UTF8), never repaired or passed through.
 *
 * So whatever is accepted decodes to valid UTF-8. The decoded text is never
 * longer than the escaped text: a buffer of (close - p) bytes always holds
 * it. Strings without escapes decode to exactly their raw bytes; the scan
 * reads them eight bytes at a time.
 *
 * Numbers have one grammar too (RFC 8259 §6), json_num_scan():
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, nothing else (no leading
 * '+', no leading zeros, no "1." or ".5", no Infinity or NaN). */
#ifndef HR_JSON_H
#define HR_JSON_H

#include <stddef.h>

enum hr_json_rc {
  HR_JSON_OK = 0,
  HR_JSON_UNTERMINATED,   /* no closing quote before end (also a '\' at the end) */
  HR_JSON_CONTROL,        /* a raw byte < 0x20 */
  HR_JSON_BAD_ESCAPE,     /* '\' followed by something else than " \ / b f n r t u */
  HR_JSON_BAD_HEX,        /* \u not followed by four hex digits */
  HR_JSON_LONE_SURROGATE, /* a \u surrogate that is not a high+low pair */
  HR_JSON_BAD_UTF8,       /* raw bytes that are not well-formed UTF-8 */
  HR_JSON_NOSPACE,        /* json_str_decode(): the decoded text does not fit in cap */
  HR_JSON_NUL,            /* json_str_dup(): the text holds U+0000 */
  HR_JSON_NOT_NUMBER,     /* json_num_scan(): no '-' or digit where a number starts */
  HR_JSON_BAD_NUMBER,     /* json_num_scan(): a number that breaks the grammar */
  HR_JSON_LONG_NUMBER,    /* json_num_value(): longer than HR_JSON_NUM_MAX bytes */
};

/* The longest number json_num_value() converts (bytes of its text). */
#define HR_JSON_NUM_MAX 79

/* What went wrong, for messages: "unterminated string", "control character
 * in a string", ... */
const char *json_strerror(enum hr_json_rc rc);

/* Check the string body at p. HR_JSON_OK: *close is its closing quote and
 * *esc is 1 when it holds escapes (then only json_str_decode() gives its
 * text), 0 when p..*close is its text as is. Otherwise *close is the byte
 * where it went wrong (a backslash for a bad escape, the first byte of bad
 * UTF-8, end when unterminated). */
enum hr_json_rc json_str_scan(const char *p, const char *end, const char **close, int *esc);

/* Check and decode the string body at p into out[0..cap): *n bytes written
 * (no terminator added), *close as json_str_scan(). HR_JSON_NOSPACE when the
 * text does not fit (nothing after cap is written; *close is where the
 * decoding stopped). Never more than cap bytes are written. */
enum hr_json_rc json_str_decode(const char *p, const char *end, char *out, size_t cap, size_t *n, const char **close);

/* json_str_decode() into a new NUL-terminated buffer (xmalloc, freed by the
 * caller); *n (may be NULL) its length. Rejects a text holding U+0000
 * (HR_JSON_NUL, *close = p), which a C string cannot carry. On error *out
 * is NULL. */
enum hr_json_rc json_str_dup(const char *p, const char *end, char **out, size_t *n, const char **close);

/* Scan the number at p (before end) by the grammar above. HR_JSON_OK:
 * *stop is the byte after it and *integer is 1 when it has neither a
 * fraction nor an exponent. Otherwise HR_JSON_NOT_NUMBER (p starts none)
 * or HR_JSON_BAD_NUMBER, *stop where it went wrong. */
enum hr_json_rc json_num_scan(const char *p, const char *end, const char **stop, int *integer);

/* The value of the number p[0..n) that json_num_scan() accepted (integer:
 * as it said): integers of up to 15 digits exactly and without strtod(),
 * others by strtod(). HR_JSON_LONG_NUMBER when n > HR_JSON_NUM_MAX. */
enum hr_json_rc json_num_value(const char *p, size_t n, int integer, double *out);

#endif
