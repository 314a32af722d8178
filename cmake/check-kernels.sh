#!/usr/bin/env bash
# The C-level check of libbitnet_cpu's kernel sets (kernels/cpu/kernel_check.c: every set the build runs against the
# plain C set) in every build this machine can run: native, with gcc and (where it is installed; macOS has only
# clang) with clang; the AVX-512 set emulated through SIMDe (x86-64, where SIMDe's headers are); the NEON set for
# aarch64 under QEMU's user-mode emulation (where aarch64-linux-gnu-gcc and qemu-aarch64 are: Debian's
# gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user). No Java: the Java tests cover the sets this CPU runs;
# this reaches the others. Exits 1 on a failure; a missing compiler or emulator only skips its build, except where
# BITNET_REQUIRE_NEON_CHECK is set (ci/test.sh, once it has installed the cross tools).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=("$root/kernels/cpu/kernel_check.c" "$root/kernels/cpu/bitnet_cpu.c")
flags=(-O2 -Wall -Wextra -Wno-unused-parameter -Wno-psabi)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=$(command -v cc || command -v gcc)

echo "== kernel check: native ($(uname -m))"
"$cc" "${flags[@]}" -o "$work/native" "${src[@]}" -lm
"$work/native"
echo "== kernel speed tool (cmake/kernel-speed.sh): builds"
"$cc" "${flags[@]}" -o "$work/speed" "$root/kernels/cpu/kernel_speed.c" "$root/kernels/cpu/bitnet_cpu.c" -lm -lpthread

if command -v clang >/dev/null; then   # the library must build with either compiler (macOS has only clang)
  echo "== kernel check: native, built with clang"
  clang "${flags[@]}" -o "$work/clang" "${src[@]}" -lm
  "$work/clang"
  if [ -d /usr/aarch64-linux-gnu ]; then
    echo "== kernel check: aarch64 with clang (compiles; the NEON set needs a dot-product target there)"
    clang --target=aarch64-linux-gnu --sysroot=/usr/aarch64-linux-gnu "${flags[@]}" -c -o "$work/clang-aarch64.o" \
      "$root/kernels/cpu/bitnet_cpu.c"
  fi
fi

if [ "$(uname -m)" = x86_64 ] && echo '#include <simde/x86/avx512.h>' | "$cc" -E -x c - >/dev/null 2>&1; then
  echo "== kernel check: AVX-512 emulated through SIMDe"
  "$cc" "${flags[@]}" -DBITNET_EMULATE_AVX512 -mavx2 -mfma -mf16c -o "$work/emulated" "${src[@]}" -lm
  "$work/emulated"
fi

if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
  echo "== kernel check: aarch64 (NEON) under qemu-aarch64"
  aarch64-linux-gnu-gcc "${flags[@]}" -static -o "$work/aarch64" "${src[@]}" -lm
  qemu-aarch64 -cpu max "$work/aarch64"
  aarch64-linux-gnu-gcc "${flags[@]}" -c -o "$work/speed-aarch64.o" "$root/kernels/cpu/kernel_speed.c"
elif [ -n "${BITNET_REQUIRE_NEON_CHECK:-}" ]; then
  echo "check-kernels.sh: BITNET_REQUIRE_NEON_CHECK is set but aarch64-linux-gnu-gcc or qemu-aarch64 is missing" >&2
  exit 1
else
  echo "== kernel check: aarch64 skipped (no aarch64-linux-gnu-gcc or qemu-aarch64)"
fi
