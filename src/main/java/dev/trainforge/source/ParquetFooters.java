package dev.trainforge.source;

import static java.util.Objects.requireNonNull;
import static org.apache.parquet.format.converter.ParquetMetadataConverter.NO_FILTER;
import static org.apache.parquet.format.converter.ParquetMetadataConverter.SKIP_ROW_GROUPS;

import dev.trainforge.InputMissingException;
import dev.trainforge.InvalidInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.format.converter.ParquetMetadataConverter.MetadataFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the files of a Parquet pin before any job reads them, from their footers alone (one small
 * read at the end of each file, no Spark job): each file must be a readable Parquet file, and have
 * every column the build needs, of the type the build planned with. Spark infers a Parquet
 * directory's schema from one file, so without this a file that lacks a column reads as nulls, and
 * a truncated file or a file of another type fails a task deep in the join.
 *
 * <p>A file that cannot be read (empty, truncated, not Parquet) gives exit code 4: its data is not
 * (yet) there, and a rewrite upstream makes the same build succeed. A missing column or another
 * type gives exit code 2, as a column missing from the schema does: the data is not what the config
 * says.
 */
final class ParquetFooters {
  private static final int THREADS = 8;

  /** Spark reads timestamps from 1900 on as written (1900-01-01T00:00:00Z, in microseconds). */
  private static final long EARLIEST_AS_WRITTEN = -2_208_988_800_000_000L;

  private final SparkSession spark;
  private final String prefix;

  /**
   * @param spark the session, for the Hadoop configuration and Spark's Parquet type mapping
   * @param prefix the message prefix, {@code Cannot build 'dataset': }
   */
  ParquetFooters(SparkSession spark, String prefix) {
    this.spark = requireNonNull(spark, "spark is null");
    this.prefix = requireNonNull(prefix, "prefix is null");
  }

  /** One file's schema in Spark's types and its metadata, or why it could not be read. */
  private record Footer(String file, StructType schema, ParquetMetadata meta, String unreadable) {}

  /**
   * What the statistics of every row group say of one column.
   *
   * @param nulls the column's null values
   * @param minMicros its least non-null value in microseconds since the epoch (a timestamp column
   *     only), null without one
   * @param maxMicros its greatest, likewise
   */
  record ColumnStats(long nulls, Long minMicros, Long maxMicros) {}

  /**
   * What the footers of a pin's files say of some of its columns, without reading a row.
   *
   * @param rows the files' rows
   * @param columns by column name, as asked
   */
  record Summary(long rows, Map<String, ColumnStats> columns) {
    Summary {
      columns = Map.copyOf(columns);
    }
  }

  /**
   * Reads the footer of each of {@code pin}'s files that {@code read} accepts (by relative path),
   * and checks it has every column of {@code needed} with its type.
   *
   * @param what how messages name the source, e.g. "feature source 'user' (parquet path '...')"
   * @param needed column name to the type the build planned with (from the inferred schema)
   * @param fix what to do about a file with another schema, for the message
   * @throws InputMissingException naming the first unreadable file (exit code 4)
   * @throws InvalidInputException naming the first file, column, expected and found type (exit 2)
   */
  void check(
      InputPin pin, Predicate<String> read, String what, Map<String, DataType> needed, String fix) {
    List<InputPin.FileEntry> files = new ArrayList<>();
    for (InputPin.FileEntry f : pin.files()) {
      if (read.test(f.path())) {
        files.add(f);
      }
    }
    checked(footers(pin, files, SKIP_ROW_GROUPS), what, needed, fix);
  }

  /**
   * Checks every file of {@code pin} as {@link #check} does, and sums what the statistics of their
   * row groups say of {@code counted} (null counts) and of {@code time} (null count and range):
   * what a scan of those columns would count, at the cost of reading the row groups' metadata with
   * each footer. Empty when a file does not say it all: a row group without a column's null count,
   * a column read from the directory names, a time column that is not a UTC-adjusted Parquet
   * timestamp in micro- or milliseconds (an {@code INT96} has no usable range), or a time before
   * 1900 (whose value Spark may rebase from the hybrid calendar when it reads it).
   */
  Optional<Summary> checkAndSummarize(
      InputPin pin,
      String what,
      Map<String, DataType> needed,
      String fix,
      List<String> counted,
      String time) {
    List<Footer> footers = footers(pin, pin.files(), NO_FILTER);
    checked(footers, what, needed, fix);
    long rows = 0;
    Map<String, long[]> nulls = new LinkedHashMap<>();
    for (String c : counted) {
      nulls.put(c, new long[1]);
    }
    nulls.put(time, new long[1]);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Footer footer : footers) {
      for (BlockMetaData block : footer.meta().getBlocks()) {
        rows += block.getRowCount();
        for (Map.Entry<String, long[]> e : nulls.entrySet()) {
          Statistics<?> stats = statistics(block, e.getKey());
          if (stats == null || !stats.isNumNullsSet()) {
            return Optional.empty();
          }
          e.getValue()[0] += stats.getNumNulls();
        }
        Statistics<?> t = statistics(block, time);
        if (t.hasNonNullValue()) {
          Long unit = microsPerUnit(t.type());
          if (unit == null) {
            return Optional.empty();
          }
          min = Math.min(min, Math.multiplyExact((Long) t.genericGetMin(), unit));
          max = Math.max(max, Math.multiplyExact((Long) t.genericGetMax(), unit));
        } else if (t.getNumNulls() != block.getRowCount()) {
          return Optional.empty();
        }
      }
    }
    boolean timed = min <= max;
    if (timed && min < EARLIEST_AS_WRITTEN) {
      return Optional.empty();
    }
    Map<String, ColumnStats> columns = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : nulls.entrySet()) {
      boolean isTime = e.getKey().equals(time);
      columns.put(
          e.getKey(),
          new ColumnStats(
              e.getValue()[0], isTime && timed ? min : null, isTime && timed ? max : null));
    }
    return Optional.of(new Summary(rows, columns));
  }

  /** The statistics of {@code column}'s chunk in {@code block}, by name as Spark matches it. */
  private static Statistics<?> statistics(BlockMetaData block, String column) {
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      String[] path = chunk.getPath().toArray();
      if (path.length == 1 && path[0].equalsIgnoreCase(column)) {
        return chunk.getStatistics();
      }
    }
    return null;
  }

  /**
   * Microseconds per unit of a Parquet timestamp that Spark reads as it is written (64 bits, UTC,
   * micro- or milliseconds); null for any other type.
   */
  private static Long microsPerUnit(PrimitiveType type) {
    if (type.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64
        || !(type.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts)
        || !ts.isAdjustedToUTC()) {
      return null;
    }
    return switch (ts.getUnit()) {
      case MICROS -> 1L;
      case MILLIS -> 1_000L;
      default -> null;
    };
  }

  /** Checks each of {@code footers} as {@link #check} says. */
  private void checked(
      List<Footer> footers, String what, Map<String, DataType> needed, String fix) {
    for (Footer footer : footers) {
      requireReadable(footer, what);
      // Partition columns come from the directory names (event_date=...), not from the file.
      Set<String> fromPath = partitionColumns(footer.file());
      Map<String, StructField> columns = new LinkedHashMap<>();
      for (StructField f : footer.schema().fields()) {
        columns.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f);
      }
      for (Map.Entry<String, DataType> e : needed.entrySet()) {
        if (fromPath.contains(e.getKey().toLowerCase(Locale.ROOT))) {
          continue;
        }
        StructField found = columns.get(e.getKey().toLowerCase(Locale.ROOT));
        DataType expected = e.getValue();
        if (found == null) {
          throw new InvalidInputException(
              prefix
                  + what
                  + " file '"
                  + footer.file()
                  + "' has no column '"
                  + e.getKey()
                  + "' (expected "
                  + expected.simpleString()
                  + " as in the other files; its columns are: "
                  + String.join(", ", footer.schema().fieldNames())
                  + ") ("
                  + fix
                  + ")");
        }
        if (!readableAs(found.dataType(), expected)) {
          throw new InvalidInputException(
              prefix
                  + what
                  + " file '"
                  + footer.file()
                  + "' column '"
                  + e.getKey()
                  + "' is "
                  + found.dataType().simpleString()
                  + ", expected "
                  + expected.simpleString()
                  + " as in the other files ("
                  + fix
                  + ")");
        }
      }
    }
  }

  /**
   * The schema of the data columns Spark infers for {@code pin}'s files when it is given none,
   * without the Spark job in which Spark reads the footer it infers from: as Spark does, the first
   * file by path, its schema as a Spark writer stored it in the footer or else its Parquet schema
   * in Spark's types (Spark's own conversion, with the session's settings); less the columns that
   * the files' directories name ({@code column=value}), which Spark infers from the paths as
   * before. A read given this schema has the columns and types of a read without one, except that a
   * column both in the files and in the directory names comes last rather than in its place in the
   * file. Costs one footer read, on the driver.
   *
   * @param what how messages name the source, e.g. "label source (parquet path '...')"
   * @throws InputMissingException when that file is empty or not a readable Parquet file (exit 4)
   */
  StructType dataSchema(InputPin pin, String what) {
    InputPin.FileEntry first = pin.files().get(0);
    String full = full(pin, first);
    ParquetToSparkSchemaConverter converter = converter();
    Footer footer =
        read(
            spark.sparkContext().hadoopConfiguration(),
            readOptions(SKIP_ROW_GROUPS),
            full,
            shown(pin, first),
            first.size(),
            meta ->
                ParquetFileFormat.readSchemaFromFooter(
                    new org.apache.parquet.hadoop.Footer(new Path(full), meta), converter));
    requireReadable(footer, what);
    Set<String> fromPaths = new HashSet<>();
    for (InputPin.FileEntry f : pin.files()) {
      fromPaths.addAll(partitionColumns(f.path()));
    }
    List<StructField> data = new ArrayList<>();
    for (StructField f : footer.schema().fields()) {
      if (!fromPaths.contains(f.name().toLowerCase(Locale.ROOT))) {
        data.add(f);
      }
    }
    return new StructType(data.toArray(StructField[]::new));
  }

  private void requireReadable(Footer footer, String what) {
    if (footer.unreadable() != null) {
      throw new InputMissingException(
          prefix
              + what
              + " file '"
              + footer.file()
              + "' "
              + footer.unreadable()
              + " (rewrite or remove the file upstream; the build reads every file of the"
              + " partitions it plans)");
    }
  }

  /**
   * The partition columns that {@code relative}'s directories name ({@code column=value}), in lower
   * case (Spark matches them to columns without regard to case).
   */
  private static Set<String> partitionColumns(String relative) {
    Set<String> out = new HashSet<>();
    String[] segments = relative.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      int eq = segments[i].indexOf('=');
      if (eq > 0) {
        out.add(segments[i].substring(0, eq).toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** Whether Spark reads a Parquet column of type {@code found} as {@code expected}. */
  static boolean readableAs(DataType found, DataType expected) {
    if (found.sameType(expected)) {
      return true;
    }
    // Spark's Parquet readers widen these (integers to wider integers, float to double).
    boolean integral =
        found instanceof ByteType || found instanceof ShortType || found instanceof IntegerType;
    if (integral && (expected instanceof IntegerType || expected instanceof LongType)) {
      return rank(found) <= rank(expected);
    }
    return found instanceof FloatType && expected instanceof DoubleType;
  }

  private static int rank(DataType t) {
    if (t instanceof ByteType) {
      return 1;
    }
    if (t instanceof ShortType) {
      return 2;
    }
    return t instanceof IntegerType ? 3 : 4;
  }

  /**
   * The footers of {@code files}, in their order, read by a few threads (remote stores), with the
   * row groups' metadata that {@code filter} keeps.
   */
  private List<Footer> footers(
      InputPin pin, List<InputPin.FileEntry> files, MetadataFilter filter) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ParquetToSparkSchemaConverter converter = converter();
    List<Footer> out = new ArrayList<>();
    if (files.isEmpty()) {
      return out;
    }
    ParquetReadOptions options = readOptions(filter);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()));
    try {
      List<Future<Footer>> pending = new ArrayList<>();
      for (InputPin.FileEntry f : files) {
        pending.add(
            pool.submit(
                () ->
                    read(
                        conf,
                        options,
                        full(pin, f),
                        shown(pin, f),
                        f.size(),
                        meta -> converter.convert(meta.getFileMetaData().getSchema()))));
      }
      for (Future<Footer> p : pending) {
        out.add(p.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading Parquet footers", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot read Parquet footers: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  /**
   * How a footer is read: with the session's Hadoop configuration, and with the row groups'
   * metadata only when {@code filter} keeps it (a check of the schema alone does not read it).
   * Built once per check, not per file: Parquet's default options build a new Hadoop configuration,
   * which parses Hadoop's default XML files again (about 15 ms of a cold JVM per file, 90% of the
   * footer check on the sample before).
   */
  private ParquetReadOptions readOptions(MetadataFilter filter) {
    return HadoopReadOptions.builder(spark.sparkContext().hadoopConfiguration())
        .withMetadataFilter(filter)
        .build();
  }

  /** Spark's conversion of Parquet types, with the session's settings, as its reads use it. */
  private static ParquetToSparkSchemaConverter converter() {
    return new ParquetToSparkSchemaConverter(SQLConf.get());
  }

  /** The path of {@code f} to open. */
  private static String full(InputPin pin, InputPin.FileEntry f) {
    String base = pin.location().endsWith("/") ? pin.location() : pin.location() + "/";
    return f.path().isEmpty() ? pin.location() : base + f.path();
  }

  /** How messages name {@code f}: its path under the source, or the source when it is one file. */
  private static String shown(InputPin pin, InputPin.FileEntry f) {
    return f.path().isEmpty() ? pin.location() : f.path();
  }

  /** One file's footer, its schema as {@code schema} gives it, or why it could not be read. */
  private static Footer read(
      Configuration conf,
      ParquetReadOptions options,
      String full,
      String shown,
      long size,
      Function<ParquetMetadata, StructType> schema) {
    if (size == 0) {
      return new Footer(
          shown,
          null,
          null,
          "is empty (0 bytes): not a Parquet file, probably an interrupted write");
    }
    ParquetMetadata meta;
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(full), conf), options)) {
      meta = reader.getFooter();
    } catch (IOException | RuntimeException e) {
      return new Footer(
          shown,
          null,
          null,
          "("
              + size
              + " bytes) is not a readable Parquet file, probably truncated or still being"
              + " written: "
              + firstLine(e.getMessage()));
    }
    try {
      return new Footer(shown, schema.apply(meta), meta, null);
    } catch (RuntimeException e) {
      return new Footer(
          shown, null, null, "has a schema Spark cannot read: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
