package dev.trainforge.source;

import static java.util.Objects.requireNonNull;

import dev.trainforge.InputMissingException;
import dev.trainforge.InvalidInputException;
import dev.trainforge.config.SourceLocation;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Opens a source lazily: checks that it exists, pins it (see {@link InputPin}) and reads its
 * schema, without reading rows. Parquet directories are read as the pinned file listing, with
 * partition discovery (so an event-date partition column appears as a column); Delta tables by path
 * at the pinned version; Iceberg tables by name at the pinned snapshot.
 */
public final class SourceReader {
  private final SparkSession spark;
  private final String dataset;

  /**
   * @param spark the session
   * @param dataset the dataset being built, for messages
   */
  public SourceReader(SparkSession spark, String dataset) {
    this.spark = spark;
    this.dataset = dataset;
  }

  /**
   * The source's rows, unread, and what they were pinned to.
   *
   * @param rows the rows, read through the pin
   * @param pin the resolved input
   * @param reading how a Delta table's version is read (as its Parquet files, or by Delta's reader
   *     and why), for the build's log; empty for other formats
   */
  public record Opened(Dataset<Row> rows, InputPin pin, Optional<String> reading) {
    public Opened {
      requireNonNull(rows, "rows is null");
      requireNonNull(pin, "pin is null");
      requireNonNull(reading, "reading is null");
    }

    Opened(Dataset<Row> rows, InputPin pin) {
      this(rows, pin, Optional.empty());
    }
  }

  /**
   * Resolves the source to a pin (Iceberg snapshot, Delta version, Parquet file listing) and opens
   * its rows through that pin, so that later commits to the source change nothing this build reads.
   * Costs a metadata read (Iceberg: the table's metadata; Delta: a listing of its log, and its
   * protocol and metadata) or a recursive listing and one footer, for the schema (Parquet); no data
   * is read, and no Spark job runs.
   *
   * @param location where it is
   * @param what how messages name it, e.g. "label source" or "feature source 'user'"
   * @param configKey the key that sets its location, for messages
   * @param role the input's role, {@link InputPin#LABELS} or {@link InputPin#feature}
   * @param recorded a pin recorded by an earlier build to read instead of the current state, or
   *     null
   * @throws InputMissingException when the path or table does not exist, or the recorded pin's data
   *     is gone
   */
  public Opened open(
      SourceLocation location, String what, String configKey, String role, InputPin recorded) {
    InputPins pins = new InputPins(spark, dataset);
    switch (location.format()) {
      case PARQUET -> {
        requirePath(location, what, configKey, location.location());
        InputPin pin =
            recorded != null
                ? pins.checkParquet(recorded, what)
                : pins.parquet(role, location.location());
        if (pin.files().isEmpty()) {
          throw new InputMissingException(
              prefix()
                  + what
                  + " path '"
                  + location.location()
                  + "' has no data files (an empty directory: land the data, or set "
                  + configKey
                  + ")");
        }
        String named = what + " (" + location + ")";
        // The schema Spark would infer, from the footer it would read, without its job.
        StructType schema = parquetFooters().dataSchema(pin, named);
        try {
          return new Opened(pins.readParquet(pin, schema), pin);
        } catch (Exception e) { // Spark's own exceptions are checked ones, thrown unchecked
          // Name an unreadable file (exit 4) rather than Spark's error about it.
          parquetFooters()
              .check(pin, f -> true, named, java.util.Map.of(), "the files must share one schema");
          throw e;
        }
      }
      case DELTA -> {
        requirePath(location, what, configKey, location.location() + "/_delta_log");
        InputPin pin = recorded != null ? recorded : pins.delta(role, location.location(), what);
        DeltaFiles files = pins.deltaFiles(pin);
        return new Opened(
            pins.readDelta(pin, what, files), pin, Optional.of(files.describe(pin.pin())));
      }
      case ICEBERG -> {
        if (!spark.catalog().tableExists(location.location())) {
          throw new InputMissingException(
              prefix()
                  + what
                  + " table '"
                  + location.location()
                  + "' does not exist (set "
                  + configKey
                  + " to an existing table, catalog.namespace.table)");
        }
        InputPin pin = recorded != null ? recorded : pins.iceberg(role, location.location());
        return new Opened(pins.readIceberg(pin, what), pin);
      }
      default -> throw new IllegalStateException("unknown format " + location.format());
    }
  }

  private void requirePath(SourceLocation location, String what, String configKey, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path p = new Path(path);
    boolean exists;
    String relativeTo = "";
    try {
      FileSystem fs = p.getFileSystem(conf);
      exists = fs.exists(p);
      if (!exists && !p.isAbsolute() && p.toUri().getScheme() == null) {
        relativeTo =
            "; a relative path is read from the working directory '"
                + fs.getWorkingDirectory().toUri().getPath()
                + "', as '"
                + fs.makeQualified(p).toUri().getPath()
                + "'";
      }
    } catch (IOException e) {
      throw new InputMissingException(
          prefix() + what + " path '" + path + "' cannot be checked: " + e.getMessage());
    }
    if (!exists) {
      String kind = location.format().configName();
      throw new InputMissingException(
          prefix()
              + what
              + " path '"
              + location.location()
              + "' "
              + (path.equals(location.location())
                  ? "does not exist"
                  : "is not a " + kind + " table")
              + " (set "
              + configKey
              + relativeTo
              + ")");
    }
  }

  /** Checks Parquet files from their footers, with this reader's message prefix. */
  ParquetFooters parquetFooters() {
    return new ParquetFooters(spark, prefix());
  }

  /** The message prefix: {@code Cannot build 'dataset': }. */
  String prefix() {
    return "Cannot build '" + dataset + "': ";
  }

  /**
   * The field {@code column} of {@code schema}.
   *
   * @throws InvalidInputException naming the source, the column, the key to set and the columns
   *     there are
   */
  StructField field(StructType schema, String column, String what, String configKey) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f;
      }
    }
    throw new InvalidInputException(
        prefix()
            + what
            + " has no column '"
            + column
            + "' (set "
            + configKey
            + "; its columns are: "
            + String.join(", ", Arrays.asList(schema.fieldNames()))
            + ")");
  }

  DataType type(StructType schema, String column, String what, String configKey) {
    return field(schema, column, what, configKey).dataType();
  }
}
