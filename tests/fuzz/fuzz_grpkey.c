/* fuzz_grpkey.c -- a group key as the store holds it (core/grpkey.h): the
 * first byte picks the number of fields (1..8), the rest is the key. A key
 * that decodes must encode back to the same bytes when its values hold no
 * NUL (the encoder reads the values as strings); one that does not decode
 * leaves every value NULL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grpkey.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  size_t nf = (size_t)(data[0] % HR_GROUP_FIELDS_MAX) + 1;
  const char *key = (const char *)data + 1;
  size_t kn = size - 1;
  char *values[HR_GROUP_FIELDS_MAX];
  if (grpkey_values(key, kn, nf, values) != 0) {
    for (size_t f = 0; f < nf; f++)
      if (values[f] != NULL)
        abort();
    return 0;
  }
  struct hr_event *ev = xcalloc(1, sizeof *ev);
  int fid[HR_GROUP_FIELDS_MAX];
  size_t text = 0; /* the key's length if no value holds a NUL */
  for (size_t f = 0; f < nf; f++) {
    text += 2 + (values[f] != NULL ? strlen(values[f]) : 0);
    fid[f] = (int)f;
    if (values[f] != NULL)
      event_set_str(ev, (int)f, values[f], strlen(values[f]));
  }
  char *back = xmalloc(HR_GRPKEY_MAX);
  size_t bn = grpkey_make(ev, fid, nf, back);
  if (text == kn && (bn != kn || memcmp(back, key, kn) != 0))
    abort();
  free(back);
  free(ev);
  for (size_t f = 0; f < nf; f++)
    free(values[f]);
  return 0;
}
