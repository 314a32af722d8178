# Sourced by ./bitnet and ci/test.sh (one source of truth for "which Java runs this project"):
# bitnet_find_jdk sets and exports JAVA_HOME and JAVA to a JDK 25 or newer, or explains how to get one and fails.
# Order: $JAVA_HOME if it is 25+, then /usr/lib/jvm (Temurin 25 first), SDKMAN, macOS's JavaVirtualMachines.

bitnet_java_major() {  # prints the feature version of the JDK at $1 (nothing if there is no JDK there)
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

bitnet_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*-2[5-9]* \
                   "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major=$(bitnet_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export JAVA="$candidate/bin/java"
      return 0
    fi
  done
  {
    echo "bitnet: no JDK 25 or newer found (looked at \$JAVA_HOME${JAVA_HOME:+=$JAVA_HOME}, /usr/lib/jvm, ~/.sdkman, /Library/Java)."
    echo "  Install one, for example:"
    echo "    Debian/Ubuntu: apt-get install temurin-25-jdk   (after adding the Adoptium repository: https://adoptium.net/installation/linux)"
    echo "    SDKMAN:        sdk install java 25-tem"
    echo "    macOS:         brew install --cask temurin@25"
    echo "  or set JAVA_HOME to a JDK 25+."
  } >&2
  return 1
}

# PoCL (the CPU OpenCL driver, probed whenever the default backend is chosen) loads LLVM, which replaces the JVM's
# SIGSEGV, SIGBUS, SIGILL and SIGFPE handlers with its own crash handler. HotSpot takes SIGSEGV in normal operation
# (implicit null checks, safepoint polls), so such a JVM dies at random with "Segmentation fault" and no hs_err file
# (seen in CliTest in about one run in six; -Xcheck:jni lists the handlers in libLLVM). The JDK's libjsig chains
# signal handlers so that the JVM's stay first. ./bitnet calls this right before it starts the JVM (Linux); the
# tests' JVMs get the same from surefire's configuration (pom.xml).
bitnet_chain_signals() {
  local jsig="$JAVA_HOME/lib/libjsig.so"
  [ -f "$jsig" ] || return 0
  case " ${LD_PRELOAD:-} " in
    *" $jsig "*) ;;
    *) export LD_PRELOAD="$jsig${LD_PRELOAD:+ $LD_PRELOAD}" ;;
  esac
}
