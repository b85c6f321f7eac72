#!/usr/bin/env bash
# JMH microbenchmarks of server hot paths (see docs/benchmarks.md). Arguments go to JMH, e.g.
#   coordinator-jmh/run.sh                       # every benchmark, short settings (~3 min)
#   coordinator-jmh/run.sh DataTreeBench -f 1 -wi 3 -i 5
# Builds coordinator-core and this module, then runs org.openjdk.jmh.Main from target/classes (no uber jar).
# The benchmarks compile in every build but run only from here, never in the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="mvn -q -B ${MVN_OPTS_EXTRA:-}"
$MVN -pl coordinator-jmh -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
if [ $# -eq 0 ]; then
  set -- -f 1 -wi 1 -w 1s -i 2 -r 1s
fi
exec java -cp "coordinator-jmh/target/classes:$(cat coordinator-jmh/target/classpath.txt)" org.openjdk.jmh.Main "$@"
