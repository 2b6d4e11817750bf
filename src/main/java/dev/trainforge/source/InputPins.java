package dev.trainforge.source;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.trainforge.InputMissingException;
import dev.trainforge.config.SourceFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Resolves inputs to pins and reads them through their pins; renders and compares the pins a
 * version records ({@code trainforge.inputs}, canonical JSON).
 */
public final class InputPins {
  /** Iceberg's default snapshot expiry age: 5 days. */
  static final long ICEBERG_DEFAULT_MAX_AGE_MS = 5L * 24 * 3600 * 1000;

  static final String ICEBERG_MAX_AGE = "history.expire.max-snapshot-age-ms";
  static final String DELTA_DELETED = "delta.deletedFileRetentionDuration";
  static final String DELTA_LOG = "delta.logRetentionDuration";
  static final String DELTA_DELETED_DEFAULT = "interval 1 week";
  static final String DELTA_LOG_DEFAULT = "interval 30 days";

  private final SparkSession spark;
  private final String dataset;

  InputPins(SparkSession spark, String dataset) {
    this.spark = requireNonNull(spark, "spark is null");
    this.dataset = requireNonNull(dataset, "dataset is null");
  }

  // ---- resolving ----------------------------------------------------------------------------

  /** The table's current snapshot; it stays readable until snapshot expiry removes it. */
  InputPin iceberg(String role, String table) {
    Table t = icebergTable(table);
    org.apache.iceberg.Snapshot s = t.currentSnapshot();
    if (s == null) {
      return new InputPin(
          role,
          SourceFormat.ICEBERG,
          table,
          "empty",
          List.of(),
          Optional.empty(),
          Optional.empty(),
          "none: the table has no snapshot");
    }
    long maxAge =
        Long.parseLong(
            t.properties()
                .getOrDefault(ICEBERG_MAX_AGE, String.valueOf(ICEBERG_DEFAULT_MAX_AGE_MS)));
    Instant at = Instant.ofEpochMilli(s.timestampMillis());
    return new InputPin(
        role,
        SourceFormat.ICEBERG,
        table,
        String.valueOf(s.snapshotId()),
        List.of(),
        Optional.of(at),
        Optional.of(at.plusMillis(maxAge)),
        "Iceberg snapshot expiry: " + ICEBERG_MAX_AGE + "=" + maxAge);
  }

  /**
   * The table's current version; VACUUM may delete its files {@code
   * delta.deletedFileRetentionDuration} after a later commit removes them, and log cleanup forgets
   * it after {@code delta.logRetentionDuration}: the earlier of both, from its commit time, bounds
   * a rebuild.
   *
   * <p>Costs a listing of the table's log and, without a checksum file ({@code .crc}) for the
   * version, a read of its protocol and metadata: no Spark job, and no state reconstruction. The
   * version, its commit time (the commit file's modification time, or its in-commit timestamp, as
   * {@code DESCRIBE HISTORY} gives them) and its properties come from one snapshot, which Delta
   * keeps and which the read at this version ({@link #readDelta}) reuses. ({@code
   * DeltaTable.history(1)} and {@code detail()} ran a Spark job each, and {@code detail()} a full
   * state reconstruction for the file count it reports: five jobs, about 4 s on the sample.)
   *
   * @throws InputMissingException when the log has no commit yet
   */
  InputPin delta(String role, String path, String what) {
    Snapshot snapshot = DeltaLog.forTableWithSnapshot(spark, path)._2();
    if (snapshot.version() < 0) {
      throw new InputMissingException(
          String.format(
              "Cannot build '%s': %s path '%s' is not a delta table yet: its _delta_log has no"
                  + " commit (wait for its first commit, or point the config at another table)",
              dataset, what, path));
    }
    Map<String, String> props = CollectionConverters.asJava(snapshot.metadata().configuration());
    String deleted = props.getOrDefault(DELTA_DELETED, DELTA_DELETED_DEFAULT);
    String log = props.getOrDefault(DELTA_LOG, DELTA_LOG_DEFAULT);
    Instant at = Instant.ofEpochMilli(snapshot.timestamp());
    Duration keep = min(interval(deleted), interval(log));
    return new InputPin(
        role,
        SourceFormat.DELTA,
        path,
        String.valueOf(snapshot.version()),
        List.of(),
        Optional.of(at),
        keep == null ? Optional.empty() : Optional.of(at.plus(keep)),
        "Delta VACUUM and log cleanup: "
            + DELTA_DELETED
            + "="
            + deleted
            + ", "
            + DELTA_LOG
            + "="
            + log);
  }

  /** The listing of the directory's data files, fingerprinted; retention never removes them. */
  InputPin parquet(String role, String dir) {
    List<InputPin.FileEntry> files = list(dir);
    return new InputPin(
        role,
        SourceFormat.PARQUET,
        dir,
        fingerprint(files),
        files,
        Optional.empty(),
        Optional.empty(),
        "none: rebuildable while the listed files are unchanged");
  }

  /**
   * A recorded Parquet pin, checked against the files as they are now: each listed file must still
   * exist with its size and modification time. Files added since are not read.
   */
  InputPin checkParquet(InputPin recorded, String what) {
    Map<String, InputPin.FileEntry> now = new TreeMap<>();
    for (InputPin.FileEntry f : list(recorded.location())) {
      now.put(f.path(), f);
    }
    for (InputPin.FileEntry f : recorded.files()) {
      if (!f.equals(now.get(f.path()))) {
        throw new InputMissingException(
            "Cannot rebuild '"
                + dataset
                + "': "
                + what
                + " file '"
                + f.path()
                + "' of the pinned listing "
                + recorded.pin()
                + " is "
                + (now.containsKey(f.path()) ? "changed" : "gone")
                + " (the pinned data no longer exists; build a new version instead)");
      }
    }
    return recorded;
  }

  private List<InputPin.FileEntry> list(String dir) {
    return PinRecords.list(dir, spark.sparkContext().hadoopConfiguration());
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * Exactly the listed files, with partition discovery from the source directory, read with {@code
   * dataSchema} (the data columns, see {@link ParquetFooters#dataSchema}) so that Spark runs no job
   * to infer it.
   */
  Dataset<Row> readParquet(InputPin pin, StructType dataSchema) {
    if (pin.files().isEmpty()) {
      // Spark's own error for an empty directory, as before pins.
      return spark.read().parquet(pin.location());
    }
    if (pin.files().size() == 1 && pin.files().get(0).path().isEmpty()) {
      return spark.read().schema(dataSchema).parquet(pin.location());
    }
    String base = pin.location().endsWith("/") ? pin.location() : pin.location() + "/";
    String[] paths = pin.files().stream().map(f -> base + f.path()).toArray(String[]::new);
    return spark.read().schema(dataSchema).option("basePath", pin.location()).parquet(paths);
  }

  /**
   * The pinned version's data files when plain Parquet reads it exactly and Spark lists them on the
   * driver (see {@link DeltaFiles}), or why Delta's reader must read it.
   */
  DeltaFiles deltaFiles(InputPin pin) {
    return DeltaFiles.at(
        spark.sparkContext().hadoopConfiguration(),
        pin.location(),
        Long.parseLong(pin.pin()),
        driverListedPaths());
  }

  /**
   * The table at its pinned version: as the Parquet files its log lists when {@code files} holds
   * them (no Spark job), else through Delta's reader.
   */
  Dataset<Row> readDelta(InputPin pin, String what, DeltaFiles files) {
    if (files.readable()) {
      try {
        return readDeltaFiles(pin, files);
      } catch (Exception e) { // Spark's own exceptions are checked ones, thrown unchecked
        if (e instanceof AnalysisException a && "PATH_NOT_FOUND".equals(a.getCondition())) {
          // VACUUM removed a file the version lists: the version's data is gone.
          throw gone(pin, what, new IllegalStateException(a.getMessage(), a));
        }
        throw e;
      }
    }
    try {
      return spark.read().format("delta").option("versionAsOf", pin.pin()).load(pin.location());
    } catch (RuntimeException e) {
      throw gone(pin, what, e);
    }
  }

  /** The files as Parquet, with Delta's schema in Delta's column order. */
  private Dataset<Row> readDeltaFiles(InputPin pin, DeltaFiles files) {
    Dataset<Row> read =
        files.files().isEmpty()
            ? spark.createDataFrame(List.of(), files.schema())
            : spark
                .read()
                .schema(files.schema())
                .option("basePath", pin.location())
                .parquet(files.files().toArray(String[]::new));
    return read.select(
        files.columns().stream()
            .map(c -> col("`" + c.replace("`", "``") + "`"))
            .toArray(Column[]::new));
  }

  /** How many explicit paths Spark lists on the driver, without a listing job. */
  private int driverListedPaths() {
    return Integer.parseInt(
        spark.conf().get("spark.sql.sources.parallelPartitionDiscovery.threshold", "32"));
  }

  Dataset<Row> readIceberg(InputPin pin, String what) {
    if ("empty".equals(pin.pin())) {
      return spark.table(pin.location());
    }
    if (icebergTable(pin.location()).snapshot(Long.parseLong(pin.pin())) == null) {
      throw gone(pin, what, null);
    }
    return spark.read().option("versionAsOf", pin.pin()).table(pin.location());
  }

  private InputMissingException gone(InputPin pin, String what, RuntimeException cause) {
    InputMissingException e =
        new InputMissingException(
            "Cannot build '"
                + dataset
                + "': "
                + what
                + " has no "
                + (pin.format() == SourceFormat.DELTA ? "version " : "snapshot ")
                + pin.pin()
                + " any more ("
                + pin.retention()
                + "; build a new version instead)"
                + (cause == null ? "" : ": " + cause.getMessage()));
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private Table icebergTable(String name) {
    try {
      return Spark3Util.loadIcebergTable(spark, name);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot load Iceberg table '" + name + "': " + e, e);
    }
  }

  // ---- recording (see PinRecords) ------------------------------------------------------------

  /** See {@link PinRecords#manifest}. */
  public static String manifest(List<InputPin.FileEntry> files) {
    return PinRecords.manifest(files);
  }

  /** See {@link PinRecords#fingerprint}. */
  public static String fingerprint(List<InputPin.FileEntry> files) {
    return PinRecords.fingerprint(files);
  }

  /** See {@link PinRecords#parseManifest}. */
  public static List<InputPin.FileEntry> parseManifest(String text, String pin) {
    return PinRecords.parseManifest(text, pin);
  }

  /** See {@link PinRecords#toJson}. */
  public static String toJson(List<InputPin> pins) {
    return PinRecords.toJson(pins, Map.of());
  }

  /** See {@link PinRecords#toJson(List, Map)}. */
  public static String toJson(List<InputPin> pins, Map<String, String> uris) {
    return PinRecords.toJson(pins, uris);
  }

  /** See {@link PinRecords#fromJson}. */
  public static Map<String, InputPin> fromJson(String json) {
    return PinRecords.fromJson(json);
  }

  /** See {@link PinRecords#differences}. */
  public static List<String> differences(Map<String, InputPin> recorded, List<InputPin> now) {
    return PinRecords.differences(recorded, now);
  }

  private static Duration interval(String text) {
    CalendarInterval i = IntervalUtils.stringToInterval(UTF8String.fromString(text));
    if (i == null) {
      return null;
    }
    return Duration.ofDays(i.months * 30L + i.days).plus(Duration.ofNanos(i.microseconds * 1000));
  }

  private static Duration min(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }
}
