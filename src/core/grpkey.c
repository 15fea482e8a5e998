/* grpkey.c -- see grpkey.h. */
#include "core/grpkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* The text of v (NULL: none) into buf, at most HR_GROUP_VALUE_MAX bytes. */
static size_t value_text(const struct hr_val *v, char *buf) {
  if (v == NULL)
    return 0;
  if (v->type == HR_V_BOOL)
    return (size_t)snprintf(buf, 8, "%s", v->num != 0 ? "true" : "false");
  if (v->sv.p != NULL && (v->sv.n > 0 || v->type == HR_V_STR)) {
    size_t n = v->sv.n < HR_GROUP_VALUE_MAX ? v->sv.n : HR_GROUP_VALUE_MAX;
    memcpy(buf, v->sv.p, n);
    return n;
  }
  int w = snprintf(buf, 32, "%.17g", v->num);
  return w > 0 && w < 32 ? (size_t)w : 0;
}

size_t grpkey_make(const struct hr_event *ev, const int *fid, size_t nf, char *key) {
  size_t kn = 0;
  for (size_t f = 0; f < nf && f < HR_GROUP_FIELDS_MAX; f++) {
    const struct hr_val *v = event_get(ev, fid[f]);
    size_t n = value_text(v, key + kn + 2);
    size_t tag = v == NULL ? 0xffff : n;
    key[kn] = (char)(tag >> 8);
    key[kn + 1] = (char)(tag & 0xff);
    kn += 2 + n;
  }
  return kn;
}

int grpkey_values(const char *key, size_t kn, size_t nf, char **values) {
  size_t o = 0;
  for (size_t f = 0; f < nf; f++)
    values[f] = NULL;
  for (size_t f = 0; f < nf; f++) {
    if (o + 2 > kn)
      goto bad;
    size_t tag = (size_t)(unsigned char)key[o] << 8 | (unsigned char)key[o + 1];
    size_t n = tag == 0xffff ? 0 : tag;
    if (n > HR_GROUP_VALUE_MAX || o + 2 + n > kn)
      goto bad;
    values[f] = tag == 0xffff ? NULL : xstrndup(key + o + 2, n);
    o += 2 + n;
  }
  if (o == kn)
    return 0;
bad:
  for (size_t f = 0; f < nf; f++) {
    free(values[f]);
    values[f] = NULL;
  }
  return -1;
}

void grpkey_fields(char *const *names, size_t n, char *buf, size_t cap) {
  size_t at = 0;
  buf[0] = 0;
  for (size_t f = 0; f < n && f < HR_GROUP_FIELDS_MAX; f++) {
    int w = snprintf(buf + at, cap - at, "%s%s", f ? "," : "", names[f]);
    if (w < 0 || (size_t)w >= cap - at)
      return; /* cut: snprintf wrote what fits */
    at += (size_t)w;
  }
}
