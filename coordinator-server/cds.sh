#!/bin/sh
# Prepares the fast-starting layout of coordinator-server.jar, the way Spring Boot recommends for production
# (docs.spring.io, "Efficient Deployments"): the jar extracted (a plain class path instead of nested jars) plus
# an AppCDS archive of the classes a start-up loads, recorded by one training run. Starting from it skips
# most class loading and verification: on a 2-core machine the client port answers after ~0.9 s instead of
# ~2.5 s (docs/benchmarks.md).
#
#   coordinator-server/cds.sh [JAR] [DIR]     (defaults: coordinator-server/target/coordinator-server.jar,
#                                              coordinator-server/target/cds)
#   java -XX:SharedArchiveFile=DIR/app.jsa -jar DIR/coordinator-server.jar [--coordinator.* ...]
#
# Does nothing when DIR/app.jsa is newer than JAR. The archive belongs to the JVM that made it: run this with
# the java that will run the server (the JVM ignores an archive from another build, with a warning). The
# training run starts the server on a temporary data directory and port 0, and stops once the context is up.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar=${1:-$here/target/coordinator-server.jar}
dir=${2:-$here/target/cds}
java=${JAVA:-java}

if [ ! -f "$jar" ]; then
  echo "cds.sh: no server jar at $jar (mvn -DskipTests package first)" >&2
  exit 2
fi
if [ -f "$dir/app.jsa" ] && [ "$dir/app.jsa" -nt "$jar" ]; then
  exit 0
fi
rm -rf "$dir"
"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir"
train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
# spring.context.exit=onRefresh: stop once the context has refreshed (the server started early, before it).
if ! "$java" -XX:ArchiveClassesAtExit="$dir/app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dspring.context.exit=onRefresh -jar "$dir/coordinator-server.jar" \
    --coordinator.client-port=0 --coordinator.data-dir="$train/data" --server.port=0 \
    --logging.level.root=warn >"$train/training.log" 2>&1; then
  cat "$train/training.log" >&2
  echo "cds.sh: the training run failed (its log is above)" >&2
  exit 1
fi
if [ ! -s "$dir/app.jsa" ]; then
  echo "cds.sh: the training run wrote no archive at $dir/app.jsa" >&2
  exit 1
fi
echo "cds.sh: $dir ready: java -XX:SharedArchiveFile=$dir/app.jsa -jar $dir/coordinator-server.jar"
