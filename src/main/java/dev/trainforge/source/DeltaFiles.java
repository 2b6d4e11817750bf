package dev.trainforge.source;

import static java.util.Objects.requireNonNull;

import io.delta.kernel.TableManager;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.actions.Protocol;
import io.delta.kernel.internal.snapshot.LogSegment;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Delta table's data files at one version, replayed from its log on the driver by Delta Kernel,
 * for a version that plain Parquet reads exactly: then a build reads those files as a Parquet
 * source, and Spark's Delta reader, whose state reconstruction is three to four Spark jobs (about 3
 * s of a small build's critical path on the sample), is not needed.
 *
 * <p>Plain Parquet reads a version exactly when its protocol has no reader feature that changes
 * what a file holds (column mapping, type widening, variant; deletion vectors only where a file has
 * one), when no column is a {@code char} or {@code varchar} (Spark pads those on read), and when
 * every file's directory names its partition values as its {@code add} action does, values that
 * Spark casts from the path as Delta does: strings, dates, integers and booleans, none null or
 * empty. Anything else, and any version Kernel cannot replay (its log cleaned up, say), is read by
 * Delta's own reader, and {@link #why} says why.
 *
 * <p>Cost: one listing of the log and a read of its newest checkpoint and the commits after it, on
 * the driver (the sample's pinning phase, which opens its four inputs, took 0.8 s with it and
 * 0.7-1.0 s without); no Spark job. Only tables of at most {@code maxFiles} files are replayed
 * (Spark lists as many explicit paths on the driver, one call each, without a job of its own); a
 * larger table, known from its checksum file or, without one, from the size of its log, keeps
 * Delta's distributed replay.
 *
 * @param files the data files' absolute paths, in the log's order; empty when {@link #why} is set
 * @param schema the version's schema, in Spark's form, as Delta's reader returns it; null when
 *     {@link #why} is set
 * @param why why Delta's own reader must read this version, or empty when the files can be read
 */
public record DeltaFiles(List<String> files, StructType schema, Optional<String> why) {
  /**
   * Reader features whose files plain Parquet reads as Delta does (deletion vectors: see above).
   */
  private static final Set<String> PLAIN_READER_FEATURES =
      Set.of("timestampNtz", "v2Checkpoint", "vacuumProtocolCheck", "deletionVectors");

  /** A log this large holds more files than a driver-side read is worth, whatever they are. */
  static final long LOG_BYTES_PER_FILE = 4096;

  private static final String CHAR_VARCHAR = "__CHAR_VARCHAR_TYPE_STRING";

  public DeltaFiles {
    files = List.copyOf(requireNonNull(files, "files is null"));
    requireNonNull(why, "why is null");
    if (why.isEmpty()) {
      requireNonNull(schema, "schema is null");
    } else if (!files.isEmpty()) {
      throw new IllegalArgumentException("files of a version Delta's reader must read");
    }
  }

  /** Whether the files can be read as Parquet. */
  public boolean readable() {
    return why.isEmpty();
  }

  private static DeltaFiles deltaReader(String why) {
    return new DeltaFiles(List.of(), null, Optional.of(why));
  }

  /**
   * The files of {@code path}'s version {@code version}, or why Delta's reader must read it.
   *
   * @param maxFiles the most files a version may have to be read as Parquet
   */
  public static DeltaFiles at(Configuration conf, String path, long version, int maxFiles) {
    Engine engine = DefaultEngine.create(conf);
    SnapshotImpl snapshot;
    try {
      snapshot = (SnapshotImpl) TableManager.loadSnapshot(path).atVersion(version).build(engine);
    } catch (RuntimeException e) { // Delta's reader names what is wrong, as it always did
      return deltaReader("Delta Kernel cannot load version " + version + ": " + e.getMessage());
    }
    Optional<String> unlike = unlikePlainParquet(snapshot, maxFiles);
    if (unlike.isPresent()) {
      return deltaReader(unlike.get());
    }
    StructType schema = (StructType) DataType.fromJson(snapshot.getMetadata().getSchemaString());
    List<String> partitionColumns = snapshot.getPartitionColumnNames();
    for (String column : partitionColumns) {
      DataType type = schema.apply(column).dataType();
      if (!pathCastable(type)) {
        return deltaReader(
            "partition column '" + column + "' is a " + type.sql() + ", which a path may not cast");
      }
    }
    String root = snapshot.getDataPath().toString();
    root = root.endsWith("/") ? root : root + "/";
    List<String> files = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches =
        snapshot.getScanBuilder().build().getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            Row row = rows.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(row);
            if (InternalScanFileUtils.getDeletionVectorDescriptorFromRow(row) != null) {
              return deltaReader("file '" + file.getPath() + "' has a deletion vector");
            }
            Optional<String> mismatch =
                pathMismatch(
                    file.getPath(),
                    root,
                    partitionColumns,
                    InternalScanFileUtils.getPartitionValues(row));
            if (mismatch.isPresent()) {
              return deltaReader(mismatch.get());
            }
            if (files.size() == maxFiles) {
              return deltaReader("it has more than " + maxFiles + " files");
            }
            files.add(file.getPath());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return deltaReader("Delta Kernel cannot replay version " + version + ": " + e.getMessage());
    }
    return new DeltaFiles(files, schema, Optional.empty());
  }

  /** Why the version's protocol, schema or size asks for Delta's own reader, if it does. */
  private static Optional<String> unlikePlainParquet(SnapshotImpl snapshot, int maxFiles) {
    Protocol protocol = snapshot.getProtocol();
    if (protocol.getMinReaderVersion() == 2) {
      return Optional.of("its reader version 2 maps column names");
    }
    if (protocol.getMinReaderVersion() > 3) {
      return Optional.of("its reader version is " + protocol.getMinReaderVersion());
    }
    for (String feature : protocol.getReaderFeatures()) {
      if (!PLAIN_READER_FEATURES.contains(feature)) {
        return Optional.of("it has the reader feature " + feature);
      }
    }
    if (snapshot.getMetadata().getSchemaString().contains(CHAR_VARCHAR)) {
      return Optional.of("it has a char or varchar column");
    }
    Optional<Long> known = snapshot.getCurrentCrcInfo().map(c -> c.getNumFiles());
    if (known.isPresent() && known.get() > maxFiles) {
      return Optional.of("it has " + known.get() + " files, more than " + maxFiles);
    }
    if (known.isEmpty() && logBytes(snapshot.getLogSegment()) > maxFiles * LOG_BYTES_PER_FILE) {
      return Optional.of("its log is larger than " + maxFiles * LOG_BYTES_PER_FILE + " bytes");
    }
    return Optional.empty();
  }

  private static long logBytes(LogSegment segment) {
    long bytes = 0;
    for (FileStatus f : segment.getCheckpoints()) {
      bytes += f.getSize();
    }
    for (FileStatus f : segment.getDeltas()) {
      bytes += f.getSize();
    }
    return bytes;
  }

  /** Types Spark casts from a partition directory's value as Delta reads the log's value. */
  private static boolean pathCastable(DataType type) {
    return type.equals(DataTypes.StringType)
        || type.equals(DataTypes.DateType)
        || type.equals(DataTypes.BooleanType)
        || type.equals(DataTypes.ByteType)
        || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.LongType);
  }

  /**
   * Why the file's directories below the table's root do not name its partition values exactly, in
   * the partition columns' order, as Spark reads them from a path, if they do not.
   */
  static Optional<String> pathMismatch(
      String file, String root, List<String> columns, Map<String, String> values) {
    if (!file.startsWith(root)) {
      return Optional.of("file '" + file + "' is outside the table's directory");
    }
    String[] segments = file.substring(root.length()).split("/", -1);
    if (segments.length != columns.size() + 1) {
      return Optional.of(
          "file '" + file + "' is not in one directory per partition column " + columns);
    }
    for (int i = 0; i < columns.size(); i++) {
      String value = values.get(columns.get(i));
      String segment = segments[i];
      int eq = segment.indexOf('=');
      if (value == null
          || value.isEmpty()
          || eq < 0
          || !ExternalCatalogUtils.unescapePathName(segment.substring(0, eq)).equals(columns.get(i))
          || !ExternalCatalogUtils.unescapePathName(segment.substring(eq + 1)).equals(value)) {
        return Optional.of(
            "file '"
                + file
                + "' has partition value "
                + (value == null ? "null" : "'" + value + "'")
                + " of '"
                + columns.get(i)
                + "', which its directory '"
                + segment
                + "' does not name");
      }
    }
    return Optional.empty();
  }

  /** How the version is read, for the build's log. */
  public String describe(String version) {
    return why.isEmpty()
        ? String.format("Delta version %s read as its %d Parquet files", version, files.size())
        : String.format("Delta version %s read by Delta's reader, as %s", version, why.get());
  }

  /** The schema's fields, for a reader that must return them in this order. */
  public List<String> columns() {
    return List.of(schema.fieldNames());
  }
}
