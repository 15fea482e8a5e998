/* replay.c -- run a libFuzzer target over its corpus without libFuzzer (gcc,
 * CI): for each argument (a file, or a directory whose regular files are
 * all read), call LLVMFuzzerTestOneInput() once per file. Prints how many
 * inputs ran. Exit 0; exit 1 when an argument is missing or unreadable or
 * when no input at all was found, so a lost corpus is noticed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/xmalloc.h"

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (16u << 20) /* larger inputs are a corpus mistake */

/* Run one file. Returns 0, or -1 when it cannot be read. */
static int run_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    fprintf(stderr, "replay: %s: cannot open\n", path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = xmalloc(cap);
  for (;;) {
    if (len == cap) {
      if (cap >= REPLAY_MAX) {
        fprintf(stderr, "replay: %s: larger than %u bytes\n", path, REPLAY_MAX);
        fclose(fp);
        free(buf);
        return -1;
      }
      cap *= 2;
      buf = xrealloc(buf, cap);
    }
    size_t got = fread(buf + len, 1, cap - len, fp);
    len += got;
    if (got == 0)
      break;
  }
  int bad = ferror(fp);
  fclose(fp);
  if (bad) {
    fprintf(stderr, "replay: %s: read error\n", path);
    free(buf);
    return -1;
  }
  /* Exact-size copy so ASan sees any read past the input. */
  uint8_t *data = xmalloc(len ? len : 1);
  memcpy(data, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(data, len);
  free(data);
  return 0;
}

int main(int argc, char **argv) {
  long ran = 0;
  int failed = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: not found\n", argv[i]);
      failed = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (run_file(argv[i]) == 0)
        ran++;
      else
        failed = 1;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (d == NULL) {
      fprintf(stderr, "replay: %s: cannot open directory\n", argv[i]);
      failed = 1;
      continue;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (de->d_name[0] == '.')
        continue;
      char *path = xasprintf("%s/%s", argv[i], de->d_name);
      struct stat fst;
      if (stat(path, &fst) == 0 && S_ISREG(fst.st_mode)) {
        if (run_file(path) == 0)
          ran++;
        else
          failed = 1;
      }
      free(path);
    }
    closedir(d);
  }
  printf("replay: %ld inputs ran\n", ran);
  if (ran == 0) {
    fprintf(stderr, "replay: no inputs (empty or missing corpus)\n");
    return 1;
  }
  return failed;
}
