# Sourced by the bench scripts: compiles the tests, writes their classpath, and runs a main
# class of src/test/java with the JVM options Spark needs on Java 17.
#
#   bench_java HEAP MAIN_CLASS [ARGS...]      # HEAP e.g. 8g; TRAINFORGE_BENCH_HEAP wins if set
#   BENCH_JAVA_OPTS                           # extra JVM options (JFR, -Dbench.stages=true, ...)
# The JVM gets -Dbench.heap=HEAP, so that a method it runs in a child JVM can give it the same heap.

bench_compile() {
  ./mvnw -B -q -Dspotless.check.skip=true -DskipTests test-compile
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
}

bench_java() {
  local heap="${TRAINFORGE_BENCH_HEAP:-$1}" main="$2"
  shift 2
  java -Xmx"$heap" -XX:+IgnoreUnrecognizedVMOptions \
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
    --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
    -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
    -Duser.timezone=UTC -Dbench.heap="$heap" ${BENCH_JAVA_OPTS:-} \
    -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    "$main" "$@"
}
