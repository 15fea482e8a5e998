/* openslo.c -- the OpenSLO v1 loader: YAML files (libyaml document API, so
 * every node keeps its line and column) -> struct hr_config.
 *
 * Every document of every file is parsed first; then the kinds are built in
 * dependency order (Service, DataSource, AlertNotificationTarget,
 * AlertCondition, AlertPolicy, SLI, SLO), references are resolved, and every
 * problem is reported through struct hr_diag without stopping at the first.
 * See docs/config.md for every key the loader reads.
 *
 * This file reads the files, checks every document's header, builds the
 * Services and calls the other kinds' builders in that order: DataSource in
 * openslo_source.c, the alerting kinds in openslo_alert.c, SLI and SLO in
 * openslo_slo.c (see openslo_impl.h). The YAML helpers are in ydoc.c. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/openslo_impl.h"
#include "config/zone.h"
#include "core/gate.h"
#include "util/xmalloc.h"

#define HR_CONFIG_MAX_BYTES ((size_t)4 << 20) /* per file */
#define HR_CONFIG_MAX_FILES 1024

/* ------------------------------------------------------------- documents */

static int kind_of(const char *s) {
  for (int k = 0; k < K__N; k++)
    if (strcmp(ydoc_kind_names[k], s) == 0)
      return k;
  return -1;
}

/* headroom.dev/db and headroom.dev/listen, allowed on any document. */
static void parse_global_annotations(struct ld *L, struct doc *d) {
  yaml_node_t *an;
  const char *s = ydoc_annotation(d, "headroom.dev/db", &an);
  if (s != NULL) {
    char *p = ydoc_path_join(L->dirs[d->fi], s);
    if (L->c->db_path != NULL && strcmp(L->c->db_path, p) != 0) {
      ydoc_err_at(L, d, an, "headroom.dev/db is already set to '%s' at %s:%d:%d", L->c->db_path, L->db_loc.file,
                  L->db_loc.line, L->db_loc.col);
      free(p);
    } else if (L->c->db_path == NULL) {
      L->c->db_path = p;
      L->db_loc = ydoc_loc_of(L, d, an);
    } else
      free(p);
  }
  s = ydoc_annotation(d, "headroom.dev/listen", &an);
  if (s != NULL) {
    if (strchr(s, ':') == NULL)
      ydoc_err_at(L, d, an, "headroom.dev/listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
    else if (L->c->listen != NULL && strcmp(L->c->listen, s) != 0)
      ydoc_err_at(L, d, an, "headroom.dev/listen is already set to '%s' at %s:%d:%d", L->c->listen, L->listen_loc.file,
                  L->listen_loc.line, L->listen_loc.col);
    else if (L->c->listen == NULL) {
      L->c->listen = xstrdup(s);
      L->listen_loc = ydoc_loc_of(L, d, an);
    }
  }
}

static void read_header(struct ld *L, struct doc *d) {
  static const char *const top[] = {"apiVersion", "kind", "metadata", "spec", NULL};
  static const char *const meta[] = {"name", "displayName", "labels", "annotations", NULL};
  d->kind = -1;
  yaml_node_t *r = d->root;
  const char *api = ydoc_want_str(L, d, r, "apiVersion", 1, "the document", NULL);
  yaml_node_t *kn;
  const char *kind = ydoc_want_str(L, d, r, "kind", 1, "the document", &kn);
  int bad = api == NULL || kind == NULL;
  if (api != NULL && strcmp(api, "openslo/v1") != 0) {
    ydoc_err_at(L, d, ydoc_mget(d, r, "apiVersion"), "unsupported apiVersion '%s' (headroom reads openslo/v1)", api);
    bad = 1;
  }
  int k = kind != NULL ? kind_of(kind) : -1;
  if (kind != NULL && k < 0) {
    ydoc_err_at(L, d, kn,
                "unknown kind '%s' (expected Service, SLI, SLO, DataSource, AlertPolicy, AlertCondition or "
                "AlertNotificationTarget)",
                kind);
    bad = 1;
  }
  ydoc_check_keys(L, d, r, top, "the document");
  d->meta = ydoc_want_map(L, d, r, "metadata", 1, "the document");
  if (d->meta != NULL) {
    ydoc_check_keys(L, d, d->meta, meta, "metadata");
    d->name = ydoc_want_str(L, d, d->meta, "name", 0, "metadata", &d->name_node);
    if (d->name == NULL && ydoc_mget(d, d->meta, "name") == NULL)
      ydoc_err_at(L, d, d->meta, "missing metadata.name");
    else if (d->name != NULL && d->name[0] == 0) {
      ydoc_err_at(L, d, d->name_node, "metadata.name is empty");
      d->name = NULL;
    }
    ydoc_check_annotations(L, d, d->meta, k);
    parse_global_annotations(L, d);
  }
  d->spec = ydoc_want_map(L, d, r, "spec", 1, "the document");
  if (bad || d->meta == NULL || d->name == NULL || d->spec == NULL)
    return;
  for (size_t i = 0; i < L->ndocs && &L->docs[i] != d; i++) {
    struct doc *o = &L->docs[i];
    if (o->kind == k && o->name != NULL && strcmp(o->name, d->name) == 0) {
      struct hr_loc first = ydoc_loc_of(L, o, o->name_node);
      ydoc_err_at(L, d, d->name_node, "duplicate %s name '%s' (first defined at %s:%d:%d)", ydoc_kind_names[k], d->name,
                  first.file, first.line, first.col);
      return;
    }
  }
  d->kind = k;
}

/* ------------------------------------------------------------- Service */

/* headroom.dev/system-metrics: one "Title: PromQL" per line. */
static void parse_system_metrics(struct ld *L, struct doc *d, yaml_node_t *an, const char *v, struct hr_service *s) {
  for (const char *p = v; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char *line = xstrndup(p, len);
    p += len + (nl != NULL);
    char *b = line, *e = line + strlen(line);
    while (*b == ' ' || *b == '\t')
      b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
      *--e = '\0';
    char *colon = strchr(b, ':');
    if (*b == '\0' || *b == '#') {
      free(line);
      continue;
    }
    char *q = colon ? colon + 1 : NULL;
    while (q != NULL && (*q == ' ' || *q == '\t'))
      q++;
    if (colon == NULL || colon == b || *q == '\0') {
      ydoc_err_at(L, d, an, "headroom.dev/system-metrics: expected lines 'Title: PromQL query', got '%s'", b);
      free(line);
      continue;
    }
    *colon = '\0';
    s->metric_titles = xrealloc(s->metric_titles, (s->nmetrics + 1) * sizeof *s->metric_titles);
    s->metric_queries = xrealloc(s->metric_queries, (s->nmetrics + 1) * sizeof *s->metric_queries);
    s->metric_titles[s->nmetrics] = xstrdup(b);
    s->metric_queries[s->nmetrics++] = xstrdup(q);
    free(line);
  }
}

static void build_service(struct ld *L, struct doc *d) {
  static const char *const keys[] = {"description", NULL};
  ydoc_check_keys(L, d, d->spec, keys, "Service.spec");
  struct hr_config *c = L->c;
  c->services = xrealloc(c->services, (c->nservices + 1) * sizeof *c->services);
  struct hr_service *s = &c->services[c->nservices++];
  memset(s, 0, sizeof *s);
  s->name = xstrdup(d->name);
  const char *v = ydoc_want_str(L, d, d->meta, "displayName", 0, "metadata", NULL);
  s->display_name = v ? xstrdup(v) : NULL;
  v = ydoc_want_str(L, d, d->spec, "description", 0, "Service.spec", NULL);
  s->description = v ? xstrdup(v) : NULL;
  /* headroom.dev/gate-policy: the release gate's table (core/gate.h). */
  yaml_node_t *an;
  v = ydoc_annotation(d, "headroom.dev/gate-policy", &an);
  if (v != NULL) {
    struct hr_gate_policy pol;
    char msg[200];
    gate_policy_default(&pol);
    if (gate_policy_parse(v, strlen(v), &pol, msg, sizeof msg) != 0)
      ydoc_err_at(L, d, an, "headroom.dev/gate-policy: %s", msg);
    else
      s->gate_policy = xstrdup(v);
  }
  v = ydoc_annotation(d, "headroom.dev/logs-url", &an);
  if (v != NULL && strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
    ydoc_err_at(L, d, an, "headroom.dev/logs-url: expected an http:// or https:// URL template, got '%s'", v);
  else if (v != NULL)
    s->logs_url = xstrdup(v);
  v = ydoc_annotation(d, "headroom.dev/system-metrics", &an);
  if (v != NULL)
    parse_system_metrics(L, d, an, v, s);
  /* Journeys (docs/cli/journeys.md): the journey's value to the business and
   * the traffic from which it counts as frequent. */
  v = ydoc_annotation(d, "headroom.dev/value", &an);
  if (v != NULL) {
    static const struct {
      const char *w;
      double x;
    } words[] = {{"low", 0.2}, {"medium", 0.5}, {"high", 0.9}};
    double x = -1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
      if (strcmp(v, words[i].w) == 0)
        x = words[i].x;
    if (x < 0 && (ydoc_parse_num(v, &x) != 0 || !(x >= 0 && x <= 1)))
      ydoc_err_at(L, d, an, "headroom.dev/value must be low, medium, high or a number from 0 to 1, not '%s'", v);
    else {
      s->has_value = 1;
      s->value = x;
    }
  }
  v = ydoc_annotation(d, "headroom.dev/high-frequency", &an);
  if (v != NULL) {
    double x;
    if (ydoc_parse_num(v, &x) != 0 || !(x >= 1 && x <= 1e15))
      ydoc_err_at(L, d, an, "headroom.dev/high-frequency must be a number of events per day (at least 1), not '%s'", v);
    else
      s->high_per_day = x;
  }
}

/* ------------------------------------------------------------- loading */

static void free_loader(struct ld *L) {
  if (L->conds != NULL)
    for (size_t i = 0; i < L->ndocs; i++)
      if (L->docs[i].kind == K_COND)
        openslo_alert_cond_free(&L->conds[i].c);
  free(L->conds);
  for (size_t i = 0; i < L->ndocs; i++)
    yaml_document_delete(&L->docs[i].y);
  free(L->docs);
  for (size_t i = 0; L->c != NULL && i < L->c->nfiles; i++) {
    free(L->dirs[i]);
    free(L->bufs[i]);
  }
  free(L->dirs);
  free(L->bufs);
  free(L->buflens);
  for (size_t i = 0; i < L->nex; i++)
    free(L->ex[i].pol);
  free(L->ex);
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    return xstrdup(".");
  if (slash == path)
    return xstrdup("/");
  return xstrndup(path, (size_t)(slash - path));
}

/* Takes ownership of buf (malloc'd, n bytes). */
static void add_file(struct ld *L, const char *path, unsigned char *buf, size_t n) {
  struct hr_config *c = L->c;
  size_t fi = c->nfiles;
  ydoc_push_str(&c->files, &c->nfiles, xstrdup(path));
  L->dirs = xrealloc(L->dirs, c->nfiles * sizeof *L->dirs);
  L->bufs = xrealloc(L->bufs, c->nfiles * sizeof *L->bufs);
  L->buflens = xrealloc(L->buflens, c->nfiles * sizeof *L->buflens);
  L->dirs[fi] = dir_of(path);
  L->bufs[fi] = buf;
  L->buflens[fi] = n;
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return;
  yaml_parser_set_input_string(&p, buf, n);
  for (;;) {
    struct doc d;
    memset(&d, 0, sizeof d);
    d.fi = fi;
    d.kind = -1;
    if (!yaml_parser_load(&p, &d.y)) {
      struct hr_loc l = {c->files[fi], (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1};
      ydoc_err_loc(L, &l, "YAML syntax error: %s%s%s", p.problem ? p.problem : "invalid YAML", p.context ? " " : "",
                   p.context ? p.context : "");
      break;
    }
    d.root = yaml_document_get_root_node(&d.y);
    if (d.root == NULL) { /* end of the stream */
      yaml_document_delete(&d.y);
      break;
    }
    if (ydoc_is_null(d.root)) { /* an empty document between two '---' */
      yaml_document_delete(&d.y);
      continue;
    }
    if (L->ndocs == L->capdocs) {
      L->capdocs = L->capdocs ? 2 * L->capdocs : 16;
      L->docs = xrealloc(L->docs, L->capdocs * sizeof *L->docs);
    }
    L->docs[L->ndocs++] = d;
  }
  yaml_parser_delete(&p);
}

static enum hr_rc read_file(struct ld *L, const char *path) {
  struct hr_loc l = {path, 0, 0};
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    ydoc_err_loc(L, &l, "cannot open: %s", strerror(errno));
    return HR_ERR_IO;
  }
  size_t cap = 65536, n = 0;
  unsigned char *buf = xmalloc(cap);
  for (;;) {
    if (n == cap) {
      if (cap > HR_CONFIG_MAX_BYTES)
        break;
      cap *= 2;
      buf = xrealloc(buf, cap + 1);
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0)
      break;
    n += r;
  }
  int ioerr = ferror(f);
  fclose(f);
  if (ioerr) {
    free(buf);
    ydoc_err_loc(L, &l, "read error");
    return HR_ERR_IO;
  }
  if (n > HR_CONFIG_MAX_BYTES) {
    free(buf);
    ydoc_err_loc(L, &l, "file too big (a configuration file may have at most 4 MiB)");
    return HR_ERR_TOOBIG;
  }
  add_file(L, path, buf, n);
  return HR_OK;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_yaml_ext(const char *n) {
  size_t l = strlen(n);
  return n[0] != '.' && ((l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0));
}

static enum hr_rc read_dir(struct ld *L, const char *path) {
  struct hr_loc l = {path, 0, 0};
  DIR *dir = opendir(path);
  if (dir == NULL) {
    ydoc_err_loc(L, &l, "cannot open directory: %s", strerror(errno));
    return HR_ERR_IO;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL && n < HR_CONFIG_MAX_FILES)
    if (has_yaml_ext(e->d_name))
      ydoc_push_str(&names, &n, ydoc_path_join(path, e->d_name));
  closedir(dir);
  if (n > 0)
    qsort(names, n, sizeof *names, cmp_str);
  enum hr_rc rc = HR_OK;
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      enum hr_rc r = read_file(L, names[i]);
      if (r != HR_OK)
        rc = r;
    }
    free(names[i]);
  }
  free(names);
  if (n == 0) {
    ydoc_err_loc(L, &l, "no *.yaml or *.yml files in this directory");
    return HR_ERR_CONFIG;
  }
  return rc;
}

static void build(struct ld *L) {
  struct hr_config *c = L->c;
  for (size_t i = 0; i < L->ndocs; i++) {
    struct doc *d = &L->docs[i];
    if (d->root->type != YAML_MAPPING_NODE) {
      ydoc_err_at(L, d, d->root, "a document must be a mapping (apiVersion, kind, metadata, spec), found %s",
                  ydoc_type_word(d->root));
      continue;
    }
    read_header(L, d);
  }
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_SERVICE)
      build_service(L, &L->docs[i]);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_DS)
      openslo_source_build(L, &L->docs[i]);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_TARGET)
      openslo_alert_target(L, &L->docs[i], L->docs[i].meta, L->docs[i].spec, L->docs[i].name);
  L->conds = xcalloc(L->ndocs + 1, sizeof *L->conds);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_COND)
      L->conds[i].ok =
          openslo_alert_condition(L, &L->docs[i], L->docs[i].meta, L->docs[i].spec, L->docs[i].name, &L->conds[i].c);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_POLICY)
      openslo_alert_policy(L, &L->docs[i], L->docs[i].meta, L->docs[i].spec, L->docs[i].name, L->docs[i].name_node);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_SLI) /* check each SLI once, even when no SLO uses it */
      openslo_slo_check_sli(L, &L->docs[i]);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_SLO)
      openslo_slo_build(L, &L->docs[i]);

  openslo_slo_link(L);
  if (c->db_path == NULL)
    c->db_path = ydoc_path_join(c->base_dir, "headroom.db");
  if (c->listen == NULL)
    c->listen = xstrdup("127.0.0.1:8080");
}

static enum hr_rc finish(struct ld *L, enum hr_rc rc, struct hr_config **out) {
  if (rc == HR_OK || rc == HR_ERR_CONFIG)
    build(L);
  free_loader(L);
  if (rc == HR_OK && L->nerr > 0)
    rc = HR_ERR_CONFIG;
  if (rc != HR_OK && !(L->keep && rc == HR_ERR_CONFIG)) {
    config_free(L->c);
    return rc;
  }
  *out = L->c;
  return rc;
}

static void loader_init(struct ld *L, int flags, struct hr_diag *diag) {
  memset(L, 0, sizeof *L);
  L->c = xcalloc(1, sizeof *L->c);
  L->diag = diag;
  L->strict = (flags & HR_CONFIG_STRICT) != 0;
  L->keep = (flags & HR_CONFIG_KEEP) != 0;
}

enum hr_rc config_load(const char *path, int flags, struct hr_config **out, struct hr_diag *diag) {
  *out = NULL;
  struct ld L;
  loader_init(&L, flags, diag);
  struct stat st;
  enum hr_rc rc;
  if (stat(path, &st) != 0) {
    struct hr_loc l = {path, 0, 0};
    ydoc_err_loc(&L, &l, "cannot open: %s", strerror(errno));
    free_loader(&L);
    config_free(L.c);
    return HR_ERR_IO;
  }
  if (S_ISDIR(st.st_mode)) {
    L.c->base_dir = xstrdup(path);
    rc = read_dir(&L, path);
  } else {
    L.c->base_dir = dir_of(path);
    rc = read_file(&L, path);
  }
  if (rc == HR_ERR_TOOBIG)
    rc = HR_ERR_CONFIG;
  if (rc != HR_OK && rc != HR_ERR_CONFIG) {
    free_loader(&L);
    config_free(L.c);
    return rc;
  }
  return finish(&L, rc, out);
}

enum hr_rc config_load_mem(const char *name, const char *buf, size_t n, int flags, struct hr_config **out,
                           struct hr_diag *diag) {
  *out = NULL;
  struct ld L;
  loader_init(&L, flags, diag);
  L.c->base_dir = dir_of(name);
  if (n > HR_CONFIG_MAX_BYTES) {
    struct hr_loc l = {name, 0, 0};
    ydoc_err_loc(&L, &l, "file too big (a configuration file may have at most 4 MiB)");
    free_loader(&L);
    config_free(L.c);
    return HR_ERR_CONFIG;
  }
  unsigned char *copy = xmalloc(n + 1);
  if (n > 0)
    memcpy(copy, buf, n);
  add_file(&L, name, copy, n);
  return finish(&L, HR_OK, out);
}

/* ------------------------------------------------------------- free, find */

void config_free(struct hr_config *c) {
  if (c == NULL)
    return;
  for (size_t i = 0; i < c->nservices; i++) {
    free(c->services[i].name);
    free(c->services[i].display_name);
    free(c->services[i].description);
    free(c->services[i].gate_policy);
    free(c->services[i].logs_url);
    for (size_t j = 0; j < c->services[i].nmetrics; j++) {
      free(c->services[i].metric_titles[j]);
      free(c->services[i].metric_queries[j]);
    }
    free(c->services[i].metric_titles);
    free(c->services[i].metric_queries);
  }
  free(c->services);
  for (size_t i = 0; i < c->nsources; i++) {
    struct hr_datasource *s = &c->sources[i];
    free(s->name);
    free(s->type);
    free((char *)s->fmt.log_format);
    free((char *)s->fmt.captures);
    free((char *)s->fmt.duration_start);
    free((char *)s->fmt.duration_end);
    for (size_t j = 0; j < s->fmt.nmap; j++) {
      free((char *)s->map[j].dest);
      free((char *)s->map[j].key);
    }
    free(s->map);
    for (size_t j = 0; j < s->npaths; j++)
      free(s->paths[j]);
    free(s->paths);
    free(s->path_locs);
    free(s->url);
    free(s->bearer_token);
    free(s->bearer_token_file);
    free(s->basic_user);
    free(s->basic_password);
    free(s->basic_password_file);
  }
  free(c->sources);
  for (size_t i = 0; i < c->nslos; i++)
    openslo_slo_free(&c->slos[i]);
  free(c->slos);
  for (size_t i = 0; i < c->ncomposites; i++) {
    openslo_slo_free(&c->composites[i].slo);
    free(c->composites[i].members);
    free(c->composites[i].weights);
  }
  free(c->composites);
  for (size_t i = 0; i < c->npolicies; i++) {
    struct hr_alert_policy *p = &c->policies[i];
    free(p->name);
    for (size_t j = 0; j < p->nconds; j++)
      openslo_alert_cond_free(&p->conds[j]);
    free(p->conds);
    for (size_t j = 0; j < p->ntargets; j++)
      free(p->targets[j]);
    free(p->targets);
  }
  free(c->policies);
  for (size_t i = 0; i < c->ntargets; i++) {
    free(c->targets[i].name);
    free(c->targets[i].kind);
    free(c->targets[i].url);
  }
  free(c->targets);
  for (size_t i = 0; i < c->nfiles; i++)
    free(c->files[i]);
  free(c->files);
  free(c->db_path);
  free(c->listen);
  free(c->base_dir);
  for (size_t i = 0; i < c->nzones; i++) {
    tz_free(c->zones[i]);
    free(c->zone_names[i]);
  }
  free(c->zones);
  free(c->zone_names);
  free(c);
}

struct hr_slo *config_slo(const struct hr_config *c, const char *name) {
  for (size_t i = 0; i < c->nslos; i++)
    if (strcmp(c->slos[i].name, name) == 0)
      return &c->slos[i];
  return NULL;
}

struct hr_service *config_service(const struct hr_config *c, const char *name) {
  for (size_t i = 0; name != NULL && i < c->nservices; i++)
    if (strcmp(c->services[i].name, name) == 0)
      return &c->services[i];
  return NULL;
}

struct hr_datasource *config_source(const struct hr_config *c, const char *name) {
  for (size_t i = 0; i < c->nsources; i++)
    if (strcmp(c->sources[i].name, name) == 0)
      return &c->sources[i];
  return NULL;
}

const struct hr_tz *config_zone(struct hr_config *c, const char *name, struct hr_err *err) {
  if (name == NULL)
    name = "UTC";
  for (size_t i = 0; i < c->nzones; i++)
    if (strcmp(c->zone_names[i], name) == 0)
      return c->zones[i];
  struct hr_tz *tz = NULL;
  if (tz_load(name, &tz, err) != HR_OK)
    return NULL;
  c->zones = xrealloc(c->zones, (c->nzones + 1) * sizeof *c->zones);
  c->zone_names = xrealloc(c->zone_names, (c->nzones + 1) * sizeof *c->zone_names);
  c->zones[c->nzones] = tz;
  c->zone_names[c->nzones++] = xstrdup(name);
  return tz;
}
