/* cmd_serve.c -- headroom serve: the daemon. The main thread owns the
 * writer (engine/daemon.h: it tails the logs every 200 ms and runs the alert
 * round once a minute) and applies SIGHUP reloads; the HTTP threads read
 * through their own connections (src/http/api.c). SIGTERM and SIGINT stop it
 * between two batches, so everything read is committed. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/daemon.h"
#include "http/api.h"
#include "http/server.h"
#include "util/xmalloc.h"

#define POLL_MS 200
#define MAX_BODY (1u << 20)
#define TOKEN_MAX 4096

static const char usage_text[] =
    "usage: headroom serve -c CONF [--listen ADDR:PORT] [--db FILE] [--at T] [--token-file F]\n"
    "\n"
    "Daemon: tail the log files of the configuration's data sources into the store\n"
    "(exactly once, following rotation), run the alert round every minute, and serve\n"
    "the dashboard, the JSON API and /metrics over HTTP.\n"
    "\n"
    "  -c, --config CONF     OpenSLO file or directory (required)\n"
    "      --listen A:P      address to listen on: IPv4 ADDR:PORT or [IPv6]:PORT\n"
    "                        (default: the configuration's, else 127.0.0.1:8080;\n"
    "                        port 0 picks a free port)\n"
    "      --db FILE         the store (default: the configuration's headroom.db)\n"
    "      --at T            evaluate as of T (RFC 3339); the clock stands still\n"
    "      --token-file F    bearer token required by POST endpoints (else the\n"
    "                        HEADROOM_TOKEN environment variable; none: open)\n"
    "  -q, --quiet           no log lines on stderr but errors\n"
    "\n"
    "Prints 'listening on http://ADDR:PORT/' once ready. SIGTERM/SIGINT stop it,\n"
    "SIGHUP reloads the configuration (a broken one is refused, the old one stays).\n";

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

static int64_t now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static char *read_token(const char *file) {
  if (file == NULL) {
    const char *env = getenv("HEADROOM_TOKEN");
    return env != NULL && env[0] ? xstrdup(env) : NULL;
  }
  FILE *f = fopen(file, "r");
  if (f == NULL) {
    cli_error("serve: --token-file %s: %s", file, strerror(errno));
    return NULL;
  }
  char buf[TOKEN_MAX];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
    buf[--n] = '\0';
  if (n == 0) {
    cli_error("serve: --token-file %s is empty", file);
    return NULL;
  }
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
  if (ds->round_ran && ds->round_rc == HR_OK)
    app->rounds++;
  else if (ds->round_ran)
    app->round_failures++;
  pthread_mutex_unlock(&app->mu);
  if (ds->tail.commits != *last_commits || ds->round_ran) {
    *last_commits = ds->tail.commits;
    atomic_fetch_add(&app->generation, 1);
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
  atomic_fetch_add(&app->generation, 1);
  pthread_rwlock_unlock(&app->cfg_lock);
  config_free(cfg);
  if (!quiet)
    fprintf(stderr, "headroom: serve: configuration reloaded (%zu SLOs)\n", ncfg->nslos);
  return ncfg;
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

int cmd_serve(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, 0, 'c'},  {"listen", required_argument, 0, 'l'},
                                       {"db", required_argument, 0, 'd'},      {"at", required_argument, 0, 'a'},
                                       {"token-file", required_argument, 0, 't'}, {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  const char *conf = NULL, *listen = NULL, *db_opt = NULL, *token_file = NULL;
  int has_at = 0, quiet = 0, c;
  int64_t at_us = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'l': listen = optarg; break;
    case 'd': db_opt = optarg; break;
    case 'a':
      if (cli_parse_time("--at", optarg, &at_us) != 0)
        return 2;
      has_at = 1;
      break;
    case 't': token_file = optarg; break;
    case 'q': quiet = 1; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  if (conf == NULL || optind < argc) {
    cli_error(conf == NULL ? "serve: -c CONF is required" : "serve: unexpected argument '%s'", argv[optind]);
    fputs(usage_text, stderr);
    return 2;
  }
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  char *token = read_token(token_file);
  if (token_file != NULL && token == NULL) {
    config_free(cfg);
    return 2;
  }
  char *db = xstrdup(db_opt ? db_opt : cfg->db_path);
  struct hr_err err = {0};
  struct hr_daemon *d = NULL;
  struct hr_server *srv = NULL;
  char *url = NULL;
  struct hr_api app;
  api_init(&app, cfg, db, has_at, at_us);
  int code = 0;
  if (daemon_open(cfg, db, &d, &err) != HR_OK) {
    cli_error("%s", err.msg);
    code = 2;
    goto done;
  }
  atomic_store(&app.store_ready, 1);
  install_signals();
  struct hr_server_opts so = {0};
  so.listen = listen ? listen : cfg->listen ? cfg->listen : "127.0.0.1:8080";
  so.routes = api_routes;
  so.nroutes = api_nroutes;
  so.fallback = api_asset;
  so.app = &app;
  so.token = token;
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
  printf("listening on %s\n", url);
  fflush(stdout);
  if (!quiet)
    fprintf(stderr, "headroom: serve: store %s, %zu SLOs, %s%s\n", db, cfg->nslos, token ? "POST needs the token" : "POST open",
            has_at ? ", clock frozen at --at" : "");
  uint64_t last_commits = 0;
  int db_error_shown = 0;
  while (!g_stop) {
    double t0 = mono_s();
    if (g_reload) {
      g_reload = 0;
      cfg = reload(conf, cfg, d, &app, quiet);
    }
    struct hr_daemon_step ds;
    daemon_step(d, t0, has_at ? at_us : now_us(), &ds);
    after_step(&app, &ds, quiet, &db_error_shown, &last_commits);
    double left_ms = POLL_MS - (mono_s() - t0) * 1000;
    if (left_ms > 0 && !g_stop && !g_reload) {
      struct timespec dl = {0, (long)(left_ms * 1e6)};
      nanosleep(&dl, NULL); /* a signal cuts it short */
    }
  }
  if (!quiet)
    fprintf(stderr, "headroom: serve: stopping\n");
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
