package dev.trainforge.source;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.SourceFormat;
import dev.trainforge.config.SourceLocation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Resolves an input to the pin {@link InputPins} would give it, without Spark: a Parquet
 * directory's listing (the same listing, through Hadoop's file system), a Delta table's newest
 * version (from its log's file names), an Iceberg table's current snapshot (through the catalog).
 * Where that is not certain (no such path, an empty directory, a Delta log with commits not yet in
 * the log, an Iceberg table of a catalog only Spark knows), it gives nothing, and the caller goes
 * the way through Spark, which also words the error. Only the pin itself is resolved: commit times
 * and retention, which a no-op build does not compare, are left empty.
 */
public final class QuickPins {
  /** A Delta commit file, or a checkpoint (single, multi-part or v2) of one version. */
  private static final Pattern DELTA_VERSION =
      Pattern.compile("^(\\d{20})\\.(json|checkpoint(\\..+)?\\.(parquet|json))$");

  private final Configuration conf;
  private final Function<String, Optional<Table>> icebergTables;

  /**
   * @param conf the Hadoop settings of the file systems, as Spark's session would have them
   * @param icebergTables an Iceberg table by its name ({@code catalog.namespace.table}), or empty
   *     when it cannot be loaded without Spark
   */
  public QuickPins(Configuration conf, Function<String, Optional<Table>> icebergTables) {
    this.conf = requireNonNull(conf, "conf is null");
    this.icebergTables = requireNonNull(icebergTables, "icebergTables is null");
  }

  /** The pin of the input at {@code location} in {@code role}, or empty when not certain. */
  public Optional<InputPin> resolve(SourceLocation location, String role) {
    try {
      return switch (location.format()) {
        case PARQUET -> parquet(role, location.location());
        case DELTA -> delta(role, location.location());
        case ICEBERG -> iceberg(role, location.location());
      };
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /**
   * The bytes the input at {@code location} takes on storage, counted until they exceed {@code
   * limit} (then some figure above it); empty when not known without Spark. A directory's files (a
   * Parquet directory, a Delta table with its log) are listed recursively, at most until the limit
   * is passed, so that a large input costs a bounded listing; an Iceberg table's current snapshot
   * says its size in its summary ({@code total-files-size}).
   */
  public java.util.OptionalLong bytesUpTo(SourceLocation location, long limit) {
    try {
      return switch (location.format()) {
        case PARQUET, DELTA -> directoryBytesUpTo(location.location(), limit);
        case ICEBERG ->
            icebergTables
                .apply(location.location())
                .map(QuickPins::icebergBytes)
                .orElse(java.util.OptionalLong.empty());
      };
    } catch (UncheckedIOException e) {
      return java.util.OptionalLong.empty();
    }
  }

  private java.util.OptionalLong directoryBytesUpTo(String dir, long limit) {
    Path path = new Path(dir);
    long bytes = 0;
    try {
      org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(conf);
      if ("file".equals(fs.getScheme())) {
        return java.util.OptionalLong.of(localBytesUpTo(fs, path, limit, 0));
      }
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
          fs.listFiles(path, true);
      while (files.hasNext() && bytes <= limit) {
        bytes += files.next().getLen();
      }
    } catch (FileNotFoundException e) {
      return java.util.OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + path, e);
    }
    return java.util.OptionalLong.of(bytes);
  }

  /**
   * {@code sofar} plus the bytes of the files under {@code path}, listed until they pass {@code
   * limit}. A walk with {@code listStatus}, as {@link PinRecords#list} walks a local directory: a
   * {@code LocatedFileStatus} of the local file system loads its permissions, which forks a process
   * per file where Hadoop has no native library (the sample's 190 files took about a second).
   */
  private static long localBytesUpTo(
      org.apache.hadoop.fs.FileSystem fs, Path path, long limit, long sofar) throws IOException {
    long bytes = sofar;
    for (FileStatus f : fs.listStatus(path)) {
      if (bytes > limit) {
        break;
      }
      bytes = f.isDirectory() ? localBytesUpTo(fs, f.getPath(), limit, bytes) : bytes + f.getLen();
    }
    return bytes;
  }

  private static java.util.OptionalLong icebergBytes(Table table) {
    Snapshot s = table.currentSnapshot();
    if (s == null) {
      return java.util.OptionalLong.of(0L);
    }
    String size =
        s.summary() == null
            ? null
            : s.summary().get(org.apache.iceberg.SnapshotSummary.TOTAL_FILE_SIZE_PROP);
    try {
      return size == null
          ? java.util.OptionalLong.empty()
          : java.util.OptionalLong.of(Long.parseLong(size));
    } catch (NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }

  private Optional<InputPin> parquet(String role, String dir) {
    List<InputPin.FileEntry> files;
    try {
      files = PinRecords.list(dir, conf);
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
    if (files.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new InputPin(
            role,
            SourceFormat.PARQUET,
            dir,
            PinRecords.fingerprint(files),
            files,
            Optional.empty(),
            Optional.empty(),
            ""));
  }

  /**
   * The newest version in the table's log: the highest-numbered commit or checkpoint file. A log
   * with staged commits (a commit coordinator's, not yet written back) gives nothing.
   */
  private Optional<InputPin> delta(String role, String dir) {
    Path log = new Path(dir, "_delta_log");
    long newest = -1;
    try {
      FileSystem fs = log.getFileSystem(conf);
      for (FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (f.isDirectory()) {
          if ((name.equals("_staged_commits") || name.equals("_commits"))
              && fs.listStatus(f.getPath()).length > 0) {
            return Optional.empty();
          }
          continue;
        }
        Matcher m = DELTA_VERSION.matcher(name);
        if (m.matches()) {
          newest = Math.max(newest, Long.parseLong(m.group(1)));
        }
      }
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + log, e);
    }
    if (newest < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new InputPin(
            role,
            SourceFormat.DELTA,
            dir,
            String.valueOf(newest),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            ""));
  }

  private Optional<InputPin> iceberg(String role, String name) {
    return icebergTables
        .apply(name)
        .map(
            t -> {
              Snapshot s = t.currentSnapshot();
              return new InputPin(
                  role,
                  SourceFormat.ICEBERG,
                  name,
                  s == null ? "empty" : String.valueOf(s.snapshotId()),
                  List.of(),
                  Optional.empty(),
                  Optional.empty(),
                  "");
            });
  }
}
