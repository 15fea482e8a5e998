/* fisher.c -- see fisher.h. */
#include "core/fisher.h"

#include <math.h>

/* log C(a, b), 0 <= b <= a. */
static double lchoose(double a, double b) {
  return lgamma(a + 1) - lgamma(b + 1) - lgamma(a - b + 1);
}

double fisher_greater(uint64_t x, uint64_t n1, uint64_t k, uint64_t n) {
  if (n1 > n || k > n || x > n1 || x > k)
    return -1;
  /* X ranges over [lo, hi]; its terms rise up to the mode and fall after it. */
  double N = (double)n, K = (double)k, N1 = (double)n1, X = (double)x;
  double lo = N1 + K > N ? N1 + K - N : 0, hi = K < N1 ? K : N1;
  if (X <= lo)
    return 1;
  double mode = floor((N1 + 1) * (K + 1) / (N + 2));
  if (mode > hi)
    mode = hi;
  /* Terms relative to the largest one of the tail, t(s) = 1: s is the mode
   * when x lies below it (the tail holds the peak), else x itself. */
  double s = X > mode ? X : mode;
  double lt = lchoose(K, s) + lchoose(N - K, N1 - s) - lchoose(N, N1);
  double sum = 1, t = 1;
  /* Upwards: t(i + 1) / t(i) = (k - i)(n1 - i) / ((i + 1)(n - k - n1 + i + 1)). */
  for (double i = s; i < hi; i++) {
    t *= (K - i) * (N1 - i) / ((i + 1) * (N - K - N1 + i + 1));
    sum += t;
    if (t < sum * 1e-17)
      break;
  }
  /* Downwards from the mode to x, when the tail holds the peak. */
  t = 1;
  for (double i = s; i > X; i--) {
    t *= i * (N - K - N1 + i) / ((K - i + 1) * (N1 - i + 1));
    sum += t;
    if (t < sum * 1e-17)
      break;
  }
  double p = exp(lt) * sum;
  return p > 1 ? 1 : p;
}

double poisson_greater(uint64_t k, double lambda) {
  if (k == 0)
    return 1;
  if (!(lambda > 0))
    return 0;
  double K = (double)k, sum = 1, t = 1;
  if (K > lambda) { /* terms fall from k on */
    double lt = -lambda + K * log(lambda) - lgamma(K + 1);
    for (double i = K; t > sum * 1e-17; i++) {
      t *= lambda / (i + 1);
      sum += t;
    }
    return fmin(1.0, exp(lt + log(sum)));
  }
  /* P(X <= k - 1): terms fall from k - 1 down to 0. */
  double lt = -lambda + (K - 1) * log(lambda) - lgamma(K);
  for (double i = K - 1; i >= 1 && t > sum * 1e-17; i--) {
    t *= i / lambda;
    sum += t;
  }
  return fmax(0.0, 1.0 - exp(lt + log(sum)));
}
