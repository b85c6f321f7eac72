#!/bin/sh
# Container entrypoint of coordinator-server. In a StatefulSet each pod is <name>-<ordinal> (coordinator-0, ...):
# a member of an ensemble takes its server id from that ordinal, plus one (ids are 1..254), so pod
# coordinator-0 is server 1 of COORDINATOR_ENSEMBLE. An explicit COORDINATOR_SERVER_ID wins; a standalone
# server (no ensemble) needs no id. Then runs the given command (the image's CMD: java -jar ...).
#
# Growing and shrinking, with ENSEMBLE_JOIN=<client service host:port> (the ENSEMBLE_* variables belong to this
# script and the membership command; COORDINATOR_* variables are server settings). COORDINATOR_ENSEMBLE names
# the first members, the bootstrap ensemble. A pod beyond them joins the running ensemble: it reads the
# membership from the client service, starts knowing those members and itself (ENSEMBLE_JOIN_ADDRESS), and asks
# for "reconfig -add" of itself in the background. "entrypoint.sh --leave", the pod's preStop hook, asks for
# "reconfig -remove" of such a pod; bootstrap members are never removed, so the ensemble never shrinks below
# them. Both read the super user's digest credentials from ENSEMBLE_AUTH (see k8s/README.md).
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

# The membership command of the server's jar (coordinator-server.jar ensemble ...): a small JVM, started quickly.
ensemble() {
  java -XX:TieredStopAtLevel=1 -jar "${ENSEMBLE_COMMAND_JAR:-/app/coordinator-server.jar}" ensemble "$@"
}

# Whether COORDINATOR_ENSEMBLE names this server ("id=" at the start of an entry): before the join below, whether
# it is a bootstrap member.
in_ensemble() {
  printf ',%s' "$COORDINATOR_ENSEMBLE" | tr -d ' \n' | grep -q ",$COORDINATOR_SERVER_ID="
}

joining() {
  [ -n "${ENSEMBLE_JOIN:-}" ] && [ -n "${COORDINATOR_ENSEMBLE:-}" ] && ! in_ensemble
}

if [ "${1:-}" = "--leave" ]; then
  if joining; then
    ensemble remove "$ENSEMBLE_JOIN" "$COORDINATOR_SERVER_ID" --timeout "${ENSEMBLE_LEAVE_TIMEOUT:-30}"
  fi
  exit 0
fi

if joining; then
  if [ -z "${ENSEMBLE_JOIN_ADDRESS:-}" ]; then
    echo "entrypoint: ENSEMBLE_JOIN_ADDRESS (host:quorum:election[:participant|:observer];client) is needed" \
      "to join the ensemble at $ENSEMBLE_JOIN" >&2
    exit 2
  fi
  self="$COORDINATOR_SERVER_ID=$ENSEMBLE_JOIN_ADDRESS"
  # The running ensemble's membership; without an answer (the whole ensemble is down), the bootstrap one: a
  # member that was added before starts from the membership it kept in its data directory anyway.
  if members=$(ensemble members "$ENSEMBLE_JOIN" --timeout "${ENSEMBLE_JOIN_TIMEOUT:-60}"); then
    COORDINATOR_ENSEMBLE="$members"
  else
    echo "entrypoint: no membership from $ENSEMBLE_JOIN; starting from the bootstrap ensemble" >&2
  fi
  if ! in_ensemble; then
    COORDINATOR_ENSEMBLE="$COORDINATOR_ENSEMBLE,$self"
  fi
  export COORDINATOR_ENSEMBLE
  # Retried until the ensemble takes it (the server starts meanwhile, knowing the members and itself).
  ensemble add "$ENSEMBLE_JOIN" "$self" --timeout "${ENSEMBLE_JOIN_TIMEOUT:-600}" &
fi
exec "$@"
