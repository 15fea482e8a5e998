/* config.h -- loading the OpenSLO v1 configuration model (core/model.h:
 * Service, SLI, SLO, DataSource, AlertPolicy, AlertCondition,
 * AlertNotificationTarget, plus headroom's own keys). See docs/config.md for
 * every key.
 *
 * config_load() reads one file (several YAML documents) or a directory of
 * *.yaml / *.yml files, resolves indicatorRef / alertPolicyRef /
 * metricSourceRef, and fills a struct hr_config whose strings it owns.
 * Every error carries file:line:col. */
#ifndef HR_CONFIG_H
#define HR_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

/* One message per problem: "file:line:col: message". */
struct hr_diag {
  char **msgs;
  size_t n, cap;
  size_t nwarn; /* how many of msgs are warnings ("warning: ...") */
};
void diag_add(struct hr_diag *d, const struct hr_loc *loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_free(struct hr_diag *d);

/* config_load() flags. */
enum {
  HR_CONFIG_STRICT = 1, /* also warn about known quirks of other tools' files */
  /* For `check`: keep the configuration even when it has errors, so that
   * what can still be checked (formats, filters) is checked in the same
   * run. Then *out is set whenever the files could be read, whatever the
   * return code, and it also holds the SLOs whose own document has errors
   * (source NULL when their DataSource is unknown). Such a configuration
   * is for checking only. */
  HR_CONFIG_KEEP = 2,
};

/* Load path (a file or a directory). On success returns HR_OK and *out
 * (caller frees with config_free()); warnings may still be in *diag. On
 * failure returns HR_ERR_CONFIG (or HR_ERR_IO), *out = NULL (but see
 * HR_CONFIG_KEEP), and *diag holds every error found (never stops at the
 * first). flags: HR_CONFIG_* (0: neither; 1 is HR_CONFIG_STRICT). */
enum hr_rc config_load(const char *path, int flags, struct hr_config **out /* OUT */, struct hr_diag *diag);
void config_free(struct hr_config *c);

/* As config_load(), from n bytes of YAML in memory (fuzzers, tests). name is
 * the file name used in messages; relative paths and the default db resolve
 * against its directory. buf needs no NUL. */
enum hr_rc config_load_mem(const char *name, const char *buf, size_t n, int flags, struct hr_config **out /* OUT */,
                           struct hr_diag *diag);

/* Find by name; NULL when absent. */
struct hr_slo *config_slo(const struct hr_config *c, const char *name);
struct hr_service *config_service(const struct hr_config *c, const char *name);
struct hr_datasource *config_source(const struct hr_config *c, const char *name);

/* The time zone name, loaded from tzdata the first time a configuration
 * names it and kept in c->zones; NULL (err filled) when unknown. */
const struct hr_tz *config_zone(struct hr_config *c, const char *name, struct hr_err *err);

#endif
