/* composite.c -- see composite.h. */
#include "core/composite.h"

#include <math.h>
#include <string.h>

static double fin(double v) {
  return isfinite(v) ? v : 0.0;
}

/* The order in which a component's data spoils the composite's: the worst
 * wins (unreadable, then stale, then none). */
static int data_rank(enum hr_data d) {
  switch (d) {
  case HR_DATA_UNREADABLE: return 3;
  case HR_DATA_STALE: return 2;
  case HR_DATA_NONE: return 1;
  case HR_DATA_OK: break;
  }
  return 0;
}

void composite_eval(const struct hr_composite *k, const struct hr_slo_state *const *st, struct hr_slo_state *out) {
  const struct hr_slo *slo = &k->slo;
  memset(out, 0, sizeof *out);
  if (k->n == 0)
    return;
  out->at_us = st[0]->at_us;
  out->window_start_us = st[0]->window_start_us;
  out->window_us = st[0]->window_us;
  double wsum = 0, wdata = 0, consumed = 0, sli = 0, budget_s = 0, burn_status = 0;
  int all_low = 1;
  size_t nlb = slo->nlookbacks < HR_MAX_LOOKBACKS ? slo->nlookbacks : HR_MAX_LOOKBACKS;
  out->nburn = nlb;
  for (size_t b = 0; b < nlb; b++) {
    out->burn[b].lookback_us = slo->lookbacks_us[b];
    out->burn[b].low_traffic = 1;
  }
  for (size_t i = 0; i < k->n; i++) {
    const struct hr_slo_state *c = st[i];
    double w = k->weights[i];
    wsum += w;
    out->good += c->good;
    out->valid += c->valid;
    out->good_slices += c->good_slices;
    out->total_slices += c->total_slices;
    if (c->has_sli) { /* a component without data has consumed nothing (its remaining is 1) */
      wdata += w;
      sli += w * c->sli;
      consumed += w * (1.0 - c->budget_remaining);
    }
    budget_s += w * c->budget_s;
    burn_status += w * c->burn_status;
    for (size_t b = 0; b < nlb; b++) {
      struct hr_burn *ob = &out->burn[b];
      for (size_t j = 0; j < c->nburn; j++) {
        if (c->burn[j].lookback_us != ob->lookback_us)
          continue;
        ob->rate += w * c->burn[j].rate;
        ob->good += c->burn[j].good;
        ob->valid += c->burn[j].valid;
        ob->low_traffic &= c->burn[j].low_traffic;
        if (c->burn[j].lookback_us == slo->thr.burn_lookback_us)
          all_low &= c->burn[j].low_traffic;
      }
    }
    if (data_rank(c->data) > data_rank(out->data))
      out->data = c->data;
  }
  out->has_sli = wdata > 0;
  out->sli = out->has_sli ? fin(sli / wdata) : 0;
  out->budget_remaining = out->has_sli ? fin(1.0 - consumed / wsum) : 1.0;
  out->budget_s = fin(budget_s / wsum);
  out->budget_remaining_s = fin(out->budget_remaining * out->budget_s);
  for (size_t b = 0; b < nlb; b++)
    out->burn[b].rate = fin(out->burn[b].rate / wsum);
  out->burn_status = fin(burn_status / wsum);
  if (out->has_sli && out->budget_remaining <= 0) {
    out->has_tte = 1;
    out->tte_s = 0;
  } else if (out->has_sli && out->burn_status > 0) {
    out->has_tte = 1;
    out->tte_s = fin(out->budget_remaining * ((double)out->window_us / 1e6) / out->burn_status);
  }
  out->status = slo_status(slo, out->has_sli, out->budget_remaining, out->burn_status, all_low);
}
