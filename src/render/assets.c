/* assets.c -- lookup in the generated table (see assets.h). */
#include "render/assets.h"

#include <stdlib.h>
#include <string.h>

static int cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const struct hr_asset *)elem)->path);
}

const struct hr_asset *hr_asset_find(const char *path) {
  if (path == NULL)
    return NULL;
  if (strcmp(path, "/") == 0)
    path = "/index.html";
  return bsearch(path, hr_assets, hr_assets_len, sizeof hr_assets[0], cmp);
}
