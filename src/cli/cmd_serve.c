/* cmd_serve.c -- headroom serve: the daemon. The main thread owns the
 * writer (engine/daemon.h: it tails the logs every 200 ms and runs the alert
 * round once a minute) and applies SIGHUP reloads; the HTTP threads read
 * through their own connections (src/http/api.c). SIGTERM and SIGINT stop it
 * between two batches, so everything read is committed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/timeparse.h"
#include "engine/daemon.h"
#include "http/api.h"
#include "http/server.h"
#include "util/xmalloc.h"

#define POLL_MS 200
#define MAX_BODY (1u << 20)
#define TOKEN_MAX 4096 /* bytes of a token file, its final newline included */
#define MAX_ALLOW_HOSTS 64

static const char usage_text[] =
    "usage: headroom serve -c CONF [--listen ADDR:PORT] [--db FILE] [--at T] [--token-file F]\n"
    "                      [--allow-host NAME]... [--insecure-open-writes]\n"
    "\n"
    "Daemon: tail the log files of the configuration's data sources into the store\n"
    "(exactly once, following rotation), run the alert round every minute, and serve\n"
    "the dashboard, the JSON API and /metrics over HTTP. The dashboard (at /): an\n"
    "overview, a page per service (its release gate and release risk) and per SLO\n"
    "(charts, timeline, alerts, release risk, the targets its history supports);\n"
    "see docs/dashboard.md.\n"
    "\n"
    "  -c, --config CONF     OpenSLO file or directory (required)\n"
    "      --listen A:P      address to listen on: IPv4 ADDR:PORT or [IPv6]:PORT\n"
    "                        (default: the configuration's, else 127.0.0.1:8080;\n"
    "                        port 0 picks a free port); beyond loopback it needs\n"
    "                        a token or --insecure-open-writes\n"
    "      --db FILE         the store (default: the configuration's headroom.db)\n"
    "      --at T            evaluate as of T (RFC 3339); the clock stands still\n"
    "      --token-file F    bearer token required by POST endpoints (else the\n"
    "                        HEADROOM_TOKEN environment variable; none: open to\n"
    "                        this machine only); printable ASCII, at most 4096 bytes\n"
    "      --allow-host NAME a name clients reach the server by (repeatable). A\n"
    "                        request's Host must be the listen address (any\n"
    "                        address on 0.0.0.0 or [::]), localhost (on loopback\n"
    "                        or wildcard) or such a name, else 421 (DNS\n"
    "                        rebinding); '*' accepts any Host\n"
    "      --insecure-open-writes  accept a listen address other machines can reach\n"
    "                        without a token: anyone who reaches it can then write\n"
    "                        events and annotations\n"
    "  -q, --quiet           no log lines on stderr but errors\n"
    "\n"
    "Writes (POST) from web pages of another origin are refused (403), and so are\n"
    "Content-Types any page can send (text/plain, forms) unless a token is set.\n"
    "Prints 'listening on http://ADDR:PORT/' (the address as bound) and what writes\n"
    "need once ready. SIGTERM/SIGINT stop it, SIGHUP reloads the configuration (a\n"
    "broken one is refused, the old one stays).\n";

static volatile sig_atomic_t g_stop, g_reload;

static void on_signal(int sig) {
  if (sig == SIGHUP)
    g_reload = 1;
  else
    g_stop = 1;
}

static double mono_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A token as the Authorization header can carry it: printable ASCII, no
 * spaces. NULL, or what is wrong. */
static const char *token_bad(const char *t) {
  for (const unsigned char *p = (const unsigned char *)t; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      return "has a space, a control character or a byte that is not ASCII";
  return NULL;
}

/* The token: --token-file F (its last newline and trailing spaces are not
 * part of it), else $HEADROOM_TOKEN, else none. *failed when one was given
 * but cannot be used (the reason is printed). */
static char *read_token(const char *file, int *failed) {
  *failed = 0;
  const char *why;
  if (file == NULL) {
    const char *env = getenv("HEADROOM_TOKEN");
    if (env == NULL || env[0] == '\0')
      return NULL;
    if (strlen(env) > TOKEN_MAX || (why = token_bad(env)) != NULL) {
      cli_error("serve: HEADROOM_TOKEN %s", strlen(env) > TOKEN_MAX ? "is over 4096 bytes" : why);
      *failed = 1;
      return NULL;
    }
    return xstrdup(env);
  }
  *failed = 1;
  FILE *f = fopen(file, "r");
  if (f == NULL) {
    cli_error("serve: --token-file %s: %s", file, strerror(errno));
    return NULL;
  }
  char buf[TOKEN_MAX + 2];
  size_t n = fread(buf, 1, TOKEN_MAX + 1, f); /* one byte more: a longer file is refused, never cut */
  int rerr = ferror(f);
  fclose(f);
  if (rerr) {
    cli_error("serve: --token-file %s: read error", file);
    return NULL;
  }
  if (n > TOKEN_MAX) {
    cli_error("serve: --token-file %s is over %d bytes: not a token", file, TOKEN_MAX);
    return NULL;
  }
  buf[n] = '\0';
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
    buf[--n] = '\0';
  if (n == 0) {
    cli_error("serve: --token-file %s is empty", file);
    return NULL;
  }
  if (strlen(buf) != n || (why = token_bad(buf)) != NULL) {
    cli_error("serve: the token of --token-file %s %s", file, strlen(buf) != n ? "has a NUL byte" : why);
    return NULL;
  }
  *failed = 0;
  return xstrdup(buf);
}

/* After a step: the shared figures, and what to say about it. */
static void after_step(struct hr_api *app, const struct hr_daemon_step *ds, int quiet, int *db_error_shown,
                       uint64_t *last_commits) {
  if (ds->tail_rc != HR_OK && !*db_error_shown) {
    cli_error("serve: %s (retrying)", ds->tail_err.msg);
    *db_error_shown = 1;
  } else if (ds->tail_rc == HR_OK) {
    *db_error_shown = 0;
  }
  pthread_mutex_lock(&app->mu);
  app->tail = ds->tail;
  if (ds->tail_rc == HR_OK) {
    app->store_ok = 1;
  } else {
    app->store_ok = 0;
    app->store_failures++;
    snprintf(app->store_error, sizeof app->store_error, "%s", ds->tail_err.msg);
  }
  if (ds->round_ran && ds->round_rc == HR_OK)
    app->rounds++;
  else if (ds->round_ran)
    app->round_failures++;
  pthread_mutex_unlock(&app->mu);
  if (ds->tail.commits != *last_commits) {
    *last_commits = ds->tail.commits;
    api_changed(app, 0);
  }
  if (ds->round_ran)
    api_round_done(app);
  for (size_t i = 0; i < ds->nnews && !quiet; i++) {
    const struct hr_daemon_news *n = &ds->news[i];
    char idle[48];
    if (n->kind == HR_NEWS_EMPTY_GLOB)
      cli_error("serve: warning: %s: %s matches no file: nothing of it is read", n->source, n->what);
    else if (n->kind == HR_NEWS_QUIET)
      cli_error("serve: warning: %s (%s) has not grown for %s: its log may have stopped", n->what, n->source,
                human_duration(n->idle_s, idle, sizeof idle));
    else
      fprintf(stderr, "headroom: serve: %s (%s) grows again\n", n->what, n->source);
  }
  if (ds->round_ran && ds->round_rc != HR_OK)
    cli_error("serve: alert round: %s", ds->round_err.msg);
  else if (ds->round_ran && !quiet && (ds->round.fired || ds->round.resolved))
    fprintf(stderr, "headroom: alerts: %d fired, %d resolved, %d firing, %d pending\n", ds->round.fired,
            ds->round.resolved, ds->round.firing, ds->round.pending);
}

/* SIGHUP: load the configuration again; a broken one is refused and the old
 * one keeps running. Returns the configuration in force. */
static struct hr_config *reload(const char *conf, struct hr_config *cfg, struct hr_daemon *d, struct hr_api *app,
                                int quiet) {
  struct hr_config *ncfg = cli_load_config(conf);
  struct hr_err rerr = {0};
  if (ncfg == NULL) {
    cli_error("serve: reload of %s refused; the previous configuration keeps running", conf);
  } else if (daemon_set_config(d, ncfg, &rerr) != HR_OK) {
    cli_error("serve: reload refused: %s", rerr.msg);
    config_free(ncfg);
    ncfg = NULL;
  }
  pthread_mutex_lock(&app->mu);
  if (ncfg == NULL)
    app->reload_failures++;
  else
    app->reloads++;
  pthread_mutex_unlock(&app->mu);
  if (ncfg == NULL)
    return cfg;
  pthread_rwlock_wrlock(&app->cfg_lock);
  app->cfg = ncfg;
  api_changed(app, 1);
  pthread_rwlock_unlock(&app->cfg_lock);
  config_free(cfg);
  if (!quiet)
    fprintf(stderr, "headroom: serve: configuration reloaded (%zu SLOs)\n", ncfg->nslos);
  return ncfg;
}

/* Which files serve tails, said once at the start. */
static void say_files(const struct hr_daemon *d, double mono_s) {
  struct hr_tail_file fs[16];
  size_t n = daemon_files(d, mono_s, fs, 16);
  fprintf(stderr, "headroom: serve: tailing %zu file%s%s\n", n, n == 1 ? "" : "s", n ? ":" : "");
  for (size_t i = 0; i < n && i < 16; i++)
    fprintf(stderr, "headroom: serve:   %s (%s, %lld bytes)\n", fs[i].path, fs[i].source, (long long)fs[i].size);
  if (n > 16)
    fprintf(stderr, "headroom: serve:   ... and %zu more (GET /api/v1/status lists them)\n", n - 16);
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* serve's words, parsed. */
struct serve_args {
  const char *conf, *listen, *db, *token_file;
  const char *allow_hosts[MAX_ALLOW_HOSTS];
  size_t nallow;
  int has_at, quiet, open_writes;
  int64_t at_us;
};

static int take(void *ctx, int val, const char *arg) {
  struct serve_args *a = ctx;
  switch (val) {
  case 'l': a->listen = arg; break;
  case 't': a->token_file = arg; break;
  case 'H':
    if (a->nallow == MAX_ALLOW_HOSTS) {
      cli_error("serve: more than %d --allow-host", MAX_ALLOW_HOSTS);
      return -1;
    }
    a->allow_hosts[a->nallow++] = arg;
    break;
  case 'I': a->open_writes = 1; break;
  case 'q': a->quiet = 1; break;
  }
  return 0;
}

/* -1: go on; else the exit code (usage printed, or --help). */
static int parse_args(int argc, char **argv, struct serve_args *a) {
  static const struct option opts[] = {{"listen", required_argument, 0, 'l'},
                                       {"token-file", required_argument, 0, 't'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"allow-host", required_argument, 0, 'H'},
                                       {"insecure-open-writes", no_argument, 0, 'I'},
                                       {0, 0, 0, 0}};
  memset(a, 0, sizeof *a);
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_DB | CLI_AT, opts, "q", take, a};
  struct cli_args ca;
  int code = cli_parse(argc, argv, &spec, &ca);
  if (code >= 0)
    return code;
  a->conf = ca.conf;
  a->db = ca.in.db;
  a->has_at = ca.has_at;
  a->at_us = ca.at_us;
  if (ca.rest < argc) {
    cli_error("serve: unexpected argument '%s'", argv[ca.rest]);
    fputs(usage_text, stderr);
    return 2;
  }
  return -1;
}

/* What a user must know once serve listens: where, and who may write. */
static void announce(const struct hr_server *srv, const struct serve_args *a, const char *listen_at,
                     enum hr_listen_scope scope, const char *token, const char *db, size_t nslos) {
  char *bound = server_bound_url(srv);
  printf("listening on %s\n", bound);
  free(bound);
  if (token != NULL)
    printf("writes (POST) need the bearer token\n");
  else if (scope == HR_LISTEN_LOOPBACK)
    printf("writes (POST) are open to this machine, no token (pages of other origins are refused)\n");
  else
    printf("writes (POST) are OPEN to every client that reaches this address: no token (--insecure-open-writes)\n");
  fflush(stdout);
  if (token == NULL && scope != HR_LISTEN_LOOPBACK)
    cli_error("serve: warning: no token and --insecure-open-writes: anyone who reaches %s can write events and "
              "annotations",
              listen_at);
  if (!a->quiet)
    fprintf(stderr, "headroom: serve: store %s, %zu SLOs, %s%s\n", db, nslos,
            token ? "POST needs the token" : "POST open", a->has_at ? ", clock frozen at --at" : "");
}

/* The writer's loop: a step every POLL_MS until SIGINT/SIGTERM, the
 * configuration reloaded on SIGHUP. Returns the configuration in use. */
static struct hr_config *run(struct hr_config *cfg, const struct serve_args *a, struct hr_daemon *d,
                             struct hr_api *app) {
  uint64_t last_commits = 0;
  int db_error_shown = 0, first = 1;
  while (!g_stop) {
    double t0 = mono_s();
    if (g_reload) {
      g_reload = 0;
      cfg = reload(a->conf, cfg, d, app, a->quiet);
    }
    struct hr_daemon_step ds;
    daemon_step(d, t0, a->has_at ? a->at_us : cli_now_us(), &ds);
    after_step(app, &ds, a->quiet, &db_error_shown, &last_commits);
    api_set_files(app, d, mono_s());
    if (first && !a->quiet) {
      first = 0;
      say_files(d, t0);
    }
    double left_ms = POLL_MS - (mono_s() - t0) * 1000;
    if (left_ms > 0 && !g_stop && !g_reload) {
      struct timespec dl = {0, (long)(left_ms * 1e6)};
      nanosleep(&dl, NULL); /* a signal cuts it short */
    }
  }
  if (!a->quiet)
    fprintf(stderr, "headroom: serve: stopping\n");
  return cfg;
}

int cmd_serve(int argc, char **argv) {
  struct serve_args a;
  int code = parse_args(argc, argv, &a);
  if (code >= 0)
    return code;
  struct hr_config *cfg = cli_load_config(a.conf);
  if (cfg == NULL)
    return 2;
  int token_failed;
  char *token = read_token(a.token_file, &token_failed);
  if (token_failed) {
    config_free(cfg);
    return 2;
  }
  /* Other machines may reach it: writes need the token, or the explicit
   * --insecure-open-writes. */
  const char *listen_at = a.listen ? a.listen : cfg->listen ? cfg->listen : "127.0.0.1:8080";
  enum hr_listen_scope scope;
  struct hr_err lerr = {0};
  if (server_listen_scope(listen_at, &scope, &lerr) != HR_OK) {
    cli_error("serve: %s", lerr.msg);
    free(token);
    config_free(cfg);
    return 2;
  }
  if (scope != HR_LISTEN_LOOPBACK && token == NULL && !a.open_writes) {
    cli_error("serve: --listen %s can be reached from other machines, and no token is set: anyone who reaches it "
              "could write events and annotations and falsify the SLOs. Give --token-file F (or HEADROOM_TOKEN), "
              "listen on 127.0.0.1, or pass --insecure-open-writes to accept open writes",
              listen_at);
    config_free(cfg);
    return 2;
  }
  char *db = xstrdup(a.db ? a.db : cfg->db_path);
  struct hr_err err = {0};
  struct hr_daemon *d = NULL;
  struct hr_server *srv = NULL;
  char *url = NULL;
  struct hr_api app;
  api_init(&app, cfg, db, a.has_at, a.at_us);
  code = 0;
  if (daemon_open(cfg, db, &d, &err) != HR_OK) {
    cli_error("%s", err.msg);
    code = 2;
    goto done;
  }
  atomic_store(&app.store_ready, 1);
  install_signals();
  struct hr_server_opts so = {0};
  so.listen = listen_at;
  so.routes = api_routes;
  so.nroutes = api_nroutes;
  so.fallback = api_asset;
  so.app = &app;
  so.token = token;
  so.allow_hosts = a.allow_hosts;
  so.nallow_hosts = a.nallow;
  so.max_body = MAX_BODY;
  so.max_conns = 512;
  so.max_conns_per_ip = 64;
  so.timeout_s = 10;
  if (server_start(&so, &srv, &err) != HR_OK) {
    cli_error("serve: %s", err.msg);
    code = 2;
    goto done;
  }
  url = server_url(srv);
  daemon_set_url(d, url);
  announce(srv, &a, listen_at, scope, token, db, cfg->nslos);
  cfg = run(cfg, &a, d, &app);
done:
  server_stop(srv); /* requests in flight finish first */
  daemon_close(d);
  api_destroy(&app);
  free(url);
  free(db);
  free(token);
  config_free(cfg);
  return code;
}
