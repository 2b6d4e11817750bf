package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.OutputSpec;
import dev.trainforge.text.TextFiles;
import java.util.LinkedHashMap;
import java.util.List;
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
   * @param base the snapshot {@code main} pointed at when the branch was made, or null
   * @param baseSummary that snapshot's summary (empty without one)
   */
  public record AuditBranch(
      String table, String location, String branch, Long base, Map<String, String> baseSummary) {
    public AuditBranch {
      baseSummary = Map.copyOf(baseSummary);
    }
  }

  /**
   * Creates the table if missing and a fresh audit branch off {@code main}, kept for {@code
   * retention} after its last snapshot (Iceberg's max ref age: snapshot expiry removes it later).
   * {@code main} and the tags are untouched.
   */
  public AuditBranch openAuditBranch(StructType schema, String tag, java.time.Duration retention) {
    return openBranch(schema, "audit_", tag, retention, java.util.Optional.empty());
  }

  /**
   * Like {@link #openAuditBranch}; a table created here with {@code dayColumn} is partitioned by
   * the UTC day of that timestamp column, so that whole days can be replaced or dropped by a
   * metadata-only commit. An existing table must be partitioned so already.
   */
  public AuditBranch openAuditBranch(
      StructType schema,
      String tag,
      java.time.Duration retention,
      java.util.Optional<String> dayColumn) {
    return openBranch(schema, "audit_", tag, retention, dayColumn);
  }

  /**
   * Like {@link #openAuditBranch}, for a branch named {@code prefix + tag + "_" + random}, e.g. a
   * rebuild's side branch.
   */
  public AuditBranch openBranch(
      StructType schema, String prefix, String tag, java.time.Duration retention) {
    return openBranch(schema, prefix, tag, retention, java.util.Optional.empty());
  }

  private AuditBranch openBranch(
      StructType schema,
      String prefix,
      String tag,
      java.time.Duration retention,
      java.util.Optional<String> dayColumn) {
    Table table = createIfMissing(schema, dayColumn);
    dayColumn.ifPresent(column -> requireDayPartitions(table, column));
    String branch = prefix + tag + "_" + UUID.randomUUID().toString().substring(0, 8);
    // Branch off main, so that the overwrite below replaces main's rows and main is an ancestor;
    // on a new table Iceberg points the branch at an empty snapshot that main never sees.
    retrying(
        t ->
            t.manageSnapshots()
                .createBranch(branch)
                .setMaxRefAgeMs(branch, retention.toMillis())
                .commit());
    // Made off main's snapshot at that moment, when main existed (else off an empty snapshot).
    Table after = catalog().loadTable(id());
    Snapshot base =
        after.refs().containsKey(SnapshotRef.MAIN_BRANCH) ? after.snapshot(branch) : null;
    return new AuditBranch(
        output.qualifiedName(),
        table.location(),
        branch,
        base == null ? null : base.snapshotId(),
        base == null ? Map.of() : base.summary());
  }

  private void requireDayPartitions(Table table, String column) {
    boolean byDay =
        table.spec().fields().stream()
            .anyMatch(
                f ->
                    f.transform().toString().equals("day")
                        && column.equals(table.schema().findColumnName(f.sourceId())));
    if (!byDay) {
      throw new VersionStateException(
          String.format(
              "Cannot build a rolling version in %s: the table is partitioned by %s, not by the"
                  + " day of '%s', so days cannot be replaced or dropped alone (give the rolling"
                  + " dataset a table of its own with dataset.output.table)",
              output.qualifiedName(), table.spec().fields(), column));
    }
  }

  /**
   * Writes {@code rows} as one snapshot on the audit branch; {@code main} and the tags are
   * untouched.
   *
   * @param summary properties recorded in the snapshot summary, each under {@link #PREFIX}
   */
  public StagedVersion write(AuditBranch audit, Dataset<Row> rows, Map<String, String> summary)
      throws org.apache.spark.sql.catalyst.analysis.NoSuchTableException {
    return write(audit, rows, summary, functions.lit(true));
  }

  /**
   * Writes {@code rows} as one snapshot on the audit branch, replacing the branch's rows that match
   * {@code replaced} and keeping the others; {@code main} and the tags are untouched. On a table
   * partitioned by day, a condition on whole days is a metadata-only delete: kept rows are neither
   * read nor rewritten.
   */
  public StagedVersion write(
      AuditBranch audit,
      Dataset<Row> rows,
      Map<String, String> summary,
      org.apache.spark.sql.Column replaced)
      throws org.apache.spark.sql.catalyst.analysis.NoSuchTableException {
    evolveSchema(rows.schema());
    // The write goes through the branch identifier: DataFrameWriterV2 ignores a "branch" option.
    var writer =
        rows.writeTo(audit.table() + ".`branch_" + audit.branch() + "`")
            .option("mergeSchema", "true");
    for (Map.Entry<String, String> e : summary.entrySet()) {
      writer = writer.option("snapshot-property." + PREFIX + e.getKey(), e.getValue());
    }
    writer.overwrite(replaced);
    Table table = catalog().loadTable(id());
    Snapshot snapshot = table.snapshot(audit.branch());
    if (snapshot == null) {
      throw new IllegalStateException(
          "Iceberg did not create branch '" + audit.branch() + "' in " + audit.table());
    }
    return new StagedVersion(
        audit.table(), audit.branch(), snapshot.snapshotId(), snapshot.summary());
  }

  /**
   * Makes the table's schema hold {@code schema}'s columns, in its order, first: new columns are
   * added, existing ones moved; columns this build does not write stay, after them, and read as
   * null in its version. Older tags keep reading with the schema they were written with (Iceberg
   * reads a tag with its snapshot's schema). A build with an unchanged schema commits nothing.
   * Columns are never dropped here: {@code main} still points at the previous version until
   * publish, and must keep reading all of its columns.
   *
   * @throws VersionStateException when a column changes to a type Iceberg cannot promote to
   */
  private void evolveSchema(StructType schema) {
    Table table = catalog().loadTable(id());
    org.apache.iceberg.Schema wanted = SparkSchemaUtil.convert(schema);
    List<String> names = wanted.columns().stream().map(f -> f.name()).toList();
    List<String> current = table.schema().columns().stream().map(f -> f.name()).toList();
    boolean same =
        current.size() >= names.size()
            && current.subList(0, names.size()).equals(names)
            && names.stream()
                .allMatch(
                    n -> table.schema().findField(n).type().equals(wanted.findField(n).type()));
    if (same) {
      return;
    }
    try {
      var update = table.updateSchema().unionByNameWith(wanted);
      update.moveFirst(names.get(0));
      for (int i = 1; i < names.size(); i++) {
        update.moveAfter(names.get(i), names.get(i - 1));
      }
      update.commit();
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw new VersionStateException(
          String.format(
              "Cannot write this version to %s: its columns do not fit the table's (%s); a column"
                  + " may keep its type or widen (int to bigint, float to double) between"
                  + " versions (rename the column, or publish to another dataset.output.table)",
              output.qualifiedName(), e.getMessage()));
    }
  }

  /** The table's IO, for files kept beside it (reports). */
  public org.apache.iceberg.io.FileIO io() {
    return catalog().loadTable(id()).io();
  }

  private Table createIfMissing(StructType schema, java.util.Optional<String> dayColumn) {
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
        org.apache.iceberg.Schema icebergSchema = SparkSchemaUtil.convert(schema);
        PartitionSpec spec =
            dayColumn
                .map(c -> PartitionSpec.builderFor(icebergSchema).day(c).build())
                .orElse(PartitionSpec.unpartitioned());
        var create =
            catalog
                .buildTable(id(), icebergSchema)
                .withPartitionSpec(spec)
                .withProperties(new LinkedHashMap<>(TABLE_PROPERTIES))
                .createTransaction();
        java.util.Optional<Table> concurrent = tableCreatedMeanwhile(create.table().location());
        if (concurrent.isPresent()) {
          return concurrent.get();
        }
        create.commitTransaction();
        return catalog.loadTable(id());
      } catch (AlreadyExistsException raced) {
        return catalog.loadTable(id());
      }
    }
  }

  /** How long a build waits for a concurrent build's new table to reach the catalog. */
  private static final long CONCURRENT_CREATE_WAIT_MILLIS = 10_000;

  /**
   * Metadata at a new table's location is either a concurrent build creating the same table (it
   * writes the first metadata file, then tells the catalog) or a table this catalog lost. When only
   * a first metadata file is there, waits up to {@link #CONCURRENT_CREATE_WAIT_MILLIS} for the
   * catalog to learn the table before calling it lost.
   *
   * @return the table another build created meanwhile; empty when the location holds no metadata
   * @throws VersionStateException when the metadata there stays unknown to the catalog
   */
  private java.util.Optional<Table> tableCreatedMeanwhile(String location) {
    java.util.Optional<String> found = newestMetadata(location);
    if (found.isEmpty()) {
      return java.util.Optional.empty();
    }
    // A table being created has only its first metadata file; one with commits was lost for sure.
    boolean firstOnly = new org.apache.hadoop.fs.Path(found.get()).getName().startsWith("00000-");
    long deadline = firstOnly ? System.currentTimeMillis() + CONCURRENT_CREATE_WAIT_MILLIS : 0;
    while (System.currentTimeMillis() < deadline) {
      if (catalog().tableExists(id())) {
        return java.util.Optional.of(catalog().loadTable(id()));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    requireNoTableAt(location);
    return java.util.Optional.empty();
  }

  /**
   * A table's location is its identity: Iceberg metadata already there belongs to a table that this
   * catalog does not know (a lost or replaced catalog file), whose versions would vanish from every
   * listing if a new table were created over it.
   *
   * @throws VersionStateException naming the newest metadata file found and how to register it
   */
  private void requireNoTableAt(String location) {
    java.util.Optional<String> found = newestMetadata(location);
    if (found.isPresent()) {
      throw new VersionStateException(
          String.format(
              "Cannot create %s: its location %s already holds an Iceberg table (newest metadata"
                  + " %s) that this catalog does not know, probably because the catalog was lost"
                  + " or replaced; creating a new table there would hide every version it has"
                  + " (register it again: ./submit.sh register --config <dataset file>, or point"
                  + " trainforge.catalog.uri at the catalog that knew it)",
              output.qualifiedName(), location, found.get()));
    }
  }

  /** The newest {@code *.metadata.json} under {@code location/metadata}, if any. */
  public java.util.Optional<String> newestMetadata(String location) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(location, "metadata");
    try {
      org.apache.hadoop.fs.FileSystem fs =
          dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return java.util.Optional.empty();
      }
      return java.util.Arrays.stream(fs.listStatus(dir))
          .filter(f -> f.getPath().getName().endsWith(".metadata.json"))
          .max(
              java.util.Comparator.comparing(
                      (org.apache.hadoop.fs.FileStatus f) -> metadataVersion(f))
                  .thenComparing(org.apache.hadoop.fs.FileStatus::getModificationTime))
          .map(f -> f.getPath().toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /** The leading sequence number of a metadata file name ({@code 00012-<uuid>.metadata.json}). */
  private static long metadataVersion(org.apache.hadoop.fs.FileStatus f) {
    String name = f.getPath().getName();
    int dash = name.indexOf('-');
    try {
      return dash > 0 ? Long.parseLong(name.substring(0, dash)) : -1L;
    } catch (NumberFormatException e) {
      return -1L;
    }
  }

  /**
   * Registers the table whose newest metadata is at this dataset's default location in the catalog,
   * after a catalog was lost: every version (tag) it had is listed again.
   *
   * @return the metadata file registered
   * @throws VersionStateException when the table is known already or no metadata is there
   */
  public String register() {
    Catalog catalog = catalog();
    if (catalog.tableExists(id())) {
      throw new VersionStateException(
          String.format(
              "Cannot register %s: the catalog knows it already (at %s)",
              output.qualifiedName(), catalog.loadTable(id()).location()));
    }
    Namespace ns = Namespace.of(output.namespace());
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(ns)) {
      namespaces.createNamespace(ns);
    }
    String location =
        catalog
            .buildTable(
                id(),
                new org.apache.iceberg.Schema(
                    org.apache.iceberg.types.Types.NestedField.optional(
                        1, "x", org.apache.iceberg.types.Types.StringType.get())))
            .createTransaction()
            .table()
            .location();
    String metadata =
        newestMetadata(location)
            .orElseThrow(
                () ->
                    new VersionStateException(
                        String.format(
                            "Cannot register %s: no Iceberg metadata under %s/metadata (check"
                                + " trainforge.catalog.warehouse and dataset.output.*)",
                            output.qualifiedName(), location)));
    catalog.registerTable(id(), metadata);
    return metadata;
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
    return publish(staged, tag, checksum, java.util.Optional.empty());
  }

  /**
   * Like {@link #publish(StagedVersion, String, String)}; with {@code base}, only while {@code
   * main} still points at that snapshot (a rolling version keeps the days of the head it was made
   * on).
   *
   * @throws HeadMovedException when {@code main} moved since: nothing is published
   */
  public PublishedVersion publish(
      StagedVersion staged, String tag, String checksum, java.util.Optional<Long> base) {
    return publish(staged, tag, checksum, base, null);
  }

  /** Table property holding what the build of a version cost: this prefix, then the tag. */
  public static final String COST_PROPERTY = PREFIX + "cost.";

  /**
   * Like {@link #publish(StagedVersion, String, String, java.util.Optional)}, recording {@code
   * cost} (a one-line summary, or null) as table property {@link #COST_PROPERTY}{@code <tag>}
   * beside the checksum: the snapshot's summary is written before the work it would describe.
   */
  public PublishedVersion publish(
      StagedVersion staged,
      String tag,
      String checksum,
      java.util.Optional<Long> base,
      String cost) {
    retrying(
        table -> {
          requireUnpublished(table, staged, tag);
          base.ifPresent(b -> requireHead(table, staged, b));
          var txn = table.newTransaction();
          var update = txn.manageSnapshots();
          if (table.refs().containsKey(SnapshotRef.MAIN_BRANCH)) {
            update = update.replaceBranch(SnapshotRef.MAIN_BRANCH, staged.snapshotId());
          } else {
            update = update.createBranch(SnapshotRef.MAIN_BRANCH, staged.snapshotId());
          }
          update.createTag(tag, staged.snapshotId()).removeBranch(staged.branch()).commit();
          var properties =
              txn.updateProperties()
                  .set(CHECKSUM_PROPERTY + tag, checksum)
                  .remove(VersionCatalog.MAIN_MOVED);
          if (cost != null) {
            properties = properties.set(COST_PROPERTY + tag, cost);
          }
          properties.commit();
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

  private void requireHead(Table table, StagedVersion staged, long base) {
    Snapshot head = table.snapshot(SnapshotRef.MAIN_BRANCH);
    if (head != null && head.snapshotId() == base) {
      return;
    }
    removeBranch(staged.branch());
    throw new HeadMovedException(
        String.format(
            "Cannot publish '%s': another build moved main from snapshot %d to %s while this one"
                + " ran; this version was made on the old head and would drop the days the other"
                + " build published, so its branch was removed and nothing was published (run the"
                + " build again: it builds on the new head)",
            staged.summary().getOrDefault(PREFIX + "dataset", staged.table()),
            base,
            head == null ? "nothing" : String.valueOf(head.snapshotId())));
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
    TextFiles.write(io(), location, text);
  }

  /** Reads a text file written by {@link #writeText}, or null when it does not exist. */
  public String readText(String location) {
    return TextFiles.read(io(), location);
  }
}
