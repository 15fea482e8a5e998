/* alerts.c -- see alerts.h. */
#include "render/alerts.h"

#include "core/grpkey.h"
#include "core/jw.h"

void alert_row_json(struct hr_jw *w, const struct hr_alert_row *r) {
  jw_obj(w, NULL);
  jw_str(w, "slo", r->slo);
  grp_labels_jw(w, "labels", r->labels);
  jw_str(w, "condition", r->condition);
  jw_str(w, "severity", r->severity);
  jw_str(w, "state", alert_state_name(r->a.state));
  jw_time(w, "since", r->a.since_us);
  jw_time(w, "fired_at", r->a.fired_at_us);
  jw_time(w, "resolved_at", r->a.state == HR_AL_FIRING ? INT64_MIN : r->a.resolved_at_us);
  jw_num(w, "value", r->value);
  jw_time(w, "updated", r->updated_s == INT64_MIN ? INT64_MIN : r->updated_s * 1000000);
  jw_obj_end(w);
}

void alert_event_json(struct hr_jw *w, const struct hr_alert_event *e) {
  const char *moved = e->kind == HR_TR_RESOLVED ? "resolved" : "firing";
  jw_obj(w, NULL);
  jw_int(w, "id", e->id);
  jw_str(w, "slo", e->slo);
  grp_labels_jw(w, "labels", e->labels);
  jw_str(w, "condition", e->condition);
  jw_str(w, "severity", e->severity);
  jw_str(w, "kind", moved);
  jw_str(w, "state", moved);
  jw_time(w, "at", e->at_s * 1000000);
  jw_num(w, "value", e->value);
  jw_str(w, "summary", e->summary);
  jw_obj_end(w);
}
