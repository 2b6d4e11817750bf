package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A build killed with SIGKILL, as a scheduler's timeout kills it, leaves every published version as
 * it was, and the same build run again succeeds. The build runs as {@code ./submit.sh generate} in
 * a process of its own; the test watches the table from outside and kills it at the moment it
 * means.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledBuildIT {
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  private Path home;
  private String catalog;

  /** What readers can see: main's snapshot and every tag. */
  private record Published(Long main, Map<String, Long> tags, String v1Checksum) {}

  @BeforeAll
  void publishVersion1() throws IOException {
    home = SharedSpark.tempDir("trainforge-killed-it");
    catalog = SampleBuilds.newCatalogName();
    SampleBuilds.attachCatalog(catalog, home, home.resolve("warehouse").toString());
    runToEnd("1");
  }

  @Test
  void killedWhileWritingLeavesMainAndTagsUnchangedAndARerunSucceeds() throws Exception {
    Published before = published();
    Path data =
        table().location().startsWith("file:")
            ? Path.of(java.net.URI.create(table().location())).resolve("data")
            : Path.of(table().location()).resolve("data");
    Set<Path> oldFiles = dataFiles(data);

    try (ChildProcess build = start("2", "v2-killed")) {
      // Data files appear as the write's tasks produce them, before the snapshot is committed.
      awaitOrFail(build, () -> !difference(dataFiles(data), oldFiles).isEmpty(), "a new data file");
      build.kill();
    }

    assertThat(difference(dataFiles(data), oldFiles))
        .as("files the killed write left")
        .isNotEmpty();
    assertThat(snapshotsOfVersion("2")).as("snapshots of version 2 after the kill").isEmpty();
    assertThat(published()).isEqualTo(before);

    runToEnd("2");
    Published after = published();
    assertThat(after.tags()).containsKeys("v1", "v2");
    assertThat(after.tags()).containsAllEntriesOf(before.tags());
    assertThat(after.main()).isEqualTo(after.tags().get("v2"));
    assertThat(after.v1Checksum()).isEqualTo(before.v1Checksum());
  }

  @Test
  void killedBetweenAuditAndPublishLeavesMainAndTagsUnchangedAndARerunSucceeds() throws Exception {
    Published before = published();

    String auditBranch;
    try (ChildProcess build = start("3", "v3-killed")) {
      // The audit snapshot is committed to its branch; validation runs next, then the publish.
      awaitOrFail(build, () -> auditSnapshotOf("3") != null, "the audit snapshot of version 3");
      build.kill();
      auditBranch = auditSnapshotOf("3");
    }

    assertThat(auditBranch).as("audit branch still there after the kill").startsWith("audit_v3_");
    assertThat(published()).isEqualTo(before);

    runToEnd("3");
    Published after = published();
    assertThat(after.tags()).containsKey("v3").containsAllEntriesOf(before.tags());
    assertThat(after.main()).isEqualTo(after.tags().get("v3"));
    assertThat(after.v1Checksum()).isEqualTo(before.v1Checksum());
    assertThat(after.main()).isNotEqualTo(table().refs().get(auditBranch).snapshotId());
  }

  private List<String> generate(String version) {
    return List.of(
        "generate",
        "--config",
        SampleBuilds.CONFIG,
        "--set",
        "trainforge.home=" + home,
        "--set",
        "trainforge.catalog.name=" + catalog,
        "--set",
        "dataset.version=" + version);
  }

  private ChildProcess start(String version, String name) throws IOException {
    Path log = home.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of("./submit.sh", "--master", "local[2]"));
    command.addAll(generate(version));
    return ChildProcess.start(name, command, ItEnv.repo(), Map.of(), log);
  }

  /** Builds {@code version} in this JVM, to its end. */
  private void runToEnd(String version) {
    SampleBuilds.generate(home, catalog, version);
  }

  /** Polls {@code condition} every 20 ms until it holds; fails if the build ends first. */
  private static void awaitOrFail(ChildProcess build, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (!build.isAlive()) {
        throw new AssertionError(
            "the build ended before " + what + " was seen; its output:\n" + build.tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + BUILD_TIMEOUT);
      }
      Thread.sleep(20);
    }
  }

  private Table table() {
    Table table = SampleBuilds.table(catalog);
    table.refresh();
    return table;
  }

  private Published published() {
    Table table = table();
    Map<String, Long> tags = new TreeMap<>();
    table
        .refs()
        .forEach(
            (name, ref) -> {
              if (ref.isTag()) {
                tags.put(name, ref.snapshotId());
              }
            });
    SnapshotRef main = table.refs().get(SnapshotRef.MAIN_BRANCH);
    return new Published(
        main == null ? null : main.snapshotId(), tags, SampleBuilds.checksum(catalog, "v1"));
  }

  /** The audit branch whose head is a snapshot of {@code version}, or null. */
  private String auditSnapshotOf(String version) {
    Table table = table();
    for (Map.Entry<String, SnapshotRef> e : table.refs().entrySet()) {
      if (e.getKey().startsWith("audit_v" + version + "_")) {
        Snapshot head = table.snapshot(e.getValue().snapshotId());
        if (version.equals(head.summary().get("trainforge.version"))) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  private List<Long> snapshotsOfVersion(String version) {
    List<Long> out = new ArrayList<>();
    for (Snapshot s : table().snapshots()) {
      if (version.equals(s.summary().get("trainforge.version"))) {
        out.add(s.snapshotId());
      }
    }
    return out;
  }

  private static Set<Path> dataFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .collect(Collectors.toSet());
    } catch (IOException | java.io.UncheckedIOException e) {
      // a file vanished while listing (a task's temporary file); list again next time
      return Set.of();
    }
  }

  private static Set<Path> difference(Set<Path> now, Set<Path> before) {
    return now.stream().filter(p -> !before.contains(p)).collect(Collectors.toSet());
  }
}
