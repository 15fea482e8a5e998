/* tmp_store.h -- for the store tests: a store file in a fresh mkdtemp
 * directory (removed with its WAL files), opened or failing the test, and an
 * SLO's id. Include after <cmocka.h>; a test uses what it needs (static
 * inline: the rest costs no warning). */
#ifndef HR_TEST_TMP_STORE_H
#define HR_TEST_TMP_STORE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"
#include "util/xmalloc.h"

struct tmp {
  char dir[64];
  char *db;
};

static inline void tmp_make(struct tmp *t) {
  snprintf(t->dir, sizeof t->dir, "/tmp/hr_store_XXXXXX");
  assert_non_null(mkdtemp(t->dir));
  t->db = xasprintf("%s/h.db", t->dir);
}

static inline void tmp_remove(struct tmp *t) {
  static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    char *p = xasprintf("%s%s", t->db, suffix[i]);
    unlink(p);
    free(p);
  }
  assert_int_equal(rmdir(t->dir), 0);
  free(t->db);
}

static inline struct hr_store *open_ok(const char *path) {
  struct hr_store *st = NULL;
  struct hr_err err = {0};
  if (store_open(path, &st, &err) != HR_OK)
    fail_msg("store_open(%s): %s", path, err.msg);
  assert_non_null(st);
  return st;
}

static inline int64_t slo(struct hr_store *st, const char *name) {
  int64_t id = -1;
  struct hr_err err = {0};
  assert_int_equal(store_slo_id(st, name, &id, &err), HR_OK);
  return id;
}

#endif
