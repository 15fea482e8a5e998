# sli.awk -- the baseline of bench/run.sh: one SLI computed the way a shell
# script would, on the nginx log of tools/gen_bench (combined + " $request_time").
#   valid: path == "/api/v1/matches" (query string removed)
#   good:  valid and status < 500
# Usage: mawk -f bench/sli.awk bench/out/bench-nginx.log
# Fields split on blanks: $7 is the request target, $9 the status (the
# user agent's blanks come after them and do not shift them).
{
  p = $7
  i = index(p, "?")
  if (i) p = substr(p, 1, i - 1)
  if (p == "/api/v1/matches") {
    valid++
    if ($9 + 0 < 500) good++
  }
}
END {
  printf "good=%d valid=%d sli=%.6f\n", good, valid, valid ? good / valid : 0
}
