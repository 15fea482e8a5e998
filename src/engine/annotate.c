/* annotate.c -- see annotate.h. */
#include "engine/annotate.h"

#include <string.h>

#include "store/store.h"

static int service_known(const struct hr_config *cfg, const char *s) {
  if (config_service(cfg, s) != NULL)
    return 1;
  for (size_t j = 0; j < cfg->nslos; j++)
    if (cfg->slos[j].service != NULL && strcmp(cfg->slos[j].service, s) == 0)
      return 1;
  return 0;
}

/* 1 when s[0..n) is UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + len > n || (len == 2 && c < 0xc2))
      return 0;
    unsigned cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return 0;
    i += len;
  }
  return 1;
}

enum hr_rc engine_annotate(const struct hr_config *cfg, const char *db, const struct hr_annotation *a, int64_t *id,
                           struct hr_err *err) {
  if (a->service == NULL || a->service[0] == '\0')
    return HR_FAIL(err, HR_ERR_USAGE, "an annotation needs a service");
  if (!service_known(cfg, a->service))
    return HR_FAIL(err, HR_ERR_NOTFOUND, "unknown service '%s' (no Service document or SLO names it)", a->service);
  if (!timeline_kind_ok(a->kind))
    return HR_FAIL(err, HR_ERR_USAGE, "kind '%s': expected deploy, incident, maintenance or note",
                   a->kind ? a->kind : "");
  int maint = strcmp(a->kind, "maintenance") == 0;
  if (maint && !a->has_end)
    return HR_FAIL(err, HR_ERR_USAGE, "a maintenance window needs an end (--until, \"end\")");
  if (!maint && a->has_end)
    return HR_FAIL(err, HR_ERR_USAGE, "only a maintenance window has an end (--until, \"end\")");
  if (maint && a->end_s <= a->at_s)
    return HR_FAIL(err, HR_ERR_USAGE, "a maintenance window must end after it starts (a window [at, until))");
  if (a->text != NULL && strlen(a->text) > HR_TEXT_MAX)
    return HR_FAIL(err, HR_ERR_USAGE, "the text is longer than %d bytes", HR_TEXT_MAX);
  if (a->text != NULL && !utf8_ok((const unsigned char *)a->text, strlen(a->text)))
    return HR_FAIL(err, HR_ERR_USAGE, "the text is not valid UTF-8");
  if (db == NULL)
    return HR_FAIL(err, HR_ERR_USAGE, "no store configured; use --db FILE");
  struct hr_store *st = NULL;
  enum hr_rc rc = store_open(db, &st, err);
  if (rc == HR_OK)
    rc = timeline_add(st, a, id, err);
  store_close(st);
  return rc;
}
