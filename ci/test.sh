#!/usr/bin/env bash
# The test command (also what CI runs, through .ci/run): builds every module and runs every test (unit,
# reference-model, backend agreement, CLI) with `mvn -B verify`, then a smoke run of ./bitnet on the shipped model.
# Needs a JDK 25 (found by ci/find-jdk.sh) and Maven 3.8+; works on a fresh machine without a terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=ci/find-jdk.sh
. ci/find-jdk.sh
bitnet_find_jdk
echo "== JDK: $JAVA_HOME ($("$JAVA" -version 2>&1 | head -n 1))"
command -v mvn >/dev/null || { echo "ci/test.sh: Maven 3.8+ (mvn) is needed" >&2; exit 1; }

# Best effort, never fatal: OpenCL on the CPU (PoCL) for the OpenCL backend's tests, SIMDe's headers for the test
# build of libbitnet_cpu that runs its AVX-512 kernels on CPUs without AVX-512 (cmake/CMakeLists.txt), and an aarch64
# cross compiler with QEMU for the C-level check of its NEON kernels (cmake/check-kernels.sh).
# apt-get is usable as root, or through sudo when it needs no password (CI runners); never prompts.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(false); fi
fi
apt_install() { # what for, then the packages
  local what=$1; shift
  echo "== installing $what ($*); best effort"
  if [ "${as_root[0]:-}" = false ]; then echo "   apt-get needs root: not installed; its tests will be skipped"; return; fi
  [ -n "${apt_updated:-}" ] || "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  apt_updated=1
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    echo "   $* could not be installed; its tests will be skipped"
}
if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
  installed pocl-opencl-icd || apt_install "OpenCL on the CPU" pocl-opencl-icd ocl-icd-libopencl1 clinfo
  installed libsimde-dev || apt_install "SIMDe, for the emulated AVX-512 kernel tests" libsimde-dev
  if [ "$(uname -m)" = x86_64 ] && ! { installed gcc-aarch64-linux-gnu && installed qemu-user; }; then
    apt_install "an aarch64 cross compiler and QEMU, for the NEON kernel check" gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  fi
fi

# Where PoCL is installed the OpenCL tests must run: a missing runtime then fails them instead of skipping them.
if installed pocl-opencl-icd; then export BITNET_REQUIRE_OPENCL=1; echo "== PoCL installed: OpenCL tests required"; fi

# Where cmake and a C compiler are present the build makes libbitnet_cpu, so the cpu-native tests must run.
if command -v cmake >/dev/null && { command -v cc >/dev/null || command -v gcc >/dev/null; } && [ -z "${BITNET_SKIP_NATIVE:-}" ]; then
  export BITNET_REQUIRE_NATIVE=1; echo "== cmake and a C compiler found: cpu-native (libbitnet_cpu) tests required"
  if [ "$(uname -m)" = x86_64 ] && installed libsimde-dev; then
    export BITNET_REQUIRE_AVX512_EMULATION=1; echo "== SIMDe installed: the emulated AVX-512 kernel tests required"
  fi
  if [ "$(uname -m)" = x86_64 ] && installed gcc-aarch64-linux-gnu && installed qemu-user; then
    export BITNET_REQUIRE_NEON_CHECK=1; echo "== aarch64 cross compiler and QEMU installed: the NEON kernel check required"
  fi
fi

echo "== mvn -B verify"
mvn -B -ntp verify
touch dist/.built   # verify packaged dist/lib from these sources: ./bitnet need not build again

# libbitnet_cpu's kernel sets at the C level, in every build this machine can run (native, AVX-512 emulated, NEON
# under QEMU): the sets the Java tests above cannot reach here
if [ -n "${BITNET_REQUIRE_NATIVE:-}" ]; then bash cmake/check-kernels.sh; fi

model=test-models/bitnet-tiny-llama3-i2_s.gguf
if [ ! -f "$model" ]; then
  echo "== smoke run skipped: $model is not there"
else
  echo "== smoke run of ./bitnet on $model"
  ./bitnet devices </dev/null
  info=$(./bitnet info -m "$model" </dev/null)
  sed -n 1,4p <<<"$info"
  ./bitnet generate -m "$model" -p "The capital of France is" -n 16 --temperature 0 </dev/null
  json=$(./bitnet generate -m "$model" --prompt-ids 128000,791,6864 -n 8 --temperature 0 --json </dev/null)
  echo "$json"
  case "$json" in
    *'"stop_reason"'*'"timings"'*) ;;
    *) echo "ci/test.sh: generate --json printed no result object" >&2; exit 1 ;;
  esac
  printf 'Hello!\n/exit\n' | ./bitnet chat -m "$model" -n 8 --temperature 0
  ids() { ./bitnet generate -m "$model" --prompt-ids 128000,791,6864 -n 8 --temperature 0 --json --backend "$1" </dev/null |
          sed -n 's/.*"ids" *: *\(\[[^]]*\]\).*/\1/p'; }
  cpu_ids=$(ids cpu)
  [ -n "$cpu_ids" ] || { echo "ci/test.sh: no greedy ids from the cpu backend" >&2; exit 1; }
  for other in ${BITNET_REQUIRE_NATIVE:+cpu-native} ${BITNET_REQUIRE_OPENCL:+opencl}; do
    echo "== the same greedy ids on the $other backend"
    other_ids=$(ids "$other")
    echo "cpu $cpu_ids / $other $other_ids"
    [ "$cpu_ids" = "$other_ids" ] || { echo "ci/test.sh: cpu and $other disagree" >&2; exit 1; }
  done
  if command -v curl >/dev/null; then
    echo "== ./bitnet serve: a completion over HTTP gives generate's text"
    log=$(mktemp)
    ./bitnet serve -m "$model" --port 0 -np 2 </dev/null 2>"$log" &
    server=$!
    port=""
    for _ in $(seq 1 600); do
      port=$(sed -n 's|.*listening on http://[^:]*:\([0-9]*\).*|\1|p' "$log")
      [ -n "$port" ] || ! kill -0 "$server" 2>/dev/null && break
      sleep 0.1
    done
    [ -n "$port" ] || { cat "$log" >&2; echo "ci/test.sh: serve did not start" >&2; exit 1; }
    text() { sed -n 's/.*"text" *: *"\(\([^"\\]\|\\.\)*\)".*/\1/p'; }
    served=$(curl -sf "http://127.0.0.1:$port/v1/completions" \
      -d '{"prompt": [128000, 791, 6864], "max_tokens": 8, "temperature": 0}' | text || true)
    kill -TERM "$server"; wait "$server" || true
    alone=$(./bitnet generate -m "$model" --prompt-ids 128000,791,6864 -n 8 --temperature 0 --json </dev/null | text)
    echo "serve \"$served\" / generate \"$alone\""
    [ -n "$alone" ] && [ "$served" = "$alone" ] || { echo "ci/test.sh: serve and generate disagree" >&2; exit 1; }
  else
    echo "== serve smoke skipped: no curl"
  fi
fi
echo "== all tests passed"
