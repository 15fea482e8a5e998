/* num.c -- see num.h. */
#include "render/num.h"

#include <stdio.h>

/* 1234567 -> "1 234 567" */
const char *num_count(uint64_t n, char *buf, size_t len) {
  char d[24];
  int nd = snprintf(d, sizeof d, "%llu", (unsigned long long)n);
  size_t o = 0;
  for (int i = 0; i < nd && o + 2 < len; i++) {
    if (i > 0 && (nd - i) % 3 == 0)
      buf[o++] = ' ';
    buf[o++] = d[i];
  }
  buf[o] = '\0';
  return buf;
}

/* "98.50 %", with the digits that tell 99.9 % from 99.95 %. */
const char *num_percent(double sli, char *buf, size_t len) {
  double p = sli * 100;
  snprintf(buf, len, p == 100 ? "%.0f %%" : p >= 99.99 ? "%.4f %%" : p >= 99.9 ? "%.3f %%" : "%.2f %%", p);
  return buf;
}
