package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import dev.trainforge.text.TextFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.iceberg.hadoop.HadoopConfigurable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Reads and writes reports through the table's FileIO, so that they live wherever the table lives
 * (local disk, S3) and open from there. A report is written into a directory named after the
 * build's audit branch when the build validates, and once more when the build ends, with what the
 * whole build cost; then never changed. Each write also rewrites the dataset's index page ({@link
 * ReportIndex}) from the small entry every build leaves beside its report: one listing of the
 * dataset's report directory and one small read per build.
 */
public final class ReportStore {
  public static final String JSON = "report.json";
  public static final String HTML = "report.html";

  private final FileIO io;

  /** Baseline reports by location, read once per store (a build writes its report twice). */
  private final Map<String, Optional<ValidationReport>> baselines = new HashMap<>();

  public ReportStore(FileIO io) {
    this.io = requireNonNull(io, "io is null");
  }

  /** The directory of one build's report. */
  public static String directory(String base, String dataset, String branch) {
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return b + "/" + dataset + "/" + branch;
  }

  /** The dataset's report directory, where index.html is: the parent of a build's directory. */
  static String datasetDirectory(String dir) {
    return dir.substring(0, dir.lastIndexOf('/'));
  }

  /**
   * Writes report.json, report.html (with what is new since the baseline's report) and the index
   * entry into {@code dir}, then rewrites the dataset's index.html; returns the JSON's location.
   */
  public String write(String dir, ValidationReport report) {
    write(dir + "/" + HTML, HtmlReport.render(report, baselineReport(report.baseline())));
    String json = dir + "/" + JSON;
    write(json, report.toJson());
    ReportIndex.Entry entry = ReportIndex.Entry.of(report);
    write(dir + "/" + ReportIndex.ENTRY, entry.toJson());
    writeIndex(datasetDirectory(dir), entry);
    return json;
  }

  /** The baseline's report, or null when there is none or it cannot be read. */
  private ValidationReport baselineReport(ValidationReport.Baseline baseline) {
    String location = baseline.report();
    if (location == null) {
      return null;
    }
    return baselines
        .computeIfAbsent(
            location,
            l -> {
              try {
                return Optional.ofNullable(read(l));
              } catch (UncheckedIOException
                  | IllegalArgumentException
                  | org.apache.iceberg.exceptions.NotFoundException e) {
                // The page then says it cannot tell new warnings from recurring ones.
                return Optional.empty();
              }
            })
        .orElse(null);
  }

  private void writeIndex(String datasetDir, ReportIndex.Entry latest) {
    List<String> unread = new ArrayList<>();
    List<ReportIndex.Entry> entries;
    String note = null;
    if (io instanceof SupportsPrefixOperations listing) {
      entries = entries(listing, datasetDir, unread);
      if (!unread.isEmpty()) {
        note = "Reports that could not be read: " + String.join(", ", unread) + ".";
      }
    } else {
      entries = List.of(latest);
      note =
          "This table's FileIO ("
              + io.getClass().getName()
              + ") cannot list files, so the index shows the latest build only.";
    }
    replace(
        datasetDir + "/" + ReportIndex.FILE, ReportIndex.render(latest.dataset(), entries, note));
  }

  /**
   * Every build's entry under {@code datasetDir}. A report written before entries were (a
   * report.json without one) gets its entry now, so that it is read whole only once.
   */
  private List<ReportIndex.Entry> entries(
      SupportsPrefixOperations listing, String datasetDir, List<String> unread) {
    String base = path(datasetDir);
    Map<String, String> entryAt = new TreeMap<>();
    Map<String, String> reportAt = new TreeMap<>();
    for (FileInfo f : listing.listPrefix(datasetDir)) {
      String rel = path(f.location());
      if (!rel.startsWith(base + "/")) {
        continue;
      }
      String[] parts = rel.substring(base.length() + 1).split("/");
      if (parts.length == 2 && parts[1].equals(ReportIndex.ENTRY)) {
        entryAt.put(parts[0], f.location());
      } else if (parts.length == 2 && parts[1].equals(JSON)) {
        reportAt.put(parts[0], f.location());
      }
    }
    TreeSet<String> branches = new TreeSet<>(entryAt.keySet());
    branches.addAll(reportAt.keySet());
    List<ReportIndex.Entry> out = new ArrayList<>();
    for (String branch : branches) {
      String location = entryAt.getOrDefault(branch, reportAt.get(branch));
      try {
        entry(location, entryAt.containsKey(branch)).ifPresent(out::add);
      } catch (UncheckedIOException | IllegalArgumentException e) {
        // One damaged file must not stop every later build from writing its index.
        unread.add(location);
      }
    }
    return out;
  }

  /**
   * The entry at {@code location}, or the entry of the report.json there (then written beside it);
   * empty when the file went away since the listing.
   */
  private Optional<ReportIndex.Entry> entry(String location, boolean isEntry) {
    if (isEntry) {
      return Optional.ofNullable(readText(location)).map(ReportIndex.Entry::fromJson);
    }
    ValidationReport old = read(location);
    if (old == null) {
      return Optional.empty();
    }
    ReportIndex.Entry e = ReportIndex.Entry.of(old);
    write(location.substring(0, location.length() - JSON.length()) + ReportIndex.ENTRY, e.toJson());
    return Optional.of(e);
  }

  /** The path part of a location, without scheme and authority: listings may add a scheme. */
  private static String path(String location) {
    return new Path(location).toUri().getPath();
  }

  private void write(String location, String content) {
    TextFiles.write(io, location, content);
  }

  /**
   * Writes {@code content} so that a reader sees the old file or the new one, never a part: on a
   * local file system a temporary file beside it, renamed over it; elsewhere through the FileIO, as
   * object stores (S3A, S3FileIO) make an object visible only once its upload completed.
   */
  void replace(String location, String content) {
    java.nio.file.Path local = localFile(location);
    if (local == null) {
      write(location, content);
      return;
    }
    java.nio.file.Path tmp = null;
    try {
      // Not Files.createTempFile: its owner-only permissions would make the index unreadable to
      // others; a new file gets the process's default (umask) like the reports beside it.
      tmp = local.resolveSibling("." + local.getFileName() + "." + java.util.UUID.randomUUID());
      Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
      Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write report index " + location, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void deleteQuietly(java.nio.file.Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Only a leftover temporary file: the index itself was written or its error thrown.
      }
    }
  }

  /** The local file at {@code location}, or null when the FileIO writes it elsewhere. */
  private java.nio.file.Path localFile(String location) {
    if (!(io instanceof HadoopConfigurable hadoop)) {
      return null;
    }
    Configuration conf = hadoop.getConf();
    if (conf == null) {
      return null;
    }
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (fs instanceof LocalFileSystem checked) {
        return checked.pathToFile(path).toPath();
      }
      if (fs instanceof RawLocalFileSystem raw) {
        return raw.pathToFile(path).toPath();
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the file system of " + location, e);
    }
  }

  /** The report at {@code location}, or null when there is none. */
  public ValidationReport read(String location) {
    String json = readText(location);
    return json == null ? null : ValidationReport.fromJson(json);
  }

  private String readText(String location) {
    return TextFiles.read(io, location);
  }
}
