/* cmd_annotate.c -- placeholder until its issue lands: registered so the table,
 * --help and docs stay in one piece. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"

int cmd_annotate(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    printf("usage: headroom annotate ... (not implemented yet)\n");
    return 0;
  }
  fprintf(stderr, "headroom: annotate: not implemented yet\n");
  return 2;
}
