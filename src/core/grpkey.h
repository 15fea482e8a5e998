/* grpkey.h -- the key of a grouped SLO's group (groupBy, docs/config.md,
 * "Grouped SLOs"): the values of its groupBy fields in one event, encoded
 * as one byte string that tells groups apart. Each field in turn: a 2-byte
 * big-endian tag (the value's length, or 0xffff when the event has no value
 * for it) then the value's bytes (at most HR_GROUP_VALUE_MAX: longer values
 * are told apart by their first bytes). The report of logs (engine/group.c)
 * and the store's grouped counts (store/group.c) key groups with it, so a
 * group is the same group on both paths. Pure code. */
#ifndef HR_GRPKEY_H
#define HR_GRPKEY_H

#include <stddef.h>

#include "core/event.h"

#define HR_GROUP_VALUE_MAX 256 /* bytes of one field's value that tell groups apart */
#define HR_GROUP_FIELDS_MAX 8  /* groupBy fields of one SLO */
#define HR_GRPKEY_MAX (HR_GROUP_FIELDS_MAX * (HR_GROUP_VALUE_MAX + 2))

/* The key of ev's values of the fields fid[0..nf) (nf <= HR_GROUP_FIELDS_MAX)
 * into key[HR_GRPKEY_MAX]; returns its length (at least 2 * nf). */
size_t grpkey_make(const struct hr_event *ev, const int *fid, size_t nf, char *key /* OUT */);

/* The nf values of key[0..kn) into values[0..nf): each malloc'd and
 * NUL-terminated, or NULL for "no value". Returns 0, or -1 (values all
 * NULL) when key is not a key of nf fields. */
int grpkey_values(const char *key, size_t kn, size_t nf, char **values /* OUT */);

/* The groupBy field names names[0..n) joined by ',' into buf[cap] (cut to
 * fit): how the store tells one grouping of an SLO from another. */
void grpkey_fields(char *const *names, size_t n, char *buf, size_t cap);

#endif
