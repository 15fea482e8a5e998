/* gen_soulsync.c -- deterministic traffic for the SoulSync AI case study
 * (examples/soulsync/). Writes, into --out DIR:
 *
 *   gateway-alb.log     AWS ALB access log (documented field order, 30 fields):
 *                       GET /api/v1/matches (getMatches), POST
 *                       /api/v1/matches/ID/swipe, /api/v1/profile,
 *                       /api/v1/reports, static assets
 *   chat-events.jsonl   one object per sendMessage:
 *                       {"time","event","acked","ack_ms","user",...}
 *   report-jobs.jsonl   one object per AI report job:
 *                       {"requested_at","completed_at","status","validation_passed",...}
 *
 * Everything is a function of the options: an own PRNG (splitmix64, fixed
 * seed), no clock, no rand(). --end defaults to 2026-11-01T00:00:00Z.
 *
 * The traffic follows the users' day (Asia/Tokyo evenings peak, weekends a
 * little busier, 1 %/day growth), has eight deploys (each a short burst of
 * 502s while connections drain) and four incidents, placed so that a report
 * evaluated just after the last event shows every status colour:
 *
 *   matching availability 99.9 %   red     GPU pool outage 11 days ago
 *   matching latency 99 % <800ms   yellow  cache regression after a deploy
 *   chat availability 99.95 %      green
 *   chat latency 99.5 % <300ms     orange  Redis PubSub failover + slow week
 *   report freshness 98 % <10min   green   (a batch backlog 16 days ago)
 *   report correctness 99.99 %     green
 *
 * The last three hours are calm (the on-call fixed things), so the 1h burn
 * rates at the end are low and the colours come from the remaining budgets.
 * Errors are drawn with a jittered accumulator rather than independent
 * coin flips, so the fraction of bad events in any period is what the
 * schedule says, at any --scale.
 *
 * --live-incident T (the live demo) adds a recurring outage of the matching
 * pods: from T, every 3 hours, 15 minutes in which 30 % of getMatches and
 * swipes answer 5xx. Without it the traffic is what it always was.
 * --print-schedule prints the deploys, incidents and the maintenance window
 * that start in the range instead of writing traffic, for `headroom
 * annotate` (examples/soulsync/annotate.sh). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/timeparse.h"
#include "rng.h"
#include "util/imath.h"

#define US 1000000LL
#define MIN_US (60 * US)
#define HOUR_US (3600 * US)
#define DAY_US (86400 * US)
#define LOCAL_OFFSET_US (9 * HOUR_US) /* the users live in Asia/Tokyo (UTC+9) */

/* ---- PRNG: splitmix64 ---------------------------------------------------- */

static double rng_normal(struct rng *r) {
  double u1 = rng_unif(r), u2 = rng_unif(r);
  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Poisson count with mean lambda (Knuth below 40, normal approximation above). */
static long rng_poisson(struct rng *r, double lambda) {
  if (lambda <= 0)
    return 0;
  if (lambda > 40) {
    double x = lambda + sqrt(lambda) * rng_normal(r) + 0.5;
    return x < 0 ? 0 : (long)x;
  }
  double l = exp(-lambda), p = 1.0;
  long k = 0;
  do {
    k++;
    p *= rng_unif(r);
  } while (p > l);
  return k - 1;
}

/* Jittered accumulator: over many events, the share of hits is the mean of
 * p, with far less variance than independent coin flips. */
struct acc {
  double v;
};

static int acc_hit(struct acc *a, struct rng *r, double p) {
  if (p <= 0)
    return 0;
  a->v += 2.0 * p * rng_unif(r);
  if (a->v >= 1.0) {
    a->v -= 1.0;
    return 1;
  }
  return 0;
}

/* ---- time ---------------------------------------------------------------- */

/* Howard Hinnant's civil calendar algorithms (proleptic Gregorian). */
/* RFC 3339 UTC with `digits` fractional digits (0, 3 or 6). */
static void fmt_time(char *buf, size_t n, int64_t us, int digits) {
  int64_t days = floor_div(us, DAY_US);
  int64_t rem = us - days * DAY_US;
  int64_t y64;
  unsigned um, ud;
  civil_from_days(days, &y64, &um, &ud);
  int y = (int)y64, m = (int)um, d = (int)ud;
  int hh = (int)(rem / HOUR_US), mi = (int)(rem / MIN_US % 60), ss = (int)(rem / US % 60);
  int frac = (int)(rem % US);
  if (digits == 6)
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d, hh, mi, ss, frac);
  else if (digits == 3)
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, hh, mi, ss, frac / 1000);
  else
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh, mi, ss);
}

/* Parse YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm). Returns 0 on success. */
static int parse_time(const char *s, int64_t *out) {
  int y, mo, d, h, mi, se, n = 0;
  if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6)
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return -1;
  const char *p = s + n;
  int64_t frac = 0, scale = 100000;
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9') {
      frac += (*p - '0') * scale;
      scale /= 10;
      p++;
    }
  }
  int64_t off = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int oh, om;
    if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
      return -1;
    off = (oh * 60 + om) * MIN_US * (*p == '-' ? -1 : 1);
    p += 6;
  } else {
    return -1;
  }
  if (*p)
    return -1;
  *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * DAY_US + h * HOUR_US + mi * MIN_US + se * US + frac - off;
  return 0;
}

/* ---- the shape of a day ---------------------------------------------------- */

/* Relative traffic by local (Tokyo) hour: lunch bump, evening peak. */
static const double hour_weight[24] = {0.55, 0.35, 0.22, 0.15, 0.12, 0.13, 0.20, 0.40, 0.55, 0.60, 0.60, 0.65,
                                       0.85, 0.70, 0.60, 0.60, 0.65, 0.75, 0.90, 1.00, 1.15, 1.30, 1.25, 0.90};

struct world {
  int64_t start, end; /* [start, end): the traffic written */
  int64_t anchor;     /* the schedule (deploys, incidents, growth) counts back from here; default end */
  int64_t days;       /* the history the volumes are normalised over: [anchor - days, anchor) */
  double scale;
  uint64_t seed;
  int append;   /* append to the files instead of rewriting them (live demo) */
  int64_t live; /* --live-incident: the first live incident starts here; INT64_MIN: none */
};

static double weight_at(const struct world *w, int64_t t) {
  int64_t local = t + LOCAL_OFFSET_US;
  int64_t day = floor_div(local, DAY_US);
  int hour = (int)((local - day * DAY_US) / HOUR_US);
  int wday = (int)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday: 0 = Sunday */
  double x = hour_weight[hour];
  if (wday == 0 || wday == 6)
    x *= 1.15;
  double days_before_end = (double)(w->anchor - t) / (double)DAY_US;
  return x * pow(1.01, -days_before_end); /* 1 %/day growth */
}

/* ---- the schedule: deploys and incidents (relative to --end) --------------- */

/* Deploys: hours before end (05:00Z = 14:00 JST on a weekday). */
static const double deploy_hours_before[] = {26 * 24 - 5, 22 * 24 - 5, 19 * 24 - 5, 15 * 24 - 5,
                                             12 * 24 - 5, 8 * 24 - 5,  5 * 24 - 5,  3 * 24 - 5};
#define NDEPLOYS (sizeof deploy_hours_before / sizeof deploy_hours_before[0])
/* What each deploy shipped (--print-schedule). The drain bursts hit the
 * gateway, part of the core-matching journey; the 8-day one shipped the
 * recommendation-cache regression (incident B). */
static const char *const deploy_text[NDEPLOYS] = {
    "core-matching v2.14.0: swipe-deck prefetch",       "core-matching v2.15.0: profile photos from the new CDN",
    "core-matching v2.15.1: photo order fix",           "core-matching v2.16.0: ranking model 2026-09",
    "core-matching v2.17.0: gateway keep-alive tuning", "core-matching v2.18.0: recommendation cache rework",
    "core-matching v2.18.1: cache rework, fixed",       "core-matching v2.19.0: ranking model 2026-10",
};

struct span {
  int64_t from, to;
};

static struct span span_before(const struct world *w, double hours_from, double hours_len) {
  struct span s;
  s.from = w->anchor - (int64_t)(hours_from * (double)HOUR_US);
  s.to = s.from + (int64_t)(hours_len * (double)HOUR_US);
  return s;
}

static int in_span(struct span s, int64_t t) {
  return t >= s.from && t < s.to;
}

static int in_calm(const struct world *w, int64_t t) {
  return t >= w->anchor - 3 * HOUR_US;
}

/* Within the 4 minutes after a deploy (connection draining). */
static int in_deploy(const struct world *w, int64_t t) {
  for (size_t i = 0; i < NDEPLOYS; i++) {
    int64_t d = w->anchor - (int64_t)(deploy_hours_before[i] * (double)HOUR_US);
    if (t >= d && t < d + 4 * MIN_US)
      return 1;
  }
  return 0;
}

/* Incident A: matching GPU pool outage, 11 days before end, 12:10-13:40Z
 * (21:10-22:40 JST, the evening peak). */
static struct span inc_outage(const struct world *w) {
  return span_before(w, 11 * 24 - 12 - 1.0 / 6, 1.5);
}
/* Incident B: recommendation-cache regression shipped with the deploy 8 days
 * before end, rolled back 30 hours later. */
static struct span inc_cache(const struct world *w) {
  return span_before(w, 8 * 24 - 5, 30);
}
/* Incident C: Redis PubSub failover 4 days before end (10:00Z), then a slow
 * node kept in the pool for 30 hours. */
static struct span inc_failover(const struct world *w) {
  return span_before(w, 4 * 24 - 10, 0.25);
}
static struct span inc_slownode(const struct world *w) {
  return span_before(w, 4 * 24 - 10, 30);
}
/* Incident D: GPU batch backlog 16 days before end, 11:00-13:00Z. */
static struct span inc_backlog(const struct world *w) {
  return span_before(w, 16 * 24 - 11, 2);
}
/* A planned maintenance window of the report workers, 20 days before end,
 * 18:00-18:30Z (03:00 JST, the quietest hour). Annotation only: the traffic
 * has nothing special in it (the window excludes normal jobs). */
static struct span maint_reports(const struct world *w) {
  return span_before(w, 20 * 24 - 18, 0.5);
}

/* The live incident (--live-incident T): from T, every LIVE_EVERY, LIVE_LEN
 * in which the matching pods crash-loop. */
#define LIVE_EVERY_US (3 * HOUR_US)
#define LIVE_LEN_US (15 * MIN_US)
#define LIVE_P5 0.30

static int in_live(const struct world *w, int64_t t) {
  return w->live != INT64_MIN && t >= w->live && (t - w->live) % LIVE_EVERY_US < LIVE_LEN_US;
}

/* ---- output helpers ---------------------------------------------------------- */

struct out {
  FILE *f;
  long lines;
  char *path;
};

static int out_open(struct out *o, const char *dir, const char *name, int append) {
  size_t n = strlen(dir) + strlen(name) + 2;
  o->path = malloc(n);
  if (!o->path)
    return -1;
  snprintf(o->path, n, "%s/%s", dir, name);
  o->f = fopen(o->path, append ? "a" : "w");
  o->lines = 0;
  if (!o->f) {
    fprintf(stderr, "gen_soulsync: %s: %s\n", o->path, strerror(errno));
    return -1;
  }
  setvbuf(o->f, NULL, _IOFBF, 1 << 20);
  return 0;
}

static int out_close(struct out *o) {
  int rc = 0;
  if (o->f && (ferror(o->f) || fclose(o->f) != 0)) {
    fprintf(stderr, "gen_soulsync: %s: write failed\n", o->path);
    rc = -1;
  }
  o->f = NULL;
  return rc;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Event times of one minute, sorted; returns the count (<= cap). */
static long minute_events(struct rng *r, int64_t minute, double lambda, int64_t *ts, long cap) {
  long n = rng_poisson(r, lambda);
  if (n > cap)
    n = cap;
  for (long i = 0; i < n; i++)
    ts[i] = minute + (int64_t)rng_below(r, (uint64_t)MIN_US);
  qsort(ts, (size_t)n, sizeof ts[0], cmp_i64);
  return n;
}

/* Mean weight over the history before the anchor at minute resolution, to
 * normalise volumes (the same whatever range is written). */
static double mean_weight(const struct world *w) {
  double sum = 0;
  long n = 0;
  for (int64_t t = w->anchor - w->days * DAY_US; t < w->anchor; t += MIN_US, n++)
    sum += weight_at(w, t);
  return n ? sum / (double)n : 1.0;
}

#define MAX_PER_MIN 200000

/* ---- gateway-alb.log ----------------------------------------------------------- */

static const char *const ua_app[] = {
    "SoulSync/4.12.0 (iPhone; iOS 17.5.1; Scale/3.00)",
    "SoulSync/4.12.0 (iPhone; iOS 18.0; Scale/3.00)",
    "SoulSync/4.11.2 (Android 14; Pixel 8)",
    "SoulSync/4.12.0 (Android 13; SM-S911B)",
};
static const char *const ua_web[] = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
};
static const char *const static_paths[] = {"/static/js/app.7c41e2.js", "/static/css/app.19ab03.css",
                                           "/static/img/logo.svg", "/static/img/hero@2x.webp", "/favicon.ico"};

enum route { R_MATCHES, R_SWIPE, R_PROFILE, R_REPORTS, R_STATIC };

struct alb_stats {
  long matches, matches_good, matches_4xx, matches_5xx, matches_slow;
};

static void alb_line(FILE *f, struct rng *r, const struct world *w, int64_t t, struct acc *acc_m5, struct acc *acc_slow,
                     struct acc *acc_o5, struct alb_stats *st) {
  double u = rng_unif(r);
  enum route rt = u < 0.42 ? R_MATCHES : u < 0.60 ? R_SWIPE : u < 0.72 ? R_PROFILE : u < 0.75 ? R_REPORTS : R_STATIC;
  char req[256], target[32], tg[160], ts[64], cts[64];
  const char *ua, *domain = "api.soulsync.ai", *method = "GET";
  int status = 200, tstatus = 200;
  double rpt = 0.00002 + rng_unif(r) * 0.00006, tpt = 0.0, respt = 0.00002 + rng_unif(r) * 0.00004;
  int rpt_neg = 0, tpt_neg = 0, resp_neg = 0, no_target = 0;
  long recv = 0, sent = 0;
  const char *tgname = "soulsync-gateway";
  int calm = in_calm(w, t), deploy = in_deploy(w, t), outage = in_span(inc_outage(w), t);
  int cache = in_span(inc_cache(w), t), live = in_live(w, t);

  ua = rng_unif(r) < 0.93 ? ua_app[rng_below(r, 4)] : ua_web[rng_below(r, 2)];
  switch (rt) {
  case R_MATCHES:
    tgname = "soulsync-matching";
    snprintf(req, sizeof req, "GET https://%s:443/api/v1/matches?limit=20&cursor=%08llx HTTP/2.0", domain,
             (unsigned long long)rng_next(r) & 0xffffffffULL);
    break;
  case R_SWIPE:
    tgname = "soulsync-matching";
    method = "POST";
    snprintf(req, sizeof req, "POST https://%s:443/api/v1/matches/%llu/swipe HTTP/2.0", domain,
             (unsigned long long)(rng_below(r, 900000) + 100000));
    break;
  case R_PROFILE:
    tgname = "soulsync-profile";
    method = rng_unif(r) < 0.85 ? "GET" : "PUT";
    snprintf(req, sizeof req, "%s https://%s:443/api/v1/profile%s HTTP/2.0", method, domain,
             method[0] == 'G' && rng_unif(r) < 0.5 ? "?fields=photos,prefs" : "");
    break;
  case R_REPORTS:
    tgname = "soulsync-reports";
    method = rng_unif(r) < 0.7 ? "GET" : "POST";
    snprintf(req, sizeof req, "%s https://%s:443/api/v1/reports HTTP/2.0", method, domain);
    break;
  case R_STATIC:
    tgname = "soulsync-web";
    domain = "soulsync.ai";
    ua = ua_web[rng_below(r, 2)];
    snprintf(req, sizeof req, "GET https://%s:443%s HTTP/2.0", domain, static_paths[rng_below(r, 5)]);
    break;
  }
  (void)method;
  live = live && (rt == R_MATCHES || rt == R_SWIPE); /* the matching pods */

  /* latency of the target, seconds */
  if (rt == R_STATIC) {
    tpt = 0.001 + rng_unif(r) * 0.01;
  } else if (rt == R_MATCHES) {
    double p_slow = calm ? 0.0 : cache ? 0.080 : 0.0012;
    if (acc_hit(acc_slow, r, p_slow)) {
      tpt = 0.85 + rng_unif(r) * 2.4;
    } else {
      tpt = 0.18 * exp(0.45 * rng_normal(r));
      if (tpt > 0.78)
        tpt = 0.78 - rng_unif(r) * 0.2;
    }
  } else {
    tpt = 0.04 * exp(0.5 * rng_normal(r));
    if (tpt > 2.0)
      tpt = 2.0;
  }

  /* status */
  double u4 = rng_unif(r);
  if (rt == R_STATIC) {
    status = u4 < 0.12 ? 304 : u4 < 0.125 ? 404 : 200;
  } else if (u4 < 0.012) {
    static const int c4[] = {400, 401, 401, 403, 404, 429};
    status = c4[rng_below(r, 6)];
  } else {
    double p5;
    struct acc *a = rt == R_MATCHES ? acc_m5 : acc_o5;
    if (live)
      p5 = LIVE_P5;
    else if (calm)
      p5 = 0.0;
    else if (rt == R_MATCHES && outage)
      p5 = 0.35;
    else if (deploy)
      p5 = 0.08;
    else
      p5 = rt == R_MATCHES ? 0.00025 : 0.0003;
    if (acc_hit(a, r, p5)) {
      double k = rng_unif(r);
      if (outage && rt == R_MATCHES && k < 0.6) {
        status = 504; /* GPU pool saturated: target timeout */
        tpt_neg = resp_neg = 1;
        rpt = 0.00003;
      } else if (k < 0.75) {
        status = 502; /* target closed the connection */
        tpt_neg = resp_neg = 1;
      } else if (k < 0.85) {
        status = 503; /* no healthy target */
        rpt_neg = tpt_neg = resp_neg = 1;
        no_target = 1;
      } else {
        status = 500;
        tpt = 0.02 + rng_unif(r) * 0.3;
      }
    }
  }
  tstatus = status;
  if (status == 502 || status == 503 || status == 504)
    tstatus = -1;

  if (rt == R_MATCHES) {
    st->matches++;
    if (status >= 400 && status < 500)
      st->matches_4xx++;
    else if (status >= 500)
      st->matches_5xx++;
    else {
      st->matches_good++;
      if (tpt >= 0.8)
        st->matches_slow++;
    }
  }

  /* sizes */
  if (status >= 400)
    sent = 120 + (long)rng_below(r, 200);
  else if (status == 304)
    sent = 0;
  else
    sent = rt == R_MATCHES  ? 9000 + (long)rng_below(r, 14000)
           : rt == R_STATIC ? 2000 + (long)rng_below(r, 180000)
                            : 600 + (long)rng_below(r, 3000);
  recv = rt == R_SWIPE ? 380 + (long)rng_below(r, 120) : 140 + (long)rng_below(r, 220);

  double total = (rpt_neg ? 0 : rpt) + (tpt_neg ? 0 : tpt) + (resp_neg ? 0 : respt);
  if (status == 504)
    total = 10.0 + rng_unif(r) * 0.01; /* the 10 s idle timeout */
  int64_t created = t - (int64_t)(total * (double)US);
  fmt_time(ts, sizeof ts, t, 6);
  fmt_time(cts, sizeof cts, created, 6);
  if (no_target)
    snprintf(target, sizeof target, "-");
  else
    snprintf(target, sizeof target, "10.0.%u.%u:8080", (unsigned)(rng_below(r, 3) + 1),
             (unsigned)(rng_below(r, 200) + 10));
  snprintf(tg, sizeof tg, "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/%s/%08llx%08llx",
           tgname, (unsigned long long)(strlen(tgname) * 2654435761ULL & 0xffffffffULL), 0x1d84f3d7ULL);

  char rpts[24], tpts[24], resps[24], tss[16];
  if (rpt_neg)
    snprintf(rpts, sizeof rpts, "-1");
  else
    snprintf(rpts, sizeof rpts, "%.6f", rpt);
  if (tpt_neg)
    snprintf(tpts, sizeof tpts, "-1");
  else
    snprintf(tpts, sizeof tpts, "%.3f", tpt);
  if (resp_neg)
    snprintf(resps, sizeof resps, "-1");
  else
    snprintf(resps, sizeof resps, "%.6f", respt);
  if (tstatus < 0)
    snprintf(tss, sizeof tss, "-");
  else
    snprintf(tss, sizeof tss, "%d", tstatus);

  unsigned long long cip = rng_next(r);
  unsigned long long tr1 = rng_next(r), tr2 = rng_next(r);
  fprintf(f,
          "h2 %s app/soulsync-gateway/50dc6c495c0c9188 %u.%u.%u.%u:%u %s %s %s %s %d %s %ld %ld \"%s\" \"%s\" "
          "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 %s \"Root=1-%08llx-%012llx%012llx\" \"%s\" "
          "\"arn:aws:acm:ap-northeast-1:123456789012:certificate/8c2d1f4e-6a37-4b0a-9f6e-2f1d3c4b5a69\" %d %s "
          "\"forward\" \"-\" \"%s\" \"%s\" \"%s\" \"-\" \"-\" TID_%016llx\n",
          ts, (unsigned)(cip & 0x7f) + 1, (unsigned)(cip >> 8 & 0xff), (unsigned)(cip >> 16 & 0xff),
          (unsigned)(cip >> 24 & 0xfe) + 1, (unsigned)(cip >> 32 & 0x7fff) + 1024, target, rpts, tpts, resps, status,
          tss, recv, sent, req, ua, tg, (unsigned long long)(t / US) & 0xffffffffULL, tr1 & 0xffffffffffffULL,
          tr2 & 0xffffffffffffULL, domain,
          rt == R_STATIC                     ? 2
          : rt == R_MATCHES || rt == R_SWIPE ? 10
                                             : 20,
          cts,
          status == 502 || status == 504 ? (status == 504 ? "TargetResponseTimeout" : "TargetConnectionError") : "-",
          target, tss, (unsigned long long)rng_next(r));
}

static int gen_alb(const struct world *w, const char *dir, double mw, long *lines, struct alb_stats *st) {
  struct out o;
  if (out_open(&o, dir, "gateway-alb.log", w->append))
    return -1;
  struct rng r = {w->seed ^ 0xa1b0000000000001ULL};
  struct acc a5 = {0.5}, aslow = {0.5}, ao5 = {0.5};
  static int64_t ts[MAX_PER_MIN];
  double per_min = 300000.0 / (28.0 * 1440.0) * w->scale / mw;
  for (int64_t m = w->start; m < w->end; m += MIN_US) {
    long n = minute_events(&r, m, per_min * weight_at(w, m), ts, MAX_PER_MIN);
    for (long i = 0; i < n; i++)
      alb_line(o.f, &r, w, ts[i], &a5, &aslow, &ao5, st);
    o.lines += n;
  }
  *lines = o.lines;
  int rc = out_close(&o);
  free(o.path);
  return rc;
}

/* ---- chat-events.jsonl ------------------------------------------------------------ */

struct chat_stats {
  long sent, acked, slow;
};

static int gen_chat(const struct world *w, const char *dir, double mw, long *lines, struct chat_stats *st) {
  struct out o;
  if (out_open(&o, dir, "chat-events.jsonl", w->append))
    return -1;
  struct rng r = {w->seed ^ 0xc4a7000000000002ULL};
  struct acc afail = {0.5}, aslow = {0.5};
  static int64_t ts[MAX_PER_MIN];
  double per_min = 150000.0 / (28.0 * 1440.0) * w->scale / mw;
  static const char *const clients[] = {"ios", "ios", "android", "web"};
  for (int64_t m = w->start; m < w->end; m += MIN_US) {
    long n = minute_events(&r, m, per_min * weight_at(w, m), ts, MAX_PER_MIN);
    for (long i = 0; i < n; i++) {
      int64_t t = ts[i];
      int calm = in_calm(w, t), failover = in_span(inc_failover(w), t), slownode = in_span(inc_slownode(w), t);
      double p_fail = calm ? 0 : failover ? 0.006 : 0.00003;
      double p_slow = calm ? 0 : failover ? 0.50 : slownode ? 0.046 : 0.0016;
      char tbuf[64];
      fmt_time(tbuf, sizeof tbuf, t, 3);
      unsigned long long user = rng_below(&r, 250000) + 100000, conv = rng_below(&r, 2000000) + 1;
      const char *client = clients[rng_below(&r, 4)];
      st->sent++;
      if (acc_hit(&afail, &r, p_fail)) {
        fprintf(o.f,
                "{\"time\":\"%s\",\"event\":\"sendMessage\",\"acked\":false,\"ack_ms\":null,\"user\":\"u%llu\","
                "\"conversation\":\"c%llu\",\"client\":\"%s\",\"error\":\"ack_timeout\"}\n",
                tbuf, user, conv, client);
      } else {
        long ms;
        if (acc_hit(&aslow, &r, p_slow)) {
          ms = 320 + (long)(rng_unif(&r) * 2500);
          st->slow++;
        } else {
          ms = (long)(45.0 * exp(0.5 * rng_normal(&r)));
          if (ms > 280)
            ms = 280 - (long)rng_below(&r, 100);
          if (ms < 4)
            ms = 4;
        }
        st->acked++;
        fprintf(o.f,
                "{\"time\":\"%s\",\"event\":\"sendMessage\",\"acked\":true,\"ack_ms\":%ld,\"user\":\"u%llu\","
                "\"conversation\":\"c%llu\",\"client\":\"%s\"}\n",
                tbuf, ms, user, conv, client);
      }
    }
    o.lines += n;
  }
  *lines = o.lines;
  int rc = out_close(&o);
  free(o.path);
  return rc;
}

/* ---- report-jobs.jsonl -------------------------------------------------------------- */

struct job_stats {
  long jobs, succeeded, fresh, valid_ok;
};

static int gen_jobs(const struct world *w, const char *dir, double mw, long *lines, struct job_stats *st) {
  struct out o;
  if (out_open(&o, dir, "report-jobs.jsonl", w->append))
    return -1;
  struct rng r = {w->seed ^ 0x5e90000000000003ULL};
  struct acc afail = {0.5}, alate = {0.5};
  static int64_t ts[MAX_PER_MIN];
  double per_min = 20000.0 / (28.0 * 1440.0) * w->scale / mw;
  long seq = 0;
  for (int64_t m = w->start; m < w->end; m += MIN_US) {
    long n = minute_events(&r, m, per_min * weight_at(w, m), ts, MAX_PER_MIN);
    for (long i = 0; i < n; i++) {
      int64_t t = ts[i];
      int calm = in_calm(w, t), backlog = in_span(inc_backlog(w), t);
      double p_fail = calm ? 0 : 0.0006, p_late = calm ? 0 : backlog ? 0.45 : 0.0011;
      int failed = acc_hit(&afail, &r, p_fail);
      int late = !failed && acc_hit(&alate, &r, p_late);
      double secs = late ? 620 + rng_unif(&r) * 1500 : 45 + 70 * exp(0.45 * rng_normal(&r));
      if (!late && secs > 560)
        secs = 560 - rng_unif(&r) * 100;
      int lost = failed && rng_unif(&r) < 0.4; /* the worker died: never completed */
      if (failed && !lost)
        secs = 30 + rng_unif(&r) * 300;
      int64_t done = t + (int64_t)(secs * (double)US);
      if (done >= w->end)
        continue; /* still running at --end: no record yet */
      char rq[64], cp[64];
      fmt_time(rq, sizeof rq, t, 3);
      fmt_time(cp, sizeof cp, done, 3);
      seq++;
      unsigned long long user = rng_below(&r, 40000) + 100000, peer = rng_below(&r, 250000) + 100000;
      st->jobs++;
      if (failed) {
        fprintf(o.f,
                "{\"job_id\":\"rpt-%07ld\",\"requested_at\":\"%s\",\"completed_at\":%s%s%s,\"status\":\"failed\","
                "\"validation_passed\":null,\"user\":\"u%llu\",\"peer\":\"u%llu\",\"error\":\"%s\"}\n",
                seq, rq, lost ? "" : "\"", lost ? "null" : cp, lost ? "" : "\"", user, peer,
                lost ? "worker_lost" : "model_error");
      } else {
        st->succeeded++;
        st->valid_ok++;
        if (secs < 600)
          st->fresh++;
        fprintf(o.f,
                "{\"job_id\":\"rpt-%07ld\",\"requested_at\":\"%s\",\"completed_at\":\"%s\",\"status\":\"succeeded\","
                "\"validation_passed\":true,\"user\":\"u%llu\",\"peer\":\"u%llu\",\"dimensions\":%d}\n",
                seq, rq, cp, user, peer, 8 + (int)rng_below(&r, 5));
      }
      o.lines++;
    }
  }
  *lines = o.lines;
  int rc = out_close(&o);
  free(o.path);
  return rc;
}

/* ---- the schedule, for annotations (--print-schedule) ---------------------------------- */

struct sched_item {
  const char *kind, *service, *text;
  struct span s; /* s.to == INT64_MIN: a point (deploy) */
};

static int cmp_sched(const void *a, const void *b) {
  const struct sched_item *x = a, *y = b;
  if (x->s.from != y->s.from)
    return (x->s.from > y->s.from) - (x->s.from < y->s.from);
  return strcmp(x->kind, y->kind); /* a deploy before the incident it caused */
}

/* One line per deploy, incident and maintenance window starting in
 * [start, end), by time:
 *   deploy SERVICE AT TEXT
 *   incident SERVICE FROM TO TEXT
 *   maintenance SERVICE FROM TO TEXT */
static int print_schedule(const struct world *w) {
  enum { MAX_ITEMS = NDEPLOYS + 5 + 256 };
  struct sched_item it[MAX_ITEMS];
  size_t n = 0;
  for (size_t i = 0; i < NDEPLOYS; i++) {
    struct span d = {w->anchor - (int64_t)(deploy_hours_before[i] * (double)HOUR_US), INT64_MIN};
    it[n++] = (struct sched_item){"deploy", "core-matching", deploy_text[i], d};
  }
  it[n++] = (struct sched_item){"incident", "ai-report", "GPU batch backlog: 45 % of report jobs take 10-35 min",
                                inc_backlog(w)};
  it[n++] = (struct sched_item){"incident", "core-matching",
                                "GPU pool outage: 35 % of getMatches fail (504, 502, 503, 500)", inc_outage(w)};
  it[n++] = (struct sched_item){"incident", "core-matching",
                                "recommendation-cache regression shipped in v2.18.0: 8 % of getMatches take "
                                "0.85-3.3 s; rolled back",
                                inc_cache(w)};
  it[n++] =
      (struct sched_item){"incident", "realtime-chat",
                          "Redis PubSub failover (15 min), then a slow node in the pool: slow ACKs", inc_slownode(w)};
  it[n++] = (struct sched_item){"maintenance", "ai-report", "planned: report workers OS patching", maint_reports(w)};
  if (w->live != INT64_MIN) {
    int64_t k = w->start > w->live ? (w->start - w->live + LIVE_EVERY_US - 1) / LIVE_EVERY_US : 0;
    for (int64_t t = w->live + k * LIVE_EVERY_US; t < w->end; t += LIVE_EVERY_US) {
      if (n == MAX_ITEMS) {
        fprintf(stderr, "gen_soulsync: --print-schedule: too many live incidents in the range; shorten it\n");
        return 2;
      }
      struct span l = {t, t + LIVE_LEN_US};
      it[n++] = (struct sched_item){"incident", "core-matching",
                                    "matching pods crash-looping: 30 % of getMatches and swipes answer 5xx (live "
                                    "incident, every 3 hours)",
                                    l};
    }
  }
  qsort(it, n, sizeof it[0], cmp_sched);
  for (size_t i = 0; i < n; i++) {
    char t0[64], t1[64];
    if (it[i].s.from < w->start || it[i].s.from >= w->end)
      continue;
    fmt_time(t0, sizeof t0, it[i].s.from, 0);
    if (it[i].s.to == INT64_MIN) {
      printf("%s %s %s %s\n", it[i].kind, it[i].service, t0, it[i].text);
    } else {
      fmt_time(t1, sizeof t1, it[i].s.to, 0);
      printf("%s %s %s %s %s\n", it[i].kind, it[i].service, t0, t1, it[i].text);
    }
  }
  return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}

/* ---- main ------------------------------------------------------------------------------ */

static void usage(FILE *f) {
  fprintf(f, "usage: gen_soulsync [--out DIR] [--end RFC3339] [--days N] [--seed N] [--scale F]\n"
             "                    [--from T] [--anchor T] [--append] [--live-incident T] [--print-schedule]\n\n"
             "Writes deterministic SoulSync AI traffic (see examples/soulsync/README.md) into DIR:\n"
             "  gateway-alb.log     AWS ALB access log (~300k lines at scale 1)\n"
             "  chat-events.jsonl   sendMessage events (~150k)\n"
             "  report-jobs.jsonl   AI report jobs (~20k)\n\n"
             "  --out DIR      output directory, created if missing (default: .)\n"
             "  --end T        end of the traffic, exclusive (default 2026-11-01T00:00:00Z)\n"
             "  --days N       days of traffic before --end (default 28)\n"
             "  --seed N       PRNG seed (default 20261101)\n"
             "  --scale F      volume multiplier (default 1)\n"
             "  --from T       start of the traffic instead of --days before --end\n"
             "  --anchor T     the instant the schedule (deploys, incidents) counts back from\n"
             "                 (default: --end); keep it fixed while appending minute by minute\n"
             "  --append       append to the files (live demo: --from last --end now --append)\n"
             "  --live-incident T\n"
             "                 a recurring outage of the matching pods: from T, every 3 hours,\n"
             "                 15 minutes in which 30 %% of getMatches and swipes answer 5xx\n"
             "                 (the live demo passes a T shortly before now)\n"
             "  --print-schedule\n"
             "                 write no traffic; print the deploys, incidents and maintenance\n"
             "                 windows that start in the range, one a line, by time:\n"
             "                   deploy SERVICE AT TEXT\n"
             "                   incident SERVICE FROM TO TEXT\n"
             "                   maintenance SERVICE FROM TO TEXT\n");
}

int main(int argc, char **argv) {
  const char *out = ".";
  struct world w;
  int64_t days = 28, from = INT64_MIN, anchor = INT64_MIN;
  int schedule = 0;
  w.scale = 1.0;
  w.append = 0;
  w.live = INT64_MIN;
  w.seed = 20261101ULL;
  if (parse_time("2026-11-01T00:00:00Z", &w.end))
    return 2;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "--append") == 0) {
      w.append = 1;
      continue;
    }
    if (strcmp(a, "--print-schedule") == 0) {
      schedule = 1;
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "gen_soulsync: %s: missing value\n", a);
      usage(stderr);
      return 2;
    }
    const char *v = argv[++i];
    char *e = NULL;
    errno = 0;
    if (strcmp(a, "--out") == 0) {
      out = v;
    } else if (strcmp(a, "--end") == 0) {
      if (parse_time(v, &w.end)) {
        fprintf(stderr, "gen_soulsync: --end: not an RFC 3339 time: %s\n", v);
        return 2;
      }
    } else if (strcmp(a, "--from") == 0 || strcmp(a, "--anchor") == 0 || strcmp(a, "--live-incident") == 0) {
      if (parse_time(v, a[2] == 'f' ? &from : a[2] == 'a' ? &anchor : &w.live)) {
        fprintf(stderr, "gen_soulsync: %s: not an RFC 3339 time: %s\n", a, v);
        return 2;
      }
    } else if (strcmp(a, "--days") == 0) {
      long d = strtol(v, &e, 10);
      if (errno || *e || d < 1 || d > 3660) {
        fprintf(stderr, "gen_soulsync: --days: expected 1..3660: %s\n", v);
        return 2;
      }
      days = d;
    } else if (strcmp(a, "--seed") == 0) {
      unsigned long long s = strtoull(v, &e, 10);
      if (errno || *e || !*v) {
        fprintf(stderr, "gen_soulsync: --seed: not a number: %s\n", v);
        return 2;
      }
      w.seed = s;
    } else if (strcmp(a, "--scale") == 0) {
      double s = strtod(v, &e);
      if (errno || *e || !(s > 0) || s > 1000) {
        fprintf(stderr, "gen_soulsync: --scale: expected a number in (0, 1000]: %s\n", v);
        return 2;
      }
      w.scale = s;
    } else {
      fprintf(stderr, "gen_soulsync: unknown option %s\n", a);
      usage(stderr);
      return 2;
    }
  }
  w.start = from != INT64_MIN ? from : w.end - days * DAY_US;
  w.anchor = anchor != INT64_MIN ? anchor : w.end;
  w.days = days;
  if (w.start > w.end) {
    fprintf(stderr, "gen_soulsync: --from is after --end\n");
    return 2;
  }
  if (schedule)
    return print_schedule(&w);
  if (mkdir(out, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "gen_soulsync: %s: %s\n", out, strerror(errno));
    return 2;
  }
  /* Seed mixing: the user's seed through splitmix once; a range given with
   * --from gets its own stream, so appended minutes do not repeat. */
  {
    struct rng s = {w.seed ^ (from != INT64_MIN ? (uint64_t)from : 0)};
    w.seed = rng_next(&s);
  }
  double mw = mean_weight(&w);
  long nalb = 0, nchat = 0, njobs = 0;
  struct alb_stats as = {0};
  struct chat_stats cs = {0};
  struct job_stats js = {0};
  if (gen_alb(&w, out, mw, &nalb, &as) || gen_chat(&w, out, mw, &nchat, &cs) || gen_jobs(&w, out, mw, &njobs, &js))
    return 2;
  char t0[64], t1[64];
  fmt_time(t0, sizeof t0, w.start, 0);
  fmt_time(t1, sizeof t1, w.end, 0);
  printf("gen_soulsync: %s .. %s into %s\n", t0, t1, out);
  printf("  gateway-alb.log    %8ld lines  (getMatches %ld: %ld 4xx, %ld 5xx, %ld slow >= 800ms)\n", nalb, as.matches,
         as.matches_4xx, as.matches_5xx, as.matches_slow);
  printf("  chat-events.jsonl  %8ld lines  (%ld acked, %ld ack >= 300ms)\n", nchat, cs.acked, cs.slow);
  printf("  report-jobs.jsonl  %8ld lines  (%ld succeeded, %ld within 10 min)\n", njobs, js.succeeded, js.fresh);
  return 0;
}
