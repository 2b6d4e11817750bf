package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.report.ValidationReport;
import dev.trainforge.spark.ContentChecksum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the published versions of one dataset table: its tags, their snapshot summaries and their
 * validation reports. Listing and looking up versions read table metadata only (one catalog call);
 * a report costs one small file read; only {@link #rows} touches data, lazily.
 */
public final class VersionCatalog {
  private final SparkSession spark;
  private final String tableName;
  private final Table table;
  private final VersionTable meta;

  private VersionCatalog(SparkSession spark, String tableName, Table table) {
    this.spark = spark;
    this.tableName = tableName;
    this.table = table;
    this.meta = new VersionTable(tableName, table);
  }

  /**
   * Opens {@code tableName} ({@code catalog.namespace.table}) in {@code spark}'s catalogs.
   *
   * @throws VersionNotFoundException when the table does not exist
   */
  public static VersionCatalog open(SparkSession spark, String tableName) {
    requireNonNull(spark, "spark is null");
    requireNonNull(tableName, "tableName is null");
    Table table;
    try {
      table = Spark3Util.loadIcebergTable(spark, tableName);
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException
        | org.apache.iceberg.exceptions.NoSuchTableException e) {
      throw VersionTable.missingTable(tableName);
    } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
      throw new IllegalArgumentException("Cannot parse table name '" + tableName + "'", e);
    }
    return new VersionCatalog(spark, tableName, table);
  }

  public String tableName() {
    return tableName;
  }

  /** The metadata side of this catalog, which needs no Spark. */
  public VersionTable metadata() {
    return meta;
  }

  /** Every version (tag), oldest first: by commit time, then by tag. */
  public List<VersionInfo> list() {
    return meta.list();
  }

  /**
   * The version named {@code version}: its tag ({@code v3}) or its version ({@code 3}).
   *
   * @throws VersionNotFoundException listing the versions that exist
   */
  public VersionInfo get(String version, String action) {
    return meta.get(version, action);
  }

  /** Table property marking a retracted version: this prefix, then the tag. */
  static final String RETRACTED = VersionTable.RETRACTED;

  /** Table property with the last explicit move of {@code main}, cleared by the next publish. */
  static final String MAIN_MOVED = VersionTable.MAIN_MOVED;

  /** See {@link VersionTable#mainMoved()}. */
  public Optional<RefNote> mainMoved() {
    return meta.mainMoved();
  }

  /** See {@link VersionTable#promote}. */
  public VersionTable.Moved promote(VersionInfo version, String reason) {
    return meta.promote(version, reason);
  }

  /** See {@link VersionTable#rollback}. */
  public VersionTable.Moved rollback(String reason) {
    return meta.rollback(reason);
  }

  /** See {@link VersionTable#retract}. */
  public VersionTable.Moved retract(VersionInfo version, String reason) {
    return meta.retract(version, reason);
  }

  /** The version's report.json, if its summary names one and the file is there. */
  public Optional<ValidationReport> report(VersionInfo version) {
    return meta.report(version);
  }

  /**
   * Recomputes the content checksum of {@code version}'s rows and compares it with the one recorded
   * when it was published. Costs one aggregation over the version's rows.
   */
  public Verification verify(VersionInfo version) {
    String recorded =
        table.properties().getOrDefault(VersionPublisher.CHECKSUM_PROPERTY + version.tag(), "");
    return new Verification(
        tableName,
        version.tag(),
        version.snapshotId(),
        recorded,
        ContentChecksum.of(rows(version)));
  }

  /** The version's rows, by time travel to its tag; lazy, nothing is read until an action runs. */
  public Dataset<Row> rows(VersionInfo version) {
    return spark.read().option("versionAsOf", version.tag()).table(tableName);
  }

  /** What an export wrote. */
  public record Exported(long rows, String path) {}

  /**
   * Writes {@code version}'s rows to {@code path} as {@code format} (parquet or csv with a header),
   * by Spark from the tagged snapshot: executors read and write, nothing is collected to the
   * driver. Costs one scan of the version and one write; the row count comes from the snapshot
   * summary.
   *
   * @throws ExportTargetExistsException when {@code path} holds data and {@code overwrite} is false
   */
  public Exported export(VersionInfo version, String format, String path, boolean overwrite) {
    return export(version, format, path, overwrite, false);
  }

  /** The manifest an export writes beside its files; readers skip names starting with '_'. */
  public static final String EXPORT_MANIFEST = "_trainforge_manifest.json";

  /**
   * Like {@link #export(VersionInfo, String, String, boolean)}: Parquet timestamps are written as
   * UTC-adjusted microseconds (not INT96, which readers take for local times), one file with {@code
   * singleFile}; Hadoop's {@code _SUCCESS} and {@code .crc} files are removed, and {@link
   * #EXPORT_MANIFEST} names the dataset, version, snapshot, content checksum, config hash, rows and
   * files.
   */
  public Exported export(
      VersionInfo version, String format, String path, boolean overwrite, boolean singleFile) {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path);
    String qualified;
    try {
      org.apache.hadoop.fs.FileSystem fs =
          target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      qualified = fs.makeQualified(target).toString();
      boolean holdsData =
          fs.exists(target) && (fs.isFile(target) || fs.listStatus(target).length > 0);
      if (holdsData && !overwrite) {
        throw new ExportTargetExistsException(
            "Cannot export '"
                + tableName
                + "' "
                + version.tag()
                + ": "
                + qualified
                + " exists and is not empty (choose another --to, or pass --overwrite to replace"
                + " it)");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot check export path " + path, e);
    }
    Dataset<Row> rows = rows(version);
    var writer =
        (singleFile ? rows.coalesce(1) : rows)
            .write()
            .mode(org.apache.spark.sql.SaveMode.Overwrite);
    if ("csv".equals(format)) {
      writer = writer.option("header", "true");
    }
    String key = "spark.sql.parquet.outputTimestampType";
    String before = spark.conf().get(key);
    spark.conf().set(key, "TIMESTAMP_MICROS");
    try {
      writer.format(format).save(path);
    } finally {
      spark.conf().set(key, before);
    }
    List<String> files = tidy(target);
    Map<String, Object> manifest = new java.util.LinkedHashMap<>();
    manifest.put("table", tableName);
    manifest.put("dataset", version.property("dataset").orElse(null));
    manifest.put("version", version.property("version").orElse(null));
    manifest.put("tag", version.tag());
    manifest.put("snapshot-id", version.snapshotId());
    manifest.put(
        "content-checksum",
        table.properties().get(VersionPublisher.CHECKSUM_PROPERTY + version.tag()));
    manifest.put("config-sha256", version.property("config-sha256").orElse(null));
    manifest.put("rows", version.rows().orElse(null));
    manifest.put("format", format);
    manifest.put(
        "timestamps", "parquet".equals(format) ? "int64 micros, UTC-adjusted" : "ISO text");
    manifest.put("files", files);
    try {
      writeText(
          new org.apache.hadoop.fs.Path(target, EXPORT_MANIFEST),
          new com.fasterxml.jackson.databind.ObjectMapper()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(manifest)
              + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return new Exported(version.rows().orElse(-1L), qualified);
  }

  /**
   * The file system of {@code path}, without the local file system's checksum layer, which hides
   * the {@code .crc} files it writes.
   */
  private org.apache.hadoop.fs.FileSystem raw(org.apache.hadoop.fs.Path path)
      throws java.io.IOException {
    org.apache.hadoop.fs.FileSystem fs =
        path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    return fs instanceof org.apache.hadoop.fs.ChecksumFileSystem checked
        ? checked.getRawFileSystem()
        : fs;
  }

  /** Removes Hadoop's _SUCCESS and .crc files under {@code dir}; returns the data files' names. */
  private List<String> tidy(org.apache.hadoop.fs.Path dir) {
    try {
      org.apache.hadoop.fs.FileSystem fs = raw(dir);
      List<String> files = new ArrayList<>();
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (name.equals("_SUCCESS") || name.endsWith(".crc")) {
          fs.delete(f.getPath(), false);
        } else if (!name.startsWith("_") && !name.startsWith(".")) {
          files.add(name);
        }
      }
      files.sort(null);
      return files;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list the export at " + dir, e);
    }
  }

  private void writeText(org.apache.hadoop.fs.Path file, String text) {
    try (var out = raw(file).create(file, true)) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot write " + file, e);
    }
  }
}
