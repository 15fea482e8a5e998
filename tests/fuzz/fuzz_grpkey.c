/* fuzz_grpkey.c -- a group key as the store holds it (core/grpkey.h): the
 * first byte picks the number of fields (1..8), the rest is the key. A key
 * that decodes must encode back to the same bytes when its values hold no
 * NUL (the encoder reads the values as strings); one that does not decode
 * leaves every value NULL. A decoded key's labels (grp_labels_json(), the
 * key of a group's alerts) walk back to the same names, nulls and ASCII
 * values; and any input read as a labels text walks without harm. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grpkey.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The labels of values[0..nf) (fields f0, f1, ...) walk back to them. */
static void labels_round_trip(char **values, size_t nf) {
  static char *const names[HR_GROUP_FIELDS_MAX] = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};
  char *json = grp_labels_json(names, values, nf, 0);
  char name[128], value[HR_GROUP_VALUE_MAX * 3 + 1];
  size_t pos = 0, n = 0;
  int isnull;
  while (grp_labels_next(json, &pos, name, sizeof name, value, sizeof value, &isnull)) {
    if (n >= nf || strcmp(name, names[n]) != 0 || isnull != (values[n] == NULL))
      abort();
    int ascii = 1;
    for (const char *c = values[n]; c != NULL && *c; c++)
      ascii &= (unsigned char)*c < 0x80;
    if (values[n] != NULL && ascii && strcmp(value, values[n]) != 0)
      abort();
    n++;
  }
  if (n != nf)
    abort();
  free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  char *text_in = xstrndup((const char *)data, size); /* as a labels text: must not crash */
  char buf[512];
  grp_labels_text(text_in, buf, sizeof buf);
  free(text_in);
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
  labels_round_trip(values, nf);
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
