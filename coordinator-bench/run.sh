#!/usr/bin/env bash
# Apache ZooKeeper 3.9.5 and Coordinator side by side (see docs/benchmarks.md). Arguments go to SideBySide, e.g.
#   coordinator-bench/run.sh --mode both --clients 8 --seconds 10 --rounds 2
# Builds the server jar when it is missing (REBUILD=1 forces it), prepares its AppCDS layout, compiles the bench
# module, writes its classpath (also the ZooKeeper child JVMs' classpath) and runs io.coordinator.bench.SideBySide.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="mvn -q -B ${MVN_OPTS_EXTRA:-}"
if [ ! -f coordinator-server/target/coordinator-server.jar ] || [ -n "${REBUILD:-}" ]; then
  $MVN -pl coordinator-server -am -DskipTests package
fi
$MVN -pl coordinator-bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
# Coordinator runs as production would run it: extracted with an AppCDS archive (coordinator-server/cds.sh,
# redone when the jar changes). COORDINATOR_LAUNCH=jar runs the fat jar instead. The servers do not inherit
# COORDINATOR_* variables (Spring Boot would read COORDINATOR_LAUNCH as an unknown setting coordinator.launch).
CDS_ARGS=()
if [ "${COORDINATOR_LAUNCH:-cds}" = cds ]; then
  coordinator-server/cds.sh
  CDS_ARGS=(--cds-dir coordinator-server/target/cds)
fi
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "coordinator-bench/target/classes:$(cat coordinator-bench/target/classpath.txt)" \
  io.coordinator.bench.SideBySide "${CDS_ARGS[@]}" "$@"
