/* grpkey.c -- see grpkey.h. */
#include "core/grpkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/jw.h"
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

char *grp_labels_json(char *const *names, char *const *values, size_t nf, int other) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  if (f == NULL)
    abort();
  fputc('{', f);
  for (size_t i = 0; i < nf; i++) {
    if (i)
      fputc(',', f);
    jw_escape(f, names[i], strlen(names[i]));
    fputc(':', f);
    const char *v = other ? "_other" : values[i];
    if (v == NULL)
      fputs("null", f);
    else
      jw_escape(f, v, strlen(v));
  }
  fputc('}', f);
  fclose(f);
  return out;
}

/* The string at json[*pos] (just after its opening quote) into buf[cap]. */
static int labels_str(const char *json, size_t len, size_t *pos, char *buf, size_t cap) {
  const char *close;
  size_t n;
  const char *p = json + *pos, *end = json + len;
  enum hr_json_rc rc = json_str_decode(p, end, buf, cap - 1, &n, &close);
  if (rc == HR_JSON_NOSPACE) { /* cut to the buffer: skip the rest */
    int esc;
    rc = json_str_scan(p, end, &close, &esc);
    n = cap - 1;
  }
  if (rc != HR_JSON_OK)
    return 0;
  buf[n] = 0;
  *pos = (size_t)(close - json) + 1;
  return 1;
}

int grp_labels_next(const char *json, size_t *pos, char *name, size_t ncap, char *value, size_t vcap, int *isnull) {
  size_t len = json != NULL ? strlen(json) : 0, i = *pos;
  if (len < 2 || json[0] != '{' || i >= len)
    return 0;
  if (i == 0)
    i = 1;
  else if (json[i] == ',')
    i++;
  if (json[i] != '"')
    return 0; /* '}' or not ours */
  i++;
  if (!labels_str(json, len, &i, name, ncap) || json[i] != ':')
    return 0;
  i++;
  *isnull = strncmp(json + i, "null", 4) == 0;
  if (*isnull) {
    value[0] = 0;
    i += 4;
  } else if (json[i] != '"') {
    return 0;
  } else {
    i++;
    if (!labels_str(json, len, &i, value, vcap))
      return 0;
  }
  *pos = i;
  return 1;
}

void grp_labels_jw(struct hr_jw *w, const char *key, const char *json) {
  char name[128], value[HR_GROUP_VALUE_MAX * 3 + 1];
  size_t pos = 0;
  int isnull;
  jw_obj(w, key);
  while (grp_labels_next(json, &pos, name, sizeof name, value, sizeof value, &isnull))
    jw_str(w, name, isnull ? NULL : value);
  jw_obj_end(w);
}

const char *grp_labels_text(const char *json, char *buf, size_t cap) {
  char name[128], value[HR_GROUP_VALUE_MAX * 3 + 1];
  size_t pos = 0, at = 0;
  int isnull;
  buf[0] = 0;
  while (grp_labels_next(json, &pos, name, sizeof name, value, sizeof value, &isnull)) {
    int w = snprintf(buf + at, cap - at, "%s%s=%s", at ? " " : "", name, isnull ? "-" : value);
    if (w < 0 || (size_t)w >= cap - at)
      break;
    at += (size_t)w;
  }
  return buf;
}

const char *grp_label_name(const char *field, char *buf, size_t cap) {
  static const char *const taken[] = {"service",   "slo",       "window",   "status",    "level",   "data",
                                      "component", "alertname", "severity", "condition", "group_by"};
  int prefix = field[0] == 0 || (field[0] >= '0' && field[0] <= '9') || strncmp(field, "__", 2) == 0;
  for (size_t i = 0; i < sizeof taken / sizeof taken[0] && !prefix; i++)
    prefix = strcmp(field, taken[i]) == 0;
  size_t n = 0;
  for (const char *c = prefix ? "group_" : ""; *c && n + 1 < cap; c++)
    buf[n++] = *c;
  for (const char *c = field; *c && n + 1 < cap; c++)
    buf[n++] = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ? *c : '_';
  buf[n] = 0;
  return buf;
}
