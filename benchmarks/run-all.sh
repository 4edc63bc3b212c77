#!/usr/bin/env bash
# Runs every standard workload of benchmarks/BENCHMARKS.md once per configuration, each in its own
# JVM: the plain-Java baseline, Ganglion's plain-Java kernels, and Ganglion's Vector API kernels,
# on 1 and 2 threads. Prints the one-line results; run on an idle machine.
#   bash benchmarks/run-all.sh [WORKLOAD...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/ganglion-benchmarks.jar
[ -f "$JAR" ] || mvn -B -q -pl runtime,processor,benchmarks -am package -DskipTests
VECTOR="--add-modules jdk.incubator.vector"
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(xor iris mnist-mlp mnist-deep wide infer-mnist infer-batch)
for w in "${workloads[@]}"; do
  java -jar "$JAR" "$w" 1 --peer baseline
  java -Dganglion.vector=false -jar "$JAR" "$w" 1 | sed 's/^peer=ganglion/peer=ganglion-plain/'
  java $VECTOR -jar "$JAR" "$w" 1 2>/dev/null | sed 's/^peer=ganglion/peer=ganglion-vector/'
  case "$w" in
    xor|iris|infer-*) ;;
    *)
      java -Dganglion.vector=false -jar "$JAR" "$w" 2 | sed 's/^peer=ganglion/peer=ganglion-plain/'
      java $VECTOR -jar "$JAR" "$w" 2 2>/dev/null | sed 's/^peer=ganglion/peer=ganglion-vector/'
      ;;
  esac
done
