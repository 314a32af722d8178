#!/usr/bin/env bash
# libbitnet_cpu's decode kernels from memory against a plain read of the same bytes (kernels/cpu/kernel_speed.c):
# builds it with the machine's C compiler and runs it with the options given (-t THREADS, -r ROUNDS, -i ISA).
# A measurement, not a test: nothing here fails on a slow result. Needs about 1 GB of memory.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=$(command -v cc || command -v gcc)
"$cc" -O2 -Wall -Wextra -Wno-unused-parameter -Wno-psabi -o "$work/kernel_speed" \
  "$root/kernels/cpu/kernel_speed.c" "$root/kernels/cpu/bitnet_cpu.c" -lm -lpthread
"$work/kernel_speed" "$@"
