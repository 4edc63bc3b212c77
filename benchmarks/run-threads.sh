#!/usr/bin/env bash
# Two-thread scaling on the vector kernels, as the README reports it: for each workload, R rounds
# (default 3) of: one thread; two threads with the rows split (-Dganglion.split=rows; the default
# for dense networks of 1,000,000 parameters or more); two threads with the batch split
# (-Dganglion.split=batch; the default below that); and two one-thread JVMs started at
# once ("pair"), whose sum is the most any split can get from the two cores at that moment.
# Rounds interleave the configurations so that a change in the machine's load hits all of them.
# Each round starts with the round trip between two spinning threads (CoreLatency), which says how
# far apart the two cores are at that moment: about 50 ns or about 380 ns on the benchmark VMs.
#   bash benchmarks/run-threads.sh [ROUNDS] [WORKLOAD...]
# (VECTOR= bash benchmarks/run-threads.sh ... runs the plain kernels.)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/ganglion-benchmarks.jar
[ -f "$JAR" ] || mvn -B -q -pl runtime,processor,benchmarks -am package -DskipTests
VECTOR=${VECTOR-"--add-modules jdk.incubator.vector"}
rounds=${1:-3}
shift || true
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(mnist-mlp mnist-deep wide)
rate() { sed -n 's/.*samples_per_s=\([0-9.]*\).*/\1/p'; }
for w in "${workloads[@]}"; do
  for r in $(seq "$rounds"); do
    trip=$(java -cp "$JAR" io.ganglion.benchmarks.CoreLatency | sed -n 's/.*=\([0-9]*\).*/\1/p')
    one=$(java $VECTOR -jar "$JAR" "$w" 1 2>/dev/null | rate)
    rows=$(java $VECTOR -Dganglion.split=rows -jar "$JAR" "$w" 2 2>/dev/null | rate)
    batch=$(java $VECTOR -Dganglion.split=batch -jar "$JAR" "$w" 2 2>/dev/null | rate)
    pair=$( (java $VECTOR -jar "$JAR" "$w" 1 2>/dev/null & java $VECTOR -jar "$JAR" "$w" 1 2>/dev/null; wait) \
      | rate | paste -sd+ | bc)
    awk -v w="$w" -v one="$one" -v rows="$rows" -v batch="$batch" -v pair="$pair" -v trip="$trip" 'BEGIN {
      printf "%s round_trip=%sns one=%.0f rows_split=%.0f (%.2fx) batch_split=%.0f (%.2fx) pair=%.0f (%.2fx)\n",
        w, trip, one, rows, rows / one, batch, batch / one, pair, pair / one }'
  done
done
