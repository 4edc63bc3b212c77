#!/usr/bin/env bash
# Measures the time from launching `java` to the first prediction answered by Serve over HTTP:
# starts the server, sends the same request every 5 ms until one succeeds, stops it; prints the
# times of RUNS runs (with the JVM's own uptime at that moment, as Serve prints it) and the
# runtime jar's size. Needs a built tree (mvn -B -q package -DskipTests), curl, python3 (to
# write a 784-value request) and a model (java -jar examples/target/ganglion-examples.jar).
# usage: [JAVA_OPTS=...] examples/measure-startup.sh MODEL [RUNS] [JAVA]
set -euo pipefail
# The model's path as given, from where the script was run (it then works from the root).
model=$(realpath "$1")
cd "$(dirname "$0")/.."
runs=${2:-5}
java=${3:-java}
port=18273
runtime_jar=$(ls runtime/target/ganglion-runtime-*-SNAPSHOT.jar | grep -v -e sources -e javadoc)
examples_classes=examples/target/classes  # Serve, its server and the generated Net_FashionMlp
request=$(mktemp)
python3 -c 'import json; print(json.dumps({"input": [0.5] * 784}))' > "$request"
for run in $(seq "$runs"); do
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  "$java" ${JAVA_OPTS:-} -cp "$runtime_jar:$examples_classes" io.ganglion.examples.serve.Serve \
      --model "$model" --port "$port" > "$request.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/predict" -H 'Content-Type: application/json' \
      --data-binary @"$request" > /dev/null 2>&1; do
    if ! kill -0 "$pid" 2> /dev/null; then
      wait "$pid" || true
      echo "run $run: Serve exited before answering:" >&2
      cat "$request.log" >&2
      rm -f "$request" "$request.log"
      exit 1
    fi
    sleep 0.005
  done
  end=$(date +%s%N)
  kill "$pid"
  wait "$pid" 2> /dev/null || true
  echo "run $run: first prediction $(( (end - start) / 1000000 )) ms after launching java;" \
      "the server says: $(grep -o 'First prediction served.*' "$request.log" || echo nothing)"
done
rm -f "$request" "$request.log"
echo "runtime jar: $(stat -c %s "$runtime_jar") bytes ($runtime_jar)"
