/* rng.h -- the deterministic generator of the log generators (gen_bench,
 * gen_soulsync): splitmix64, so a seed always gives the same logs. */
#ifndef HR_TOOLS_RNG_H
#define HR_TOOLS_RNG_H

#include <stdint.h>

struct rng {
  uint64_t s;
};

static inline uint64_t rng_next(struct rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rng_unif(struct rng *r) {
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n) {
  return n ? rng_next(r) % n : 0;
}

#endif
