#!/usr/bin/env bash
# Summarises a JFR recording (e.g. from coordinator-bench/run.sh --jfr DIR): CPU samples by thread, by top
# frame, and by the first io.coordinator / org.apache.zookeeper frame on the stack.
#   coordinator-bench/jfr-top.sh DIR/coordinator-standalone-write-r1.jfr [N]
set -euo pipefail
f="$1"; n="${2:-25}"
tmp="$(mktemp)"; trap 'rm -f "$tmp"' EXIT
jfr print --events jdk.ExecutionSample "$f" > "$tmp"
total=$(grep -c '^jdk.ExecutionSample' "$tmp" || true)
echo "== $f: $total execution samples"
echo "-- by thread"
grep 'sampledThread = ' "$tmp" | sed -E 's/.*sampledThread = "([^"]*)".*/\1/; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -"$n"
echo "-- by top frame"
awk '/stackTrace = \[/{getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); print}' "$tmp" | sort | uniq -c | sort -rn | head -"$n"
echo "-- by first project frame (io.coordinator / org.apache.zookeeper)"
awk '/stackTrace = \[/{inside=1; found=0; next}
     inside && /^ *\]/{inside=0; if(!found) print "(none)"; next}
     inside && !found && /(io\.coordinator|org\.apache\.zookeeper)/{l=$0; sub(/^ +/, "", l); sub(/ +line:.*/, "", l); print l; found=1}' "$tmp" \
  | sort | uniq -c | sort -rn | head -"$n"
