#!/bin/sh
# Starts the Coordinator server the fast way, the way the README's first command does: from the extracted jar
# with an AppCDS class archive (see cds.sh, which makes both from target/coordinator-server.jar the first time
# and again whenever the jar changes). Arguments go to the server; JAVA picks the java, JAVA_OPTS adds JVM options.
#
#   coordinator-server/coordinator.sh [--coordinator.* ...]
#
# The same server as `java -jar coordinator-server/target/coordinator-server.jar`, which also works: on a
# 2-core machine this one serves clients about twice as soon after a (re)start (docs/benchmarks.md, restart).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
java=${JAVA:-java}
JAVA="$java" "$here/cds.sh" "$here/target/coordinator-server.jar" "$here/target/cds" >&2
# exec: the JVM gets this process's signals (SIGTERM stops the server) and its exit status
# shellcheck disable=SC2086
exec "$java" ${JAVA_OPTS:-} -XX:SharedArchiveFile="$here/target/cds/app.jsa" \
  -jar "$here/target/cds/coordinator-server.jar" "$@"
