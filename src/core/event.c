/* event.c -- the standard field vocabulary (docs/formats.md). */
#include "core/event.h"

const char *const hr_std_field_names[HR_F_NSTD] = {
    "time",     "status", "upstream_status", "duration",   "method",         "path",       "query",
    "protocol", "host",   "client",          "bytes_sent", "bytes_received", "user_agent",
};
