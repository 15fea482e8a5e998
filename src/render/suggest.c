/* suggest.c -- see suggest.h. */
#include "render/suggest.h"

#include <math.h>
#include <string.h>

#include "core/jw.h"
#include "core/timeparse.h"
#include "prom/prom.h"

/* "0.9", "0.999": the key of a share. */
static const char *share_key(double x, char *buf, size_t n) {
  snprintf(buf, n, "%g", x);
  return buf;
}

static void latency_json(struct hr_jw *w, const struct hr_suggest_slo *s) {
  if (!s->has_latency) {
    jw_null(w, "latency");
    return;
  }
  const struct hr_suggest_latency *l = &s->lat;
  char k[32];
  jw_obj(w, "latency");
  jw_num(w, "p50", l->p50);
  jw_num(w, "p95", l->p95);
  jw_num(w, "p99", l->p99);
  jw_obj(w, "threshold_for");
  for (int i = 0; i < HR_SUGGEST_SHARES; i++)
    jw_num(w, share_key(hr_suggest_shares[i], k, sizeof k), l->threshold_for[i]);
  jw_obj_end(w);
  jw_uint(w, "events", l->events);
  jw_num(w, "current_threshold", l->current);
  jw_obj_end(w);
}

static void slo_json(struct hr_jw *w, const struct hr_suggest_slo *s) {
  jw_str(w, "name", s->slo->name);
  jw_str(w, "service", s->slo->service);
  jw_num(w, "history_seconds", (double)s->history_us / 1e6);
  jw_int(w, "windows", (int64_t)s->nwindows);
  jw_bool(w, "thin", s->thin);
  jw_obj(w, "achieved");
  jw_num(w, "min", s->min);
  jw_num(w, "p10", s->p10);
  jw_num(w, "p50", s->p50);
  jw_obj_end(w);
  jw_arr(w, "candidates");
  for (size_t c = 0; c < s->ncand; c++) {
    const struct hr_suggest_cand *k = &s->cand[c];
    jw_obj(w, NULL);
    jw_num(w, "target", k->target);
    jw_num(w, "met_share", k->met_share);
    jw_num(w, "budget_seconds", k->budget_s);
    jw_uint(w, "windows_met", k->met);
    jw_bool(w, "current", k->current);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_num(w, "current_target", s->slo->target);
  if (s->suggested >= 0)
    jw_num(w, "suggested_target", s->cand[s->suggested].target);
  else
    jw_null(w, "suggested_target");
  latency_json(w, s);
  jw_int(w, "window_seconds", s->window_us / 1000000);
  jw_str(w, "zone", s->zone);
  jw_time(w, "first_event_at", s->first_us == INT64_MAX ? INT64_MIN : s->first_us);
  jw_time(w, "first_window_end", s->first_end_us);
  jw_time(w, "last_window_end", s->last_end_us);
  jw_uint(w, "windows_with_data", s->nsli);
  jw_obj(w, "window_slis");
  jw_arr(w, "end");
  for (size_t i = 0; i < s->nwin; i++)
    jw_time(w, NULL, s->win_end_us[i]);
  jw_arr_end(w);
  jw_arr(w, "sli");
  for (size_t i = 0; i < s->nwin; i++)
    jw_num(w, NULL, s->win_sli[i]);
  jw_arr_end(w);
  jw_obj_end(w);
}

void suggest_json(FILE *f, const struct hr_suggest *s) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "at", s->at_us);
  jw_num(&w, "confidence", s->confidence);
  jw_uint(&w, "lines_read", s->rd.stats.lines);
  jw_uint(&w, "lines_malformed", s->rd.stats.malformed);
  jw_arr(&w, "errors");
  for (size_t i = 0; i < s->rd.nerrors; i++)
    jw_str(&w, NULL, s->rd.errors[i]);
  jw_arr_end(&w);
  jw_arr(&w, "slos");
  for (size_t i = 0; i < s->nslos; i++) {
    jw_obj(&w, NULL);
    slo_json(&w, &s->slos[i]);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_obj_end(&w);
}

/* ------------------------------------------------------------------------ */
/* Text */

/* A target or share as a percentage with the digits it needs: "99.95%". */
static const char *pct(double x, char *buf, size_t n) {
  snprintf(buf, n, "%.4f", x * 100);
  char *e = buf + strlen(buf);
  while (e > buf && e[-1] == '0')
    *--e = '\0';
  if (e > buf && e[-1] == '.')
    *--e = '\0';
  strncat(buf, "%", n - strlen(buf) - 1);
  return buf;
}

/* A share of windows to a tenth of a percent, never rounded up to 100%. */
static const char *share_pct(double x, char *buf, size_t n) {
  double p = floor(x * 1000 + 1e-9) / 10;
  snprintf(buf, n, p == floor(p) ? "%.0f%%" : "%.1f%%", p);
  return buf;
}

/* An SLI cut (not rounded: never more than was reached) to three decimals
 * of a percent, four above 99.99%: "99.812%", "99.9962%", "100%". */
static const char *sli_pct(double x, char *buf, size_t n) {
  int d = x >= 0.9999 ? 4 : 3;
  double scale = d == 4 ? 1e6 : 1e5;
  if (x >= 1)
    snprintf(buf, n, "100%%");
  else
    snprintf(buf, n, "%.*f%%", d, floor(x * scale + 1e-9) / scale * 100);
  return buf;
}

/* A duration of the latency histogram: "562 ms", "1.33 s". */
static const char *secs(double x, char *buf, size_t n) {
  if (!isfinite(x))
    snprintf(buf, n, "-");
  else if (x < 1)
    snprintf(buf, n, "%.3g ms", x * 1000);
  else if (x < 100)
    snprintf(buf, n, "%.3g s", x);
  else
    snprintf(buf, n, "%.0f s", x);
  return buf;
}

static void history_text(FILE *f, const struct hr_suggest_slo *s, const char *win) {
  char a[48], b[48], d[48];
  if (s->history_us == 0) {
    fprintf(f, "  history: no events before the instant: nothing to suggest from%s.\n",
            prom_slo_is_prom(s->slo) ? " (its data is in Prometheus; suggest reads logs and the store)" : "");
    return;
  }
  human_duration((double)s->history_us / 1e6, d, sizeof d);
  time_format_rfc3339(s->first_us, a, sizeof a);
  if (s->nwindows == 0) {
    if (s->history_us < s->window_us)
      fprintf(f,
              "  history: %s since %s, shorter than one %s window: the figures below are over that one\n"
              "  window of %s, not over %s windows.\n",
              d, a, win, d, win);
    else
      fprintf(f,
              "  history: %s since %s: no whole %s window ends at a midnight (%s) yet, so the figures below\n"
              "  are over one window of all of it.\n",
              d, a, win, s->zone);
    return;
  }
  time_format_rfc3339(s->first_end_us, a, sizeof a);
  time_format_rfc3339(s->last_end_us, b, sizeof b);
  if (s->nwindows == 1)
    fprintf(f, "  history: %s; 1 window of %s ending at midnight (%s), at %s.\n", d, win, s->zone, a);
  else
    fprintf(f, "  history: %s; %zu windows of %s ending at midnight (%s), the first at %s, the last at %s.\n", d,
            s->nwindows, win, s->zone, a, b);
  if (s->thin)
    fprintf(f, "  Only %zu whole window%s: a thin basis for a target.\n", s->nwindows, s->nwindows == 1 ? "" : "s");
}

static void candidates_text(FILE *f, const struct hr_suggest_slo *s, const char *win) {
  char t[32], m[32], bt[48];
  fprintf(f, "\n    %-18s %-20s %s\n", "target", "met in", "error budget");
  for (size_t c = 0; c < s->ncand; c++) {
    const struct hr_suggest_cand *k = &s->cand[c];
    char label[48], met[48];
    snprintf(label, sizeof label, "%s%s", pct(k->target, t, sizeof t), k->current ? " (current)" : "");
    if (isfinite(k->met_share) && s->nwindows == 0) /* the one window over the history */
      snprintf(met, sizeof met, "%s", k->met ? "met" : "not met");
    else if (isfinite(k->met_share))
      snprintf(met, sizeof met, "%s of windows", share_pct(k->met_share, m, sizeof m));
    else
      snprintf(met, sizeof met, "-");
    fprintf(f, "    %-18s %-20s %s per %s\n", label, met, human_duration(k->budget_s, bt, sizeof bt), win);
  }
  fputc('\n', f);
}

static void suggestion_text(FILE *f, const struct hr_suggest_slo *s, double confidence) {
  char t[32], c[32], m[32];
  const struct hr_suggest_cand *own = NULL;
  for (size_t i = 0; i < s->ncand; i++)
    if (s->cand[i].current)
      own = &s->cand[i];
  if (s->suggested < 0) {
    fprintf(f, "  suggested: none: no candidate was met in %s of the windows; the median window reached %s.\n",
            pct(confidence, c, sizeof c), sli_pct(s->nsli ? s->p50 : NAN, m, sizeof m));
    return;
  }
  const struct hr_suggest_cand *k = &s->cand[s->suggested];
  if (s->nwindows == 0)
    fprintf(f,
            "  suggested: %s, the tightest target the history met as one window; a thin basis: ask again once\n"
            "  whole windows have passed.\n",
            pct(k->target, t, sizeof t));
  else
    fprintf(f, "  suggested: %s, the tightest target met in at least %s of the windows (met in %s).\n",
            pct(k->target, t, sizeof t), pct(confidence, c, sizeof c), share_pct(k->met_share, m, sizeof m));
  if (own == k)
    fprintf(f, "  That is the current target.\n");
  else if (own != NULL && own->target > k->target && s->nwindows == 0)
    fprintf(f, "  The current target %s was not met: history does not support it.\n", pct(own->target, t, sizeof t));
  else if (own != NULL && own->target > k->target && own->met == 0)
    fprintf(f, "  The current target %s was met in none of them: history does not support it.\n",
            pct(own->target, t, sizeof t));
  else if (own != NULL && own->target > k->target)
    fprintf(f, "  The current target %s was met in only %s of them: history does not support it.\n",
            pct(own->target, t, sizeof t), share_pct(own->met_share, m, sizeof m));
  else if (own != NULL && s->nwindows == 0)
    fprintf(f, "  The current target %s is looser than what history supports.\n", pct(own->target, t, sizeof t));
  else if (own != NULL)
    fprintf(f, "  The current target %s (met in %s) is looser than what history supports.\n",
            pct(own->target, t, sizeof t), share_pct(own->met_share, m, sizeof m));
}

static void latency_text(FILE *f, const struct hr_suggest_slo *s) {
  const struct hr_suggest_latency *l = &s->lat;
  char a[32], b[32], c[32], k[32];
  if (l->events == 0) {
    fprintf(f, "  latency: no valid event with a duration.\n");
    return;
  }
  fprintf(f, "  latency of %llu valid events (bucket upper bounds, within x1.334): p50 %s, p95 %s, p99 %s\n",
          (unsigned long long)l->events, secs(l->p50, a, sizeof a), secs(l->p95, b, sizeof b),
          secs(l->p99, c, sizeof c));
  fprintf(f, "    duration < X met by");
  for (int i = 0; i < HR_SUGGEST_SHARES; i++)
    fprintf(f, "%s %s: %s", i ? ";" : "", pct(hr_suggest_shares[i], k, sizeof k),
            secs(l->threshold_for[i], a, sizeof a));
  if (isfinite(l->current))
    fprintf(f, "  (the filter now: %s)", secs(l->current, a, sizeof a));
  fputc('\n', f);
}

static void slo_text(FILE *f, const struct hr_suggest_slo *s, double confidence) {
  char t[32], win[32], a[32], b[32], c[32];
  duration_format(s->window_us, win, sizeof win);
  fprintf(f, "%s (%s): target %s over %s\n", s->slo->name, s->slo->service, pct(s->slo->target, t, sizeof t), win);
  history_text(f, s, win);
  if (s->history_us == 0)
    return;
  if (s->nsli == 0)
    fprintf(f, "  achieved: no window has valid events.\n");
  else if (s->nwindows == 0)
    fprintf(f, "  achieved over the history: %s\n", sli_pct(s->min, a, sizeof a));
  else
    fprintf(f, "  achieved over %zu window%s (nearest rank): min %s, p10 %s, median %s\n", s->nsli,
            s->nsli == 1 ? "" : "s", sli_pct(s->min, a, sizeof a), sli_pct(s->p10, b, sizeof b),
            sli_pct(s->p50, c, sizeof c));
  if (s->nwindows > s->nsli)
    fprintf(f, "  (%zu window%s without valid events left out: the shares below are of the %zu with data)\n",
            s->nwindows - s->nsli, s->nwindows - s->nsli == 1 ? "" : "s", s->nsli);
  candidates_text(f, s, win);
  suggestion_text(f, s, confidence);
  if (s->has_latency)
    latency_text(f, s);
}

void suggest_text(FILE *f, const struct hr_suggest *s) {
  char at[48];
  fprintf(f, "headroom suggest at %s", time_format_rfc3339(s->at_us, at, sizeof at));
  if (s->rd.has_logs)
    fprintf(f, "  (lines read %llu, malformed %llu)", (unsigned long long)s->rd.stats.lines,
            (unsigned long long)s->rd.stats.malformed);
  fputc('\n', f);
  for (size_t i = 0; i < s->nslos; i++) {
    fputc('\n', f);
    slo_text(f, &s->slos[i], s->confidence);
  }
  for (size_t i = 0; i < s->rd.nerrors; i++)
    fprintf(f, "warning: %s\n", s->rd.errors[i]);
}
