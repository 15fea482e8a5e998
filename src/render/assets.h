/* assets.h -- the dashboard's files, embedded in the binary at build time by
 * tools/embed.c from web/ (the table is generated into the build directory).
 * serve answers them from memory; report --format html inlines them. */
#ifndef HR_ASSETS_H
#define HR_ASSETS_H

#include <stddef.h>

struct hr_asset {
  const char *path; /* "/index.html" */
  const char *mime;
  const unsigned char *data;
  size_t len;
  const char *etag; /* quoted, e.g. "\"9f1c2e0a7b3d4e51\"" */
};

extern const struct hr_asset hr_assets[]; /* sorted by path */
extern const size_t hr_assets_len;

/* The asset at path ("/" means "/index.html"), or NULL. */
const struct hr_asset *hr_asset_find(const char *path);

#endif
