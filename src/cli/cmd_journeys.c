/* cmd_journeys.c -- headroom journeys: the value x frequency matrix of the
 * services (engine/journeys.h); see docs/cli/journeys.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/journeys.h"
#include "render/html.h"
#include "render/journeys.h"

static const char usage_text[] = "usage: headroom journeys -c CONF [LOG...] [--at T] [--format text|json|html]\n"
                                 "                         [-o FILE] [--source NAME] [--db FILE] [--store]\n"
                                 "\n"
                                 "The value x frequency matrix of the services (each Service is a journey):\n"
                                 "value from its headroom.dev/value annotation (low, medium, high or 0 to 1),\n"
                                 "frequency from the valid events per day its SLOs measured over the last 28\n"
                                 "days (a log scale between the quietest and busiest journey, or against its\n"
                                 "headroom.dev/high-frequency), its quadrant (The Lifeline, Critical Moments,\n"
                                 "Foundation, Periphery), its strictest target and status, and a warning where\n"
                                 "a more important journey is held looser than a less important one.\n"
                                 "\n"
                                 "  -c, --config CONF   OpenSLO file or directory (required)\n"
                                 "      --at T          the instant (RFC 3339); default: now for the store,\n"
                                 "                      just after the last event for logs\n"
                                 "      --format F      text (default), json (docs/cli/journeys.md), or html:\n"
                                 "                      one self-contained page (the matrix, its table and\n"
                                 "                      the report below; no network)\n"
                                 "  -o, --output FILE   write there instead of standard output\n"
                                 "      --source NAME   the DataSource the logs are read with\n"
                                 "      --db FILE       the store (default: the configuration's headroom.db)\n"
                                 "      --store         read the store as well as the logs named\n"
                                 "\n"
                                 "With no LOG, the store is read.\n"
                                 "Exit codes: 0 ok, 2 error.\n";

int cmd_journeys(int argc, char **argv) {
  static const char *const formats[] = {"text", "json", "html", NULL};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_OUTPUT | CLI_INPUT, NULL, NULL, NULL,
                                NULL};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format, *output = a.output;
  struct hr_eval_opts eo = {.read = cli_read_opts(&a)};
  if (cli_check_format(format, formats) != 0)
    return 2;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_journeys js;
  struct hr_err err = {0};
  code = 0;
  if (engine_journeys(cfg, &eo, &js, &err) != HR_OK) {
    cli_error("%s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&js.rep);
  FILE *f = cli_output_open(output);
  if (f == NULL) {
    code = 2;
  } else {
    if (strcmp(format, "json") == 0)
      journeys_json(f, &js);
    else if (strcmp(format, "html") == 0)
      journeys_html(f, &js);
    else
      journeys_text(f, &js);
    cli_print_errors(&js.rep);
    if (cli_unreadable_exit(&js.rep) != 0) /* a matrix from part of the logs must not pass for one from all */
      code = 2;
    if (cli_output_close(f, output) != 0)
      code = 2;
  }
  journeys_free(&js);
  config_free(cfg);
  return code;
}
