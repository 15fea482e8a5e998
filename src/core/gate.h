/* gate.h -- the release gate (docs/cli/gate.md): may a change of a
 * given risk class ship now, given the status of every SLO of a service?
 *
 * A policy is a table status -> the risk classes it allows. The default is
 * docs/cli/gate.md's: green allows every change; yellow low-risk changes and fixes;
 * orange fixes only; red (the latch included) fixes only, the hard freeze.
 * Missing or broken data is never good news: nodata allows what yellow does
 * (fixes and low-risk changes), and an SLO whose data is not ok (stale,
 * unreadable) is judged by the nodata row too; the reason names the data
 * problem. A service may carry its own table (Service annotation
 * headroom.dev/gate-policy, docs/cli/gate.md).
 *
 * Pure: no I/O, no clock, no allocation. */
#ifndef HR_GATE_H
#define HR_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/slo_eval.h"

enum hr_risk { HR_RISK_FIX = 0, HR_RISK_LOW, HR_RISK_NORMAL, HR_RISK_HIGH };
#define HR_NRISKS 4
#define HR_NSTATUS 5 /* enum hr_status: nodata, green, yellow, orange, red */

/* "fix", "low", "normal", "high". */
const char *risk_name(enum hr_risk r);
/* 0 and *out, or -1 when s names no risk class. */
int risk_parse(const char *s, enum hr_risk *out /* OUT */);

struct hr_gate_policy {
  unsigned allow[HR_NSTATUS]; /* indexed by enum hr_status; bit (1u << risk) set: allowed */
  /* The release risk limit (docs/cli/risk.md): per risk class, the highest
   * chance of exhausting what is left of a budget that class may carry,
   * judged from the past deploys over risk_horizon_us; < 0: no limit. */
  double max_p_exhaust[HR_NRISKS];
  int64_t risk_horizon_us; /* default 24h */
};

/* The default table (docs/cli/gate.md); nodata allows fix and low. */
void gate_policy_default(struct hr_gate_policy *p /* OUT */);

/* Apply a policy text onto *p: a mapping from status to a list of risk
 * classes, as YAML flow or JSON:
 *   {green: [fix, low, normal, high], yellow: [fix, low], orange: [fix], red: [fix]}
 * Keys are green, yellow, orange, red, nodata; list items fix, low, normal,
 * high, or all; [] allows nothing. Statuses the text does not name keep the
 * row *p had. Two more keys set the release risk limit:
 *   max_p_exhaust: {normal: 0.3, high: 0.1}   (0 to 1, per risk class)
 *   risk_horizon: 24h s need not be NUL-terminated. Returns 0, or -1 with the problem
 * written to msg (and *p unchanged). */
int gate_policy_parse(const char *s, size_t n, struct hr_gate_policy *p, char *msg, size_t msg_n);

/* "fix only", "fix and low", "fix, low and normal", "all changes", "no change"
 * for a row of the table; into buf. */
char *gate_allowed_text(unsigned allow, char *buf, size_t n);

struct hr_gate_slo {
  const struct hr_slo *slo;      /* borrowed */
  const struct hr_slo_state *st; /* borrowed; st->data not ok: judged by the nodata row too */
  const char *data_reason;       /* what is wrong with its data (may be NULL) */
};

struct hr_gate_decision {
  int allow;
  long deciding; /* index into the SLOs given of the one that decided; -1 when none were given */
  char reason[1024];
};

/* Decide for a change of class risk to service (named in the reason) whose
 * SLOs are slos[0..n). Deny when any SLO's status forbids the risk; the
 * deciding SLO is then the worst of those that forbid it, otherwise the worst
 * of all (worst: red, orange, yellow, nodata, green; then least budget left;
 * then highest burn rate over the status lookback; then the first). The
 * reason names it, its status, budget left and burn rate, and for a red one
 * what lifts the freeze. With n == 0 the change is allowed (nothing to judge). */
void gate_decide(const struct hr_gate_policy *p, const char *service, enum hr_risk risk, const struct hr_gate_slo *slos,
                 size_t n, struct hr_gate_decision *out /* OUT */);

#endif
