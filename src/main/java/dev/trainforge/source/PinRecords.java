package dev.trainforge.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.config.SourceFormat;
import dev.trainforge.text.CanonicalJson;
import dev.trainforge.text.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The recorded form of input pins, and Parquet file listings, without Spark: the canonical JSON a
 * version records ({@code trainforge.inputs}), listing manifests and their fingerprints, and the
 * differences between recorded and current pins. {@link InputPins} resolves and reads through
 * Spark; {@link QuickPins} resolves without it.
 */
public final class PinRecords {
  private PinRecords() {}

  /**
   * The data files under {@code dir} (or {@code dir} itself when it is a file), sorted by path, as
   * Spark's file index would read them: path relative to {@code dir}, length, modification time. An
   * object store is listed flat ({@code listFiles}, one paginated listing); a local directory is
   * walked with {@code listStatus}, whose statuses load no permissions (a {@code LocatedFileStatus}
   * of the local file system asks for them, which forks a process per file where Hadoop has no
   * native library), skipping hidden directories, whose files are not data.
   */
  static List<InputPin.FileEntry> list(String dir, Configuration conf) {
    Path root = new Path(dir);
    List<InputPin.FileEntry> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      String base = fs.makeQualified(root).toUri().getPath();
      if ("file".equals(fs.getScheme())) {
        walk(fs, root, base, files);
      } else {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          add(it.next(), base, files);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
    files.sort(Comparator.comparing(InputPin.FileEntry::path));
    return files;
  }

  private static void walk(FileSystem fs, Path path, String base, List<InputPin.FileEntry> files)
      throws IOException {
    for (FileStatus f : fs.listStatus(path)) {
      if (!f.isDirectory()) {
        add(f, base, files);
      } else if (isDataFile(f.getPath().getName())) {
        walk(fs, f.getPath(), base, files);
      }
    }
  }

  private static void add(FileStatus f, String base, List<InputPin.FileEntry> files) {
    String full = f.getPath().toUri().getPath();
    // A source that is one file lists as itself, with an empty relative path.
    String relative = full.substring(base.length()).replaceFirst("^/+", "");
    if (isDataFile(relative)) {
      files.add(new InputPin.FileEntry(relative, f.getLen(), f.getModificationTime()));
    }
  }

  /** As Spark's file index: no hidden files, no metadata files, no hidden directories. */
  static boolean isDataFile(String relative) {
    for (String segment : relative.split("/")) {
      if (segment.startsWith(".")
          || (segment.startsWith("_") && !segment.contains("="))
          || segment.endsWith("._COPYING_")) {
        return false;
      }
    }
    return true;
  }

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
    return "sha256:" + Sha256.hex(manifest(files));
  }

  /** Parses a manifest, checking that it is the listing {@code pin} names. */
  public static List<InputPin.FileEntry> parseManifest(String text, String pin) {
    if (!pin.equals("sha256:" + Sha256.hex(text))) {
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
    return CanonicalJson.write(out);
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
}
