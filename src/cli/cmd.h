/* cmd.h -- the subcommands. Each returns the process exit code (docs/cli/_exitcodes.md:
 * 0 ok, 1 deny for gate or rollback for canary, 2 error, 3 hold for canary) and prints its own errors, once. */
#ifndef HR_CMD_H
#define HR_CMD_H

struct hr_command {
  const char *name;
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
  const char *help;                  /* one line; also in docs/cli/<name>.md */
};

extern const struct hr_command hr_commands[];
extern const unsigned hr_ncommands;

int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_annotate(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_canary(int argc, char **argv);
int cmd_risk(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_journeys(int argc, char **argv);

#endif
