#!/usr/bin/env bash
# Runs every standard workload of benchmarks/BENCHMARKS.md once per configuration, each in its own
# JVM: the plain-Java baseline, Ganglion's plain-Java kernels, and Ganglion's Vector API kernels,
# on 1 and 2 threads. Prints the one-line results; run on an idle machine.
#   bash benchmarks/run-all.sh [WORKLOAD...]
# ROUNDS=R runs the whole list R times (rounds interleave the configurations, so that a change in
# the machine's speed hits all of them) and ends with one line per configuration: the median over
# the R JVMs of its figure (samples/s, steps/s for xor, ns per prediction for infer-*), with the
# lowest and highest, and its final loss.
#   ROUNDS=5 bash benchmarks/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/ganglion-benchmarks.jar
[ -f "$JAR" ] || mvn -B -q -pl runtime,processor,benchmarks -am package -DskipTests
VECTOR="--add-modules jdk.incubator.vector"
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(xor iris mnist-mlp mnist-deep wide infer-mnist infer-batch)
rounds=${ROUNDS:-1}
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for r in $(seq "$rounds"); do
  for w in "${workloads[@]}"; do
    {
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
    } | tee -a "$results"
  done
done
if [ "$rounds" -gt 1 ]; then
  echo "medians of $rounds JVMs (lowest-highest):"
  awk '{
    key = $1 " " $2 " " $3
    metric = ($2 == "workload=xor") ? "steps_per_s" : ($2 ~ /^workload=infer-/) ? "ns_per_prediction" : "samples_per_s"
    for (i = 4; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == metric) { value[key] = value[key] " " kv[2] }
      if (kv[1] == "final_loss") { loss[key] = kv[2] }
    }
    if (!(key in seen)) { seen[key] = 1; order[++n] = key; name[key] = metric }
  } END {
    for (k = 1; k <= n; k++) {
      key = order[k]
      m = split(substr(value[key], 2), v, " ")
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
      median = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
      printf "%s median_%s=%.1f (%.1f-%.1f) final_loss=%s\n", key, name[key], median, v[1], v[m], loss[key]
    }
  }' "$results"
fi
