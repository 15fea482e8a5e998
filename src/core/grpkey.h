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

/* ---- a group's labels (alerts of groups, docs/alerting.md "Grouped SLOs") ---- */

/* The labels of a group as one canonical text, the way the store keeps an
 * alert's group: a JSON object of the groupBy fields names[0..nf) in
 * order, each to its value (values[f], NULL: null), or to "_other" for
 * every field of the group _other (other != 0, values ignored). Compact, no
 * spaces, so equal groups give equal texts. malloc'd. */
char *grp_labels_json(char *const *names, char *const *values, size_t nf, int other);

/* Walk a text grp_labels_json() wrote: *pos starts at 0; each call gives
 * the next field name and its value (NUL-terminated, cut to their
 * buffers; *isnull when the value is null) and returns 1; 0 at the end, on
 * "" (no labels: an SLO's own alert) or on a text that is not such an
 * object. */
int grp_labels_next(const char *json, size_t *pos, char *name, size_t ncap, char *value, size_t vcap, int *isnull);

/* Such a text as the JSON object member key (key NULL inside an array):
 * {"path": "/a", "host": null}; {} for "" (an SLO's own alert). */
struct hr_jw;
void grp_labels_jw(struct hr_jw *w, const char *key, const char *json);

/* "path=/a host=-" (null as '-') from such a text into buf[cap]; "" for "". */
const char *grp_labels_text(const char *json, char *buf, size_t cap);

/* A groupBy field as a Prometheus label name (/metrics, rules, and the
 * labels of a group's alerts): characters outside [A-Za-z0-9_] become '_',
 * and "group_" goes before a name that starts with a digit or "__" or is
 * one of headroom's own labels (service, slo, window, status, level, data,
 * component, alertname, severity, condition, group_by). Written into
 * buf[cap] (cut to fit), which it returns. */
const char *grp_label_name(const char *field, char *buf, size_t cap);

#endif
