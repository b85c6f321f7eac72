#!/usr/bin/env bash
# Per-class difference of two `jcmd PID GC.class_histogram` outputs (e.g. the histo-*-loaded.txt minus
# histo-*-before.txt that `run.sh --workloads large-tree` writes to --out), biggest first, with bytes per
# item when a third argument (the number of znodes loaded) is given.
#   coordinator-bench/histo-diff.sh BEFORE.txt AFTER.txt [ZNODES]
set -euo pipefail
awk -v n="${3:-0}" '
  FNR == 1 { file++ }
  $1 ~ /^[0-9]+:$/ { cls = $4; if (file == 1) { b[cls] += $3; bi[cls] += $2 } else { a[cls] += $3; ai[cls] += $2 }; seen[cls] = 1 }
  END {
    for (c in seen) { d = a[c] - b[c]; if (d != 0) printf "%12d %10d %9s %s\n", d, ai[c] - bi[c], (n > 0 ? sprintf("%.1f", d / n) : ""), c }
  }' "$1" "$2" | sort -rn | head -${TOP:-25}
