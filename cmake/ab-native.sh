#!/usr/bin/env bash
# A/B of libbitnet_cpu builds: the kernels of git revision REV ("A") against the working tree's ("B"), each loaded
# through BITNET_CPU_NATIVE_LIB into the same ./bitnet, in alternating bench runs (this VM's host speed drifts by
# +-15-60 % within minutes, so only alternating pairs separate two builds). Prints each run's prefill and decode
# tok/s and the means. Developer tool; needs gcc. REV's library must export the C API the working tree's Java binds
# (LibBitnetCpu); the set-up is the working tree's, only the kernels differ.
#
#   cmake/ab-native.sh REV [PAIRS] [bench options...]
#   cmake/ab-native.sh 28724b7 5 --synthetic 2b4t -t 2 -p 128 -n 32 -r 3
#
# The bench options default to the issue's standard run (--synthetic 2b4t -t 2 -p 128 -n 64 -r 3); --backends,
# --json and the bandwidth probe are set here (cpu-native only, no probe).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rev=${1:?usage: cmake/ab-native.sh REV [PAIRS] [bench options...]}
shift
pairs=3
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then pairs=$1; shift; fi
[ $# -gt 0 ] || set -- --synthetic 2b4t -t 2 -p 128 -n 64 -r 3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build() { # source file, output library: the flags of cmake/CMakeLists.txt
  gcc -O3 -Wall -Wextra -Wno-unused-parameter -shared -fPIC -o "$2" "$1" -lm
}
git -C "$root" show "$rev:kernels/cpu/bitnet_cpu.c" >"$work/a.c"
build "$work/a.c" "$work/a.so"
build "$root/kernels/cpu/bitnet_cpu.c" "$work/b.so"
(cd "$root" && ./bitnet devices >/dev/null 2>&1) || true   # builds ./bitnet first if it needs it

figure() { # JSON key of the first backend
  grep -o "\"$1\":[0-9.]*" <<<"$2" | head -n 1 | cut -d: -f2
}
declare -A sum_pp sum_tg
for side in a b; do sum_pp[$side]=0; sum_tg[$side]=0; done
printf '%-4s %-9s %14s %14s\n' pair build "prefill tok/s" "decode tok/s"
for ((i = 1; i <= pairs; i++)); do
  for side in a b; do
    json=$(cd "$root" && BITNET_CPU_NATIVE_LIB="$work/$side.so" ./bitnet bench --backends cpu-native --json \
      --bandwidth-probe-mib 0 "$@" 2>/dev/null)
    pp=$(figure prefill_tokens_per_s "$json")
    tg=$(figure decode_tokens_per_s "$json")
    [ -n "$pp" ] && [ -n "$tg" ] || { echo "ab-native.sh: bench printed no figures for build $side: $json" >&2; exit 1; }
    label=$([ $side = a ] && echo "$rev" || echo "tree")
    printf '%-4s %-9s %14.2f %14.2f\n' "$i" "${label:0:9}" "$pp" "$tg"
    sum_pp[$side]=$(awk -v s="${sum_pp[$side]}" -v x="$pp" 'BEGIN { print s + x }')
    sum_tg[$side]=$(awk -v s="${sum_tg[$side]}" -v x="$tg" 'BEGIN { print s + x }')
  done
done
for side in a b; do
  label=$([ $side = a ] && echo "A ($rev)" || echo "B (working tree)")
  awk -v l="$label" -v p="${sum_pp[$side]}" -v t="${sum_tg[$side]}" -v n="$pairs" \
    'BEGIN { printf "mean %-18s prefill %.2f  decode %.2f tok/s\n", l, p / n, t / n }'
done
