/* main.c -- headroom's entry point: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "version.h" /* HR_VERSION, generated from CMakeLists.txt's project(VERSION) */

static void usage(FILE *f) {
  fprintf(f, "usage: headroom <command> [options]\n\n"
             "headroom turns access logs and event streams into SLIs, holds them against\n"
             "SLOs, and keeps the error budget.\n\ncommands:\n");
  for (unsigned i = 0; i < hr_ncommands; i++)
    fprintf(f, "  %-10s %s\n", hr_commands[i].name, hr_commands[i].help);
  fprintf(f, "\noptions:\n"
             "  -h, --help     print this help and exit\n"
             "  -V, --version  print the version and exit\n"
             "\n'headroom <command> --help' for a command's options; the manual: man headroom,\n"
             "man headroom-<command>. Exit codes: 0 ok, 1 deny (gate) or rollback (canary),\n"
             "2 error, 3 hold (canary).\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return cli_exit(0);
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    printf("headroom %s\n", HR_VERSION);
    return cli_exit(0);
  }
  for (unsigned i = 0; i < hr_ncommands; i++)
    if (strcmp(argv[1], hr_commands[i].name) == 0)
      return cli_exit(hr_commands[i].run(argc - 1, argv + 1));
  fprintf(stderr, "headroom: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
