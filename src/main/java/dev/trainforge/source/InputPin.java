package dev.trainforge.source;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.SourceFormat;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An input resolved to exactly what a build reads: an Iceberg snapshot id, a Delta table version,
 * or a fingerprint of a Parquet file listing. A build reads its inputs through their pins, so what
 * is recorded is what was read.
 *
 * @param role "labels" or "feature:&lt;name&gt;"
 * @param format how the input is stored
 * @param location the directory (Parquet, Delta) or the table name (Iceberg)
 * @param pin the snapshot id (Iceberg), the version (Delta), or {@code sha256:<hex>} of the sorted
 *     file listing (Parquet)
 * @param files Parquet: the files read, sorted by path; empty for tables
 * @param committedAt when the pinned snapshot or version was committed (tables only)
 * @param rebuildableUntil when retention may first remove the pinned data, if it ever does
 * @param retention which retention setting limits a rebuild, for people; empty when none does
 */
public record InputPin(
    String role,
    SourceFormat format,
    String location,
    String pin,
    List<FileEntry> files,
    Optional<Instant> committedAt,
    Optional<Instant> rebuildableUntil,
    String retention) {
  public InputPin {
    requireNonNull(role, "role is null");
    requireNonNull(format, "format is null");
    requireNonNull(location, "location is null");
    requireNonNull(pin, "pin is null");
    files = List.copyOf(files);
    requireNonNull(committedAt, "committedAt is null");
    requireNonNull(rebuildableUntil, "rebuildableUntil is null");
    requireNonNull(retention, "retention is null");
  }

  /** The role of the label source. */
  public static final String LABELS = "labels";

  /** The role of feature source {@code name}. */
  public static String feature(String name) {
    return "feature:" + name;
  }

  /**
   * One Parquet file as listed before reading.
   *
   * @param path the path relative to the source directory
   * @param size its length in bytes
   * @param modified its modification time, epoch milliseconds
   */
  public record FileEntry(String path, long size, long modified) {
    public FileEntry {
      requireNonNull(path, "path is null");
    }

    /** The line of this file in a listing manifest: path, size and time, tab-separated. */
    public String line() {
      return path + "\t" + size + "\t" + modified;
    }

    /** Parses {@link #line()}. */
    public static FileEntry parse(String line) {
      String[] parts = line.split("\t");
      if (parts.length != 3) {
        throw new IllegalArgumentException("Not a file listing line: '" + line + "'");
      }
      return new FileEntry(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }
  }
}
