#!/usr/bin/env bash
# The test command: builds everything and runs every test (unit, reference-model, backend agreement, CLI),
# then a smoke run of the launcher on the shipped model. Works on a fresh machine with a JDK 25 and Maven.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=ci/find-jdk.sh
. ci/find-jdk.sh
bitnet_find_jdk
echo "== JDK: $JAVA_HOME"

# OpenCL runtime on the CPU (PoCL) for the OpenCL backend's tests: best effort, never fatal.
if ! ldconfig -p 2>/dev/null | grep -q libOpenCL.so && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing PoCL (OpenCL on the CPU)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pocl-opencl-icd ocl-icd-libopencl1 clinfo) \
    >/dev/null 2>&1 || echo "   (PoCL could not be installed; OpenCL tests will skip)"
fi

echo "== mvn verify"
mvn -B -ntp verify

echo "== smoke run of ./bitnet on the shipped model"
model=test-models/bitnet-tiny-llama3-i2_s.gguf
./bitnet generate -m "$model" -p "The capital of France is" -n 16 --temperature 0 </dev/null
./bitnet generate -m "$model" --prompt-ids 128000,791,6864 -n 8 --temperature 0 --json </dev/null
echo "== all tests passed"
