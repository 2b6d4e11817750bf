package dev.trainforge.source;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainforge.InputMissingException;
import dev.trainforge.config.SourceFormat;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;

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
    Snapshot s = t.currentSnapshot();
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
   */
  InputPin delta(String role, String path) {
    DeltaTable table = DeltaTable.forPath(spark, path);
    Row last = table.history(1).select("version", "timestamp").first();
    Map<String, String> props = table.detail().select("properties").first().getJavaMap(0);
    String deleted = props.getOrDefault(DELTA_DELETED, DELTA_DELETED_DEFAULT);
    String log = props.getOrDefault(DELTA_LOG, DELTA_LOG_DEFAULT);
    Instant at = last.getTimestamp(1).toInstant();
    Duration keep = min(interval(deleted), interval(log));
    return new InputPin(
        role,
        SourceFormat.DELTA,
        path,
        String.valueOf(last.getLong(0)),
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
    Path root = new Path(dir);
    List<InputPin.FileEntry> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      String base = fs.makeQualified(root).toUri().getPath();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        FileStatus f = it.next();
        String full = f.getPath().toUri().getPath();
        // A source that is one file lists as itself, with an empty relative path.
        String relative = full.substring(base.length()).replaceFirst("^/+", "");
        if (isDataFile(relative)) {
          files.add(new InputPin.FileEntry(relative, f.getLen(), f.getModificationTime()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
    files.sort(Comparator.comparing(InputPin.FileEntry::path));
    return files;
  }

  /** As Spark's file index: no hidden files, no metadata files, no hidden directories. */
  private static boolean isDataFile(String relative) {
    for (String segment : relative.split("/")) {
      if (segment.startsWith(".")
          || (segment.startsWith("_") && !segment.contains("="))
          || segment.endsWith("._COPYING_")) {
        return false;
      }
    }
    return true;
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Exactly the listed files, with partition discovery from the source directory. */
  Dataset<Row> readParquet(InputPin pin) {
    if (pin.files().isEmpty()) {
      // Spark's own error for an empty directory, as before pins.
      return spark.read().parquet(pin.location());
    }
    if (pin.files().size() == 1 && pin.files().get(0).path().isEmpty()) {
      return spark.read().parquet(pin.location());
    }
    String base = pin.location().endsWith("/") ? pin.location() : pin.location() + "/";
    String[] paths = pin.files().stream().map(f -> base + f.path()).toArray(String[]::new);
    return spark.read().option("basePath", pin.location()).parquet(paths);
  }

  Dataset<Row> readDelta(InputPin pin, String what) {
    try {
      return spark.read().format("delta").option("versionAsOf", pin.pin()).load(pin.location());
    } catch (RuntimeException e) {
      throw gone(pin, what, e);
    }
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

  // ---- recording ----------------------------------------------------------------------------

  /** The Parquet listing manifest: one {@link InputPin.FileEntry#line()} per file, sorted. */
  public static String manifest(List<InputPin.FileEntry> files) {
    StringBuilder sb = new StringBuilder();
    for (InputPin.FileEntry f : files) {
      sb.append(f.line()).append('\n');
    }
    return sb.toString();
  }

  /** {@code sha256:<hex>} of the manifest: the pin of a Parquet listing. */
  public static String fingerprint(List<InputPin.FileEntry> files) {
    return "sha256:" + sha256(manifest(files));
  }

  /** Parses a manifest, checking that it is the listing {@code pin} names. */
  public static List<InputPin.FileEntry> parseManifest(String text, String pin) {
    if (!pin.equals("sha256:" + sha256(text))) {
      throw new IllegalStateException("The file listing manifest does not hash to " + pin);
    }
    List<InputPin.FileEntry> files = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        files.add(InputPin.FileEntry.parse(line));
      }
    }
    return files;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The pins as canonical JSON (sorted keys, inputs by role, no whitespace): per input its role,
   * format, location, pin, Parquet file count, commit time, and until when retention keeps it.
   */
  public static String toJson(List<InputPin> pins) {
    return toJson(pins, Map.of());
  }

  /**
   * Like {@link #toJson(List)}, with each input's absolute URI ({@code uri}, from {@code uris} by
   * role) beside its location as configured.
   */
  public static String toJson(List<InputPin> pins, Map<String, String> uris) {
    List<Map<String, Object>> out = new ArrayList<>();
    pins.stream()
        .sorted(Comparator.comparing(InputPin::role))
        .forEach(
            p -> {
              Map<String, Object> m = new TreeMap<>();
              m.put("role", p.role());
              m.put("format", p.format().configName());
              m.put("location", p.location());
              if (uris.containsKey(p.role())) {
                m.put("uri", uris.get(p.role()));
              }
              m.put("pin", p.pin());
              if (p.format() == SourceFormat.PARQUET) {
                m.put("files", p.files().size());
              }
              m.put("committed-at", p.committedAt().map(Instant::toString).orElse(null));
              m.put("rebuildable-until", p.rebuildableUntil().map(Instant::toString).orElse(null));
              m.put("retention", p.retention());
              out.add(m);
            });
    try {
      return new ObjectMapper()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render input pins", e);
    }
  }

  /**
   * Recorded pins by role, without their Parquet file lists (see {@link #parseManifest}).
   *
   * @param json a {@code trainforge.inputs} value
   */
  public static Map<String, InputPin> fromJson(String json) {
    Map<String, InputPin> pins = new LinkedHashMap<>();
    try {
      for (JsonNode n : new ObjectMapper().readTree(json)) {
        String role = n.get("role").asText();
        pins.put(
            role,
            new InputPin(
                role,
                SourceFormat.valueOf(n.get("format").asText().toUpperCase(java.util.Locale.ROOT)),
                n.get("location").asText(),
                n.get("pin").asText(),
                List.of(),
                instant(n.get("committed-at")),
                instant(n.get("rebuildable-until")),
                n.path("retention").asText("")));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a trainforge.inputs value: " + e.getMessage(), e);
    }
    return pins;
  }

  private static Optional<Instant> instant(JsonNode n) {
    return n == null || n.isNull() ? Optional.empty() : Optional.of(Instant.parse(n.asText()));
  }

  /**
   * What differs between recorded pins and new ones, one phrase per input, e.g. {@code input
   * 'feature:user' (parquet path '/d') pin sha256:ab… (3 files) -> sha256:cd… (4 files)}; empty
   * when they are equal.
   */
  public static List<String> differences(Map<String, InputPin> recorded, List<InputPin> now) {
    List<String> out = new ArrayList<>();
    Map<String, InputPin> current = new TreeMap<>();
    now.forEach(p -> current.put(p.role(), p));
    for (InputPin p : current.values()) {
      InputPin old = recorded.get(p.role());
      if (old == null) {
        out.add("input '" + p.role() + "' is new");
      } else if (!old.format().equals(p.format()) || !old.location().equals(p.location())) {
        out.add(
            "input '"
                + p.role()
                + "' moved from "
                + old.format().configName()
                + " '"
                + old.location()
                + "' to "
                + p.format().configName()
                + " '"
                + p.location()
                + "'");
      } else if (!old.pin().equals(p.pin())) {
        out.add(
            "input '"
                + p.role()
                + "' ("
                + p.format().configName()
                + " '"
                + p.location()
                + "') pin "
                + old.pin()
                + " -> "
                + p.pin()
                + (p.format() == SourceFormat.PARQUET ? " (" + p.files().size() + " files)" : ""));
      }
    }
    for (String role : recorded.keySet()) {
      if (!current.containsKey(role)) {
        out.add("input '" + role + "' is gone");
      }
    }
    return out;
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
