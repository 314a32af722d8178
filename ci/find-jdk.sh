# Sourced by ./bitnet and ci/test.sh: sets JAVA_HOME to a JDK 25 or newer, or fails with instructions.
# One source of truth for "which Java runs this project".

bitnet_java_major() {  # prints the major version of the JDK at $1 (empty if none)
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

bitnet_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*25* \
                   /usr/lib/jvm/*-2[6-9]* /usr/lib/jvm/temurin-* "$HOME"/.sdkman/candidates/java/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] || continue
    major=$(bitnet_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ -x "$candidate/bin/javac" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "bitnet: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm)." >&2
  echo "        Install one (e.g. Temurin 25: https://adoptium.net) and set JAVA_HOME to it." >&2
  return 1
}
