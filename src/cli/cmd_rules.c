/* cmd_rules.c -- placeholder until its issue lands. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"

int cmd_rules(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    printf("usage: headroom rules ... (not implemented yet)\n");
    return 0;
  }
  fprintf(stderr, "headroom: rules: not implemented yet\n");
  return 2;
}
