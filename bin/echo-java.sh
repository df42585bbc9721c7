# Sourced by the launchers in this folder; POSIX sh. Finds a JDK >= 21, builds a module's jar
# when it is missing, then runs one of its main classes with every argument passed through.
#
#   echo_launch <launcher name> <module> <jar name> <main class> [args...]

echo_root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)

# Prints the major version of the java binary $1, or nothing.
echo_java_major() {
    "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); if (v[1] == "1") print v[2]; else print v[1]; exit }'
}

# Prints the path of a java binary >= 21: $JAVA_HOME, then PATH, then the newest in the usual places.
echo_find_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        major=$(echo_java_major "$JAVA_HOME/bin/java")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME/bin/java"; return 0; fi
    fi
    if command -v java >/dev/null 2>&1; then
        major=$(echo_java_major java)
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then command -v java; return 0; fi
    fi
    best=""; best_major=0
    for candidate in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/java/bin/java \
                     "$HOME"/.sdkman/candidates/java/*/bin/java /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
        [ -x "$candidate" ] || continue
        major=$(echo_java_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$candidate; best_major=$major
        fi
    done
    [ -n "$best" ] && echo "$best"
}

echo_launch() {
    name=$1; module=$2; jar=$3; main=$4; shift 4
    if [ ! -d "$echo_root/$module/src/main/java" ]; then
        echo "$name: the $module module has no code yet; nothing to run" >&2
        exit 2
    fi
    java_bin=$(echo_find_java)
    if [ -z "$java_bin" ]; then
        echo "$name: needs a JDK 21 or newer: set JAVA_HOME to one, or put its java on the PATH" >&2
        exit 2
    fi
    jar_path="$echo_root/$module/target/$jar"
    if [ ! -f "$jar_path" ]; then
        echo "$name: building $module (first run only)..." >&2
        java_home=$(dirname -- "$(dirname -- "$java_bin")")
        if ! (cd "$echo_root" && JAVA_HOME="$java_home" ./mvnw -q -B -DskipTests -pl "$module" -am package >&2); then
            echo "$name: the build of $module failed; run ./mvnw -pl $module -am package to see why" >&2
            exit 2
        fi
    fi
    exec "$java_bin" ${ECHO_JAVA_OPTS:-} -cp "$jar_path" "$main" "$@"
}
