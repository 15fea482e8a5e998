/* imath.h -- integer division that rounds toward minus infinity, for the
 * times and bucket indexes that may be negative (before 1970, or a minute
 * before a window starts). C's / truncates toward zero: -1 / 60 is 0, but the
 * minute of -1 s is -1. */
#ifndef HR_IMATH_H
#define HR_IMATH_H

#include <stdint.h>

/* floor(a / b) and ceil(a / b), b != 0. */
static inline int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}
static inline int64_t ceil_div(int64_t a, int64_t b) {
  return -floor_div(-a, b);
}

/* t rounded down / up to a multiple of m > 0. */
static inline int64_t floor_to(int64_t t, int64_t m) {
  return floor_div(t, m) * m;
}
static inline int64_t ceil_to(int64_t t, int64_t m) {
  return ceil_div(t, m) * m;
}

#endif
