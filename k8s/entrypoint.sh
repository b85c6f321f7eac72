#!/bin/sh
# Container entrypoint of coordinator-server. In a StatefulSet each pod is <name>-<ordinal> (coordinator-0, ...):
# a member of an ensemble takes its server id from that ordinal, plus one (ids are 1..254), so pod
# coordinator-0 is server 1 of COORDINATOR_ENSEMBLE. An explicit COORDINATOR_SERVER_ID wins; a standalone
# server (no ensemble) needs no id. Then runs the given command (the image's CMD: java -jar ...).
set -eu
if [ -n "${COORDINATOR_ENSEMBLE:-}" ] && [ -z "${COORDINATOR_SERVER_ID:-}" ]; then
  host="${HOSTNAME:-$(hostname)}"
  ordinal="${host##*-}"
  case "$ordinal" in
    '' | *[!0-9]*)
      echo "entrypoint: cannot derive the server id from hostname '$host' (expected <name>-<ordinal>);" \
        "set COORDINATOR_SERVER_ID" >&2
      exit 2 ;;
  esac
  COORDINATOR_SERVER_ID=$((ordinal + 1))
  export COORDINATOR_SERVER_ID
fi
exec "$@"
