# Sourced by the launchers in this folder; POSIX sh. Finds a JDK >= 21, builds a module's jar when
# it is missing or older than a source of the module or of a module it depends on (one build at a
# time: launchers started together wait for each other), then runs one of its main classes, from a
# copy of the jar that no later build touches, with every argument passed through.
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

# Prints $1 and the echo-* modules its jar is built from, transitively, as their pom.xml files name
# them: test-scoped dependencies (the testkit, a test-jar) are not in the jar, so they do not count.
echo_modules_of() {
    todo=$1; seen=""
    while [ -n "$todo" ]; do
        set -- $todo; m=$1; shift; todo="$*"
        case " $seen " in *" $m "*) continue ;; esac
        [ -f "$echo_root/$m/pom.xml" ] || continue
        seen="$seen $m"
        todo="$todo $(awk '
            /<dependency>/ { dep = ""; test = 0 }
            /<artifactId>echo-[a-z-]*<\/artifactId>/ { dep = $0; sub(/.*<artifactId>/, "", dep); sub(/<.*/, "", dep) }
            /<scope>test<\/scope>/ { test = 1 }
            /<\/dependency>/ { if (dep != "" && !test) print dep; dep = "" }
        ' "$echo_root/$m/pom.xml")"
    done
    echo $seen
}

# Prints why jar $1 must be built for modules $2...: nothing when it is up to date.
echo_build_reason() {
    jar=$1; shift
    if [ ! -f "$jar" ]; then echo "no jar yet (first run)"; return; fi
    if [ "$echo_root/pom.xml" -nt "$jar" ]; then echo "pom.xml changed since the last build"; return; fi
    for m in "$@"; do
        # Main sources only: tests are not in the jar. -quit: the first newer file is reason enough.
        newer=$(find "$echo_root/$m/src/main" "$echo_root/$m/pom.xml" -type f -newer "$jar" -print -quit 2>/dev/null)
        if [ -n "$newer" ]; then echo "${newer#"$echo_root/"} changed since the last build"; return; fi
    done
}

# Runs "$@" holding the repository's build lock: two builds at once would overwrite each other's jars.
echo_with_build_lock() {
    mkdir -p "$echo_root/target"
    lock=$echo_root/target/launcher-build.lock
    if command -v flock >/dev/null 2>&1; then
        (
            if ! flock -n 9; then
                echo "$name: waiting for another launcher's build to finish..." >&2
                flock 9
            fi
            "$@"
        ) 9>"$lock"
    else
        # No flock (macOS): mkdir is atomic everywhere. A lock left by a killed build is removed by hand.
        until mkdir "$lock.d" 2>/dev/null; do sleep 1; done
        "$@"; status=$?
        rmdir "$lock.d"
        return $status
    fi
}

# Under the lock: builds $module unless another launcher did while this one waited.
echo_build_if_needed() {
    reason=$(echo_build_reason "$jar_path" $modules)
    [ -n "$reason" ] || return 0
    echo "$name: $reason; building $module..." >&2
    java_home=$(dirname -- "$(dirname -- "$java_bin")")
    maven_opts=${MAVEN_OPTS:-}
    # Maven's own libraries (guice) use sun.misc.Unsafe: JDK 24+ warns unless allowed, a flag JDK 23+ knows.
    if [ "$(echo_java_major "$java_bin")" -ge 23 ]; then
        maven_opts="$maven_opts --sun-misc-unsafe-memory-access=allow"
    fi
    if ! (cd "$echo_root" && JAVA_HOME="$java_home" MAVEN_OPTS="$maven_opts" ./mvnw -q -B -DskipTests -pl "$module" -am package >&2); then
        echo "$name: the build of $module failed; run ./mvnw -pl $module -am package to see why" >&2
        return 2
    fi
    touch "$jar_path" # a build that had nothing to repackage still counts as up to date
}

# Under the lock (no build is writing it): prints the path of this build's copy of the jar, made if
# needed. The JVM reads classes from its jar for as long as it runs, and a build (another launcher's,
# or one by hand) rewrites target/JAR in place: a running tool would then fail to load its next class
# (NoClassDefFoundError). So a tool runs a copy, one per build; copies a day old go.
echo_copy_to_run() {
    run_dir="$echo_root/$module/target/run"
    sum=$(cksum < "$jar_path" | cut -d' ' -f1)
    copy="$run_dir/${jar%.jar}-$sum.jar"
    if [ ! -f "$copy" ]; then
        if ! { mkdir -p "$run_dir" && cp "$jar_path" "$copy.$$" && mv "$copy.$$" "$copy"; }; then
            echo "$jar_path" # cannot copy (read-only checkout?): run the jar itself
            return 0
        fi
        find "$run_dir" -name '*.jar' -mtime +0 -exec rm -f {} + 2>/dev/null
    fi
    echo "$copy"
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
    modules=$(echo_modules_of "$module")
    if [ -n "$(echo_build_reason "$jar_path" $modules)" ]; then
        echo_with_build_lock echo_build_if_needed || exit 2
    fi
    run_jar=$(echo_with_build_lock echo_copy_to_run) || exit 2
    exec "$java_bin" ${ECHO_JAVA_OPTS:-} -cp "$run_jar" "$main" "$@"
}
