#!/usr/bin/env bash
# Load for `bitnet serve`: C clients at once, each sending R completion requests one after another (greedy unless
# -T is given, no streaming), then the aggregate throughput: completion tokens of all requests / wall time.
# Needs curl and jq. Example (with `./bitnet serve -m model.gguf -np 8` running):
#   ci/serve-load.sh -c 8 -r 2 -n 64
set -euo pipefail
url=http://127.0.0.1:8080 clients=4 requests=2 tokens=64 temperature=0 prompt="The capital of France is"
while getopts "u:c:r:n:T:p:h" o; do
  case $o in
    u) url=$OPTARG ;; c) clients=$OPTARG ;; r) requests=$OPTARG ;; n) tokens=$OPTARG ;;
    T) temperature=$OPTARG ;; p) prompt=$OPTARG ;;
    *) sed -n '2,5p' "$0"; echo "options: -u URL -c CLIENTS -r REQUESTS_PER_CLIENT -n MAX_TOKENS -T TEMPERATURE -p PROMPT"; exit 2 ;;
  esac
done
for tool in curl jq; do command -v $tool >/dev/null || { echo "serve-load: $tool is required" >&2; exit 1; }; done
curl -sf "$url/health" >/dev/null || { echo "serve-load: no server answers at $url/health" >&2; exit 1; }

out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
body=$(jq -cn --arg p "$prompt" --argjson n "$tokens" --argjson t "$temperature" \
  '{prompt: $p, max_tokens: $n, temperature: $t, seed: 1}')
start=$(date +%s.%N)
for c in $(seq 1 "$clients"); do
  ( for r in $(seq 1 "$requests"); do
      t0=$(date +%s.%N)
      curl -sf "$url/v1/completions" -H 'Content-Type: application/json' -d "$body" > "$out/$c-$r.json"
      t1=$(date +%s.%N)
      echo "$t0 $t1" > "$out/$c-$r.time"
    done ) &
done
wait
end=$(date +%s.%N)
total=0 failed=0 latencies=()
for f in "$out"/*.json; do
  n=$(jq -r '.usage.completion_tokens // empty' "$f" 2>/dev/null || true)
  if [[ -z $n ]]; then failed=$((failed + 1)); continue; fi
  total=$((total + n))
  read -r t0 t1 < "${f%.json}.time"
  latencies+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
done
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
sorted=$(printf '%s\n' "${latencies[@]}" | sort -g)
printf 'clients %d x %d requests, max_tokens %d, temperature %s: %d completion tokens in %.2f s = %.2f tok/s' \
  "$clients" "$requests" "$tokens" "$temperature" "$total" "$wall" "$(awk -v n="$total" -v w="$wall" 'BEGIN { print n / w }')"
printf ' | request latency min %.2f s, median %.2f s, max %.2f s' "$(echo "$sorted" | head -1)" \
  "$(echo "$sorted" | sed -n "$(( (${#latencies[@]} + 1) / 2 ))p")" "$(echo "$sorted" | tail -1)"
[[ $failed -gt 0 ]] && printf ' | %d FAILED' "$failed"
echo
[[ $failed -eq 0 ]]
