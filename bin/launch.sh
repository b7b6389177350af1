#!/bin/sh
# Shared by the launchers in bin/: runs a main class of one module on the JVM, building the module first if a
# fresh checkout has not been built yet. Usage (from a launcher): . "$(dirname "$0")/launch.sh"; launch MODULE CLASS "$@"
#
# Environment:
#   JAVA       the java executable (default: java on PATH, or $JAVA_HOME/bin/java)
#   JAVA_OPTS  extra JVM flags; they come after the launcher's defaults, so -Xmx here wins.
#   TINYKV_HEAP heap flags replacing the launcher's default (e.g. TINYKV_HEAP="-Xms512m -Xmx4g")

TINYKV_HOME=$(cd "$(dirname "$0")/.." && pwd)

launch() {
    module=$1
    main_class=$2
    shift 2
    jar="$TINYKV_HOME/$module/target/$module-0.1.0-SNAPSHOT.jar"
    if [ ! -f "$jar" ] || [ ! -d "$TINYKV_HOME/$module/target/lib" ]; then
        echo "building $module (first run)..." >&2
        (cd "$TINYKV_HOME" && mvn -B -q -DskipTests -pl "$module" -am install) >&2 || {
            echo "error: build of $module failed; run 'mvn -B -DskipTests install' in $TINYKV_HOME to see why" >&2
            exit 1
        }
    fi
    if [ -n "$JAVA" ]; then
        java_cmd=$JAVA
    elif [ -n "$JAVA_HOME" ]; then
        java_cmd="$JAVA_HOME/bin/java"
    else
        java_cmd=java
    fi
    heap=${TINYKV_HEAP:-$DEFAULT_HEAP}
    # shellcheck disable=SC2086
    exec "$java_cmd" $heap $JAVA_OPTS -cp "$jar:$TINYKV_HOME/$module/target/lib/*" "$main_class" "$@"
}
