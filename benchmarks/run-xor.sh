#!/bin/bash
# The xor command-line workload in N rounds of fresh JVMs, the peers alternating within a round
# (ganglion, fused, baseline), so that a slower hour of the machine weighs on all three alike.
# Prints each peer's median and quartiles of steps/s. Usage: bash benchmarks/run-xor.sh [N] [JVM flags]
set -euo pipefail
n=${1:-21}
shift || true
jar="$(dirname "$0")/target/ganglion-benchmarks.jar"
if [ ! -f "$jar" ]; then
  echo "run-xor.sh: $jar is missing; build it with: mvn -B -q -pl runtime,processor,benchmarks -am package -DskipTests" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$n"); do
  for peer in ganglion fused baseline; do
    java "$@" -jar "$jar" xor 1 --peer "$peer" | sed 's/.*steps_per_s=\([0-9.]*\).*/\1/' >> "$out/$peer"
  done
done
for peer in ganglion fused baseline; do
  sort -n "$out/$peer" | awk -v p="$peer" '{a[NR]=$1} END {printf "%-8s n=%d median=%.2fM quartiles=%.2fM-%.2fM steps/s\n", p, NR, a[int(NR/2)+1]/1e6, a[int(NR/4)+1]/1e6, a[int(3*NR/4)+1]/1e6}'
done
