package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.OutputSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Publishes dataset versions to an Iceberg table by write-audit-publish: a build writes one
 * snapshot to a fresh audit branch, where it can be checked; publishing then moves {@code main} to
 * it and creates the version's tag in one atomic metadata commit. Until that commit, readers of
 * {@code main} and of every tag see nothing of the build.
 */
public final class VersionPublisher {
  /** Snapshot summary keys this tool writes, all under one prefix. */
  public static final String PREFIX = "trainforge.";

  private static final Map<String, String> TABLE_PROPERTIES =
      Map.of(
          "format-version", "2",
          // Several builds may commit at once; the defaults let one of three fail.
          "commit.retry.num-retries", "20",
          "commit.retry.max-wait-ms", "2000",
          "write.spark.accept-any-schema", "true");

  private final SparkSession spark;
  private final OutputSpec output;

  public VersionPublisher(SparkSession spark, OutputSpec output) {
    this.spark = requireNonNull(spark, "spark is null");
    this.output = requireNonNull(output, "output is null");
  }

  private Catalog catalog() {
    try {
      return Spark3Util.loadIcebergCatalog(spark, output.catalog());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot load Iceberg catalog '" + output.catalog() + "': " + e.getMessage(), e);
    }
  }

  private TableIdentifier id() {
    return TableIdentifier.of(Namespace.of(output.namespace()), output.table());
  }

  /** The table, if it exists. */
  public java.util.Optional<Table> table() {
    try {
      return java.util.Optional.of(catalog().loadTable(id()));
    } catch (NoSuchTableException e) {
      return java.util.Optional.empty();
    }
  }

  /** Table property holding a version's content checksum: this prefix, then the tag. */
  public static final String CHECKSUM_PROPERTY = PREFIX + "content-checksum.";

  /** The snapshot {@code tag} points at, if the table and the tag exist. */
  public java.util.Optional<Snapshot> tagged(String tag) {
    return table()
        .filter(t -> t.refs().get(tag) != null && t.refs().get(tag).isTag())
        .map(t -> t.snapshot(tag));
  }

  /** The content checksum recorded when {@code tag} was published, if any. */
  public java.util.Optional<String> recordedChecksum(String tag) {
    return table().map(t -> t.properties().get(CHECKSUM_PROPERTY + tag));
  }

  /** The table's location, where files kept beside it go. */
  public String location() {
    return catalog().loadTable(id()).location();
  }

  /**
   * An audit branch, created off {@code main} for one build.
   *
   * @param table the table's qualified name
   * @param location the table's location, where reports go by default
   * @param branch the branch name
   */
  public record AuditBranch(String table, String location, String branch) {}

  /**
   * Creates the table if missing and a fresh audit branch off {@code main}, kept for {@code
   * retention} after its last snapshot (Iceberg's max ref age: snapshot expiry removes it later).
   * {@code main} and the tags are untouched.
   */
  public AuditBranch openAuditBranch(StructType schema, String tag, java.time.Duration retention) {
    return openBranch(schema, "audit_", tag, retention);
  }

  /**
   * Like {@link #openAuditBranch}, for a branch named {@code prefix + tag + "_" + random}, e.g. a
   * rebuild's side branch.
   */
  public AuditBranch openBranch(
      StructType schema, String prefix, String tag, java.time.Duration retention) {
    Table table = createIfMissing(schema);
    String branch = prefix + tag + "_" + UUID.randomUUID().toString().substring(0, 8);
    // Branch off main, so that the overwrite below replaces main's rows and main is an ancestor;
    // on a new table Iceberg points the branch at an empty snapshot that main never sees.
    retrying(
        t ->
            t.manageSnapshots()
                .createBranch(branch)
                .setMaxRefAgeMs(branch, retention.toMillis())
                .commit());
    return new AuditBranch(output.qualifiedName(), table.location(), branch);
  }

  /**
   * Writes {@code rows} as one snapshot on the audit branch; {@code main} and the tags are
   * untouched.
   *
   * @param summary properties recorded in the snapshot summary, each under {@link #PREFIX}
   */
  public StagedVersion write(AuditBranch audit, Dataset<Row> rows, Map<String, String> summary)
      throws org.apache.spark.sql.catalyst.analysis.NoSuchTableException {
    // The write goes through the branch identifier: DataFrameWriterV2 ignores a "branch" option.
    var writer =
        rows.writeTo(audit.table() + ".branch_" + audit.branch()).option("mergeSchema", "true");
    for (Map.Entry<String, String> e : summary.entrySet()) {
      writer = writer.option("snapshot-property." + PREFIX + e.getKey(), e.getValue());
    }
    writer.overwrite(functions.lit(true));
    Table table = catalog().loadTable(id());
    Snapshot snapshot = table.snapshot(audit.branch());
    if (snapshot == null) {
      throw new IllegalStateException(
          "Iceberg did not create branch '" + audit.branch() + "' in " + audit.table());
    }
    return new StagedVersion(
        audit.table(), audit.branch(), snapshot.snapshotId(), snapshot.summary());
  }

  /** The table's IO, for files kept beside it (reports). */
  public org.apache.iceberg.io.FileIO io() {
    return catalog().loadTable(id()).io();
  }

  private Table createIfMissing(StructType schema) {
    Catalog catalog = catalog();
    Namespace ns = Namespace.of(output.namespace());
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(ns)) {
      try {
        namespaces.createNamespace(ns);
      } catch (AlreadyExistsException e) {
        // another build created it first
      }
    }
    try {
      return catalog.loadTable(id());
    } catch (NoSuchTableException e) {
      try {
        return catalog.createTable(
            id(),
            SparkSchemaUtil.convert(schema),
            PartitionSpec.unpartitioned(),
            new LinkedHashMap<>(TABLE_PROPERTIES));
      } catch (AlreadyExistsException raced) {
        return catalog.loadTable(id());
      }
    }
  }

  /**
   * The staged snapshot's rows, for checks before publishing, in about two splits per core. With
   * Iceberg's default split size (128 MiB) the few files of a build combine into fewer splits than
   * cores (3 tasks on 2 cores for 2M rows), so that a core idles through the checks. A small
   * snapshot (splits under {@link #MIN_SPLIT}) is read as Iceberg plans it.
   */
  public Dataset<Row> read(StagedVersion staged) {
    var reader = spark.read().option("versionAsOf", String.valueOf(staged.snapshotId()));
    long bytes = parseLong(staged.summary().get("total-files-size"));
    long split = bytes / (2L * spark.sparkContext().defaultParallelism());
    if (split >= MIN_SPLIT && split < DEFAULT_SPLIT) {
      reader = reader.option("split-size", String.valueOf(split));
    }
    return reader.table(staged.table());
  }

  /** The smallest split {@link #read} asks for: below it, tasks cost more than they share out. */
  private static final long MIN_SPLIT = 8L << 20;

  /** Iceberg's default {@code read.split.target-size}. */
  private static final long DEFAULT_SPLIT = 128L << 20;

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Makes a staged version visible: in one metadata commit, {@code main} moves to its snapshot, the
   * tag is created, the audit branch is removed and the version's content checksum is recorded as
   * table property {@link #CHECKSUM_PROPERTY}{@code <tag>}.
   *
   * @throws VersionExistsException when another build published {@code tag} meanwhile; this build's
   *     audit branch is then removed and nothing of it is visible
   */
  public PublishedVersion publish(StagedVersion staged, String tag, String checksum) {
    retrying(
        table -> {
          requireUnpublished(table, staged, tag);
          var txn = table.newTransaction();
          var update = txn.manageSnapshots();
          if (table.refs().containsKey(SnapshotRef.MAIN_BRANCH)) {
            update = update.replaceBranch(SnapshotRef.MAIN_BRANCH, staged.snapshotId());
          } else {
            update = update.createBranch(SnapshotRef.MAIN_BRANCH, staged.snapshotId());
          }
          update.createTag(tag, staged.snapshotId()).removeBranch(staged.branch()).commit();
          txn.updateProperties().set(CHECKSUM_PROPERTY + tag, checksum).commit();
          txn.commitTransaction();
        });
    return new PublishedVersion(staged.table(), tag, staged.snapshotId());
  }

  /**
   * Runs {@code commit} on freshly loaded metadata until it commits. Iceberg 1.12 does not retry a
   * snapshot-reference change after a conflicting commit (it fails with "Table metadata refresh is
   * required"), so concurrent builds retry here, re-reading the table each time.
   */
  private void retrying(java.util.function.Consumer<Table> commit) {
    for (int attempt = 1; ; attempt++) {
      Table table = catalog().loadTable(id());
      String loaded = metadataLocation(table);
      try {
        commit.accept(table);
        return;
      } catch (org.apache.iceberg.exceptions.CommitFailedException e) {
        if (attempt >= COMMIT_ATTEMPTS) {
          throw e;
        }
      } catch (IllegalArgumentException e) {
        // After a conflict Iceberg re-applies the ref changes to the metadata that won; a ref that
        // appeared or vanished there ("Branch does not exist: main") fails that way. Decide again
        // on fresh metadata, unless nothing changed: then the error is ours.
        if (attempt >= COMMIT_ATTEMPTS
            || loaded.equals(metadataLocation(catalog().loadTable(id())))) {
          throw e;
        }
      }
      sleep(Math.min(2000L, 25L * attempt * attempt));
    }
  }

  private static String metadataLocation(Table table) {
    return ((HasTableOperations) table).operations().current().metadataFileLocation();
  }

  private static final int COMMIT_ATTEMPTS = 20;

  /** Fails, removing this build's branch, when another build published {@code tag} already. */
  private void requireUnpublished(Table table, StagedVersion staged, String tag) {
    SnapshotRef winner = table.refs().get(tag);
    if (winner == null || winner.snapshotId() == staged.snapshotId()) {
      return;
    }
    removeBranch(staged.branch());
    throw new VersionExistsException(
        "Cannot publish '"
            + staged.summary().getOrDefault(PREFIX + "dataset", staged.table())
            + "' "
            + tag
            + ": the version was published by another build meanwhile (snapshot "
            + winner.snapshotId()
            + "); this build's snapshot "
            + staged.snapshotId()
            + " was not published and its branch was removed (read the published version, or set"
            + " dataset.version to a new version)");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while publishing", e);
    }
  }

  /** Removes {@code branch} if it still exists; its snapshot goes with the next expiry. */
  public void removeBranch(String branch) {
    retrying(
        table -> {
          if (table.refs().containsKey(branch)) {
            table.manageSnapshots().removeBranch(branch).commit();
          }
        });
  }

  /** Writes a small text file through the table's IO (local disk, S3). */
  public void writeText(String location, String text) {
    try (var out = io().newOutputFile(location).createOrOverwrite()) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot write " + location, e);
    }
  }

  /** Reads a text file written by {@link #writeText}, or null when it does not exist. */
  public String readText(String location) {
    var in = io().newInputFile(location);
    if (!in.exists()) {
      return null;
    }
    try (var stream = in.newStream()) {
      return new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + location, e);
    }
  }
}
