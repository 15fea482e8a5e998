/* zone.c -- see zone.h. */
#include "config/zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define TZ_FILE_MAX (1 << 20) /* real TZif files are < 4 KiB */

/* A zone name, not a path that escapes the zone directory. */
static int name_ok(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n > 200 || name[0] == '/' || strstr(name, "..") != NULL)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = name[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' ||
          ch == '-' || ch == '+' || ch == '.'))
      return 0;
  }
  return 1;
}

enum hr_rc tz_load(const char *name, struct hr_tz **out, struct hr_err *err) {
  *out = NULL;
  if (name == NULL || strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
    *out = (struct hr_tz *)tz_utc();
    return HR_OK;
  }
  if (!name_ok(name))
    return HR_FAIL(err, HR_ERR_NOTFOUND, "time zone \"%s\": not a zone name", name);
  const char *dir = getenv("TZDIR");
  if (dir == NULL || dir[0] == '\0')
    dir = "/usr/share/zoneinfo";
  char *path = xasprintf("%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  free(path);
  if (f == NULL)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "time zone \"%s\": unknown (not in %s)", name, dir);
  unsigned char *buf = xmalloc(TZ_FILE_MAX);
  size_t n = fread(buf, 1, TZ_FILE_MAX, f);
  fclose(f);
  enum hr_rc rc = n == TZ_FILE_MAX ? HR_FAIL(err, HR_ERR_NOTFOUND, "time zone \"%s\": not a valid TZif file", name)
                                   : tz_parse(name, buf, n, out, err);
  free(buf);
  return rc;
}
