#!/usr/bin/env bash
# Starts, stops and shows the local 3-node Coordinator ensemble described by config/cluster/node{1..3}.yml
# (client ports 2181-2183, HTTP 8081-8083, quorum 2888-2890, election 3888-3890, all on 127.0.0.1).
# COORDINATOR_CLUSTER_DIR=config/cluster-5 runs the 5-node variant (ports 2181-2185) instead.
#
#   config/cluster/cluster.sh start [N...]    start all nodes (or the given ones); builds the jar if missing
#   config/cluster/cluster.sh stop  [N...]    stop them (SIGTERM, then SIGKILL after 20 s)
#   config/cluster/cluster.sh kill  N...      SIGKILL nodes (for failover experiments)
#   config/cluster/cluster.sh status          role, zxid and connections of each node (the srvr four-letter word)
#
# Data and logs go to ./data/<cluster>/nodeN and ./data/<cluster>/nodeN.log under the repository root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
jar="coordinator-server/target/coordinator-server.jar"
config_dir="${COORDINATOR_CLUSTER_DIR:-config/cluster}"
config_dir="${config_dir%/}"
nodes_dir="data/$(basename "$config_dir")"
all=()
for f in "$config_dir"/node*.yml; do n=${f##*/node}; all+=("${n%.yml}"); done
[ ${#all[@]} -gt 0 ] || { echo "no node*.yml in $config_dir" >&2; exit 2; }

pid_of() { cat "$nodes_dir/node$1.pid" 2>/dev/null || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

four_letter() { # word port
  exec 3<>"/dev/tcp/127.0.0.1/$2" || return 1
  printf '%s' "$1" >&3
  cat <&3
  exec 3>&-
}

start() {
  [ -f "$jar" ] || mvn -q -B -DskipTests package
  mkdir -p "$nodes_dir"
  for n in "$@"; do
    if alive "$n"; then echo "node$n already running (pid $(pid_of "$n"))"; continue; fi
    # env -u: the server reads COORDINATOR_* variables as settings and refuses unknown ones
    env -u COORDINATOR_CLUSTER_DIR nohup java ${JAVA_OPTS:-} -jar "$jar" --spring.config.additional-location="file:$config_dir/node$n.yml" \
      >"$nodes_dir/node$n.log" 2>&1 &
    echo $! >"$nodes_dir/node$n.pid"
    echo "node$n started (pid $!, client port $((2180 + n)), log $nodes_dir/node$n.log)"
  done
}

stop() {
  local sig=$1; shift
  for n in "$@"; do
    alive "$n" || { echo "node$n not running"; continue; }
    local p; p=$(pid_of "$n")
    kill "-$sig" "$p"
    if [ "$sig" = TERM ]; then
      for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    fi
    rm -f "$nodes_dir/node$n.pid"
    echo "node$n stopped ($sig)"
  done
}

status() {
  for n in "${all[@]}"; do
    local port=$((2180 + n))
    if ! alive "$n"; then echo "node$n  down"; continue; fi
    local out; out=$(four_letter srvr "$port" 2>/dev/null || true)
    if [ -z "$out" ]; then echo "node$n  starting (pid $(pid_of "$n"))"; continue; fi
    local mode zxid conns
    mode=$(sed -n 's/^Mode: //p' <<<"$out"); zxid=$(sed -n 's/^Zxid: //p' <<<"$out")
    conns=$(sed -n 's/^Connections: //p' <<<"$out")
    echo "node$n  ${mode:-not serving}  zxid=${zxid:--}  connections=${conns:--}  client port $port"
  done
}

cmd=${1:-status}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
case "$cmd" in
  start) start "${targets[@]}" ;;
  stop) stop TERM "${targets[@]}" ;;
  kill) [ $# -gt 0 ] || { echo "kill needs node numbers" >&2; exit 2; }; stop KILL "$@" ;;
  status) status ;;
  *) echo "usage: $0 start|stop|kill|status [N...]" >&2; exit 2 ;;
esac
