package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.validate.ReportStore;
import dev.trainforge.validate.ValidationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
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

  private VersionCatalog(SparkSession spark, String tableName, Table table) {
    this.spark = spark;
    this.tableName = tableName;
    this.table = table;
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
      throw missingTable(tableName);
    } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
      throw new IllegalArgumentException("Cannot parse table name '" + tableName + "'", e);
    }
    return new VersionCatalog(spark, tableName, table);
  }

  private static VersionNotFoundException missingTable(String tableName) {
    return new VersionNotFoundException(
        "Cannot read versions of '"
            + tableName
            + "': the table does not exist (publish a version first with generate, or check"
            + " --table and the catalog settings)");
  }

  public String tableName() {
    return tableName;
  }

  /** Every version (tag), oldest first: by commit time, then by tag. */
  public List<VersionInfo> list() {
    Snapshot main = table.currentSnapshot();
    long mainId = main == null ? -1 : main.snapshotId();
    List<VersionInfo> out = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> e : table.refs().entrySet()) {
      if (!e.getValue().isTag()) {
        continue;
      }
      Snapshot s = table.snapshot(e.getValue().snapshotId());
      out.add(
          new VersionInfo(
              e.getKey(),
              s.snapshotId(),
              Instant.ofEpochMilli(s.timestampMillis()),
              s.snapshotId() == mainId,
              s.summary() == null ? Map.of() : s.summary()));
    }
    out.sort(Comparator.comparing(VersionInfo::createdAt).thenComparing(VersionInfo::tag));
    return out;
  }

  /**
   * The version named {@code version}: its tag ({@code v3}) or its version ({@code 3}).
   *
   * @throws VersionNotFoundException listing the versions that exist
   */
  public VersionInfo get(String version, String action) {
    List<VersionInfo> all = list();
    for (VersionInfo v : all) {
      if (v.tag().equals(version) || v.tag().equals("v" + version)) {
        return v;
      }
    }
    List<String> tags = all.stream().map(VersionInfo::tag).toList();
    throw new VersionNotFoundException(
        "Cannot "
            + action
            + " '"
            + tableName
            + "' version '"
            + version
            + "': no such version ("
            + (tags.isEmpty()
                ? "the table has no versions"
                : "existing: " + String.join(", ", tags))
            + ")");
  }

  /** The version's report.json, if its summary names one and the file is there. */
  public Optional<ValidationReport> report(VersionInfo version) {
    return version.property("report").map(location -> new ReportStore(table.io()).read(location));
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
    var writer = rows(version).write().mode(org.apache.spark.sql.SaveMode.Overwrite);
    if ("csv".equals(format)) {
      writer = writer.option("header", "true");
    }
    writer.format(format).save(path);
    return new Exported(version.rows().orElse(-1L), qualified);
  }
}
