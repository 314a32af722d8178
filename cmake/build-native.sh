#!/usr/bin/env bash
# Builds libbitnet_cpu with cmake into OUT_DIR/<os>-<arch>/ (Maven passes the backend-cpu module's class folder;
# LibBitnetCpu looks there, e.g. native/linux-x86_64/libbitnet_cpu.so).
# Without cmake or a C compiler it warns and builds nothing: the cpu-native backend then reports itself unavailable
# and everything else works. A compile error fails the build.
set -euo pipefail
out_dir=${1:?usage: build-native.sh OUT_DIR [BUILD_DIR]}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${2:-$root/cmake/build}
if [ -n "${BITNET_SKIP_NATIVE:-}" ]; then echo "[native] BITNET_SKIP_NATIVE is set: libbitnet_cpu not built"; exit 0; fi
if ! command -v cmake >/dev/null || ! { command -v cc >/dev/null || command -v gcc >/dev/null || command -v clang >/dev/null; }; then
  echo "[native] WARNING: cmake or a C compiler is missing: libbitnet_cpu not built, the cpu-native backend will be unavailable"
  exit 0
fi
cmake -S "$root/cmake" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target bitnet_cpu >/dev/null
# the folder LibBitnetCpu.platform() looks in: os.name ("linux", "mac_os_x") and os.arch ("x86_64", "aarch64")
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=mac_os_x ;; *) os=$(uname -s | tr "[:upper:]" "[:lower:]") ;; esac
case "$(uname -m)" in amd64) arch=x86_64 ;; arm64) arch=aarch64 ;; *) arch=$(uname -m) ;; esac
platform=$os-$arch
mkdir -p "$out_dir/$platform"
cp "$build_dir/libbitnet_cpu.so" "$out_dir/$platform/"
echo "[native] built $out_dir/$platform/libbitnet_cpu.so"
# The test-only build with the AVX-512 set emulated (see CMakeLists.txt): stays in the build folder, for the tests.
if cmake --build "$build_dir" --target help | grep bitnet_cpu_avx512_emulated >/dev/null; then
  if cmake --build "$build_dir" --target bitnet_cpu_avx512_emulated >/dev/null; then
    echo "[native] built $build_dir/libbitnet_cpu_avx512_emulated.so (tests only)"
  else
    echo "[native] WARNING: the emulated AVX-512 test build failed; its tests will be skipped (failed where required)"
  fi
fi
