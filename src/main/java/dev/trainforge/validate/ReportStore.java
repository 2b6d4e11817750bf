package dev.trainforge.validate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;

/**
 * Reads and writes reports through the table's FileIO, so that they live wherever the table lives
 * (local disk, S3) and open from there. A report is written into a directory named after the
 * build's audit branch when the build validates, and once more when the build ends, with what the
 * whole build cost; then never changed.
 */
public final class ReportStore {
  public static final String JSON = "report.json";
  public static final String HTML = "report.html";

  private final FileIO io;

  public ReportStore(FileIO io) {
    this.io = requireNonNull(io, "io is null");
  }

  /** The directory of one build's report. */
  public static String directory(String base, String dataset, String branch) {
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return b + "/" + dataset + "/" + branch;
  }

  /** Writes report.json and report.html into {@code dir}; returns the JSON's location. */
  public String write(String dir, ValidationReport report) {
    write(dir + "/" + HTML, HtmlReport.render(report));
    String json = dir + "/" + JSON;
    write(json, report.toJson());
    return json;
  }

  private void write(String location, String content) {
    try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write report " + location, e);
    }
  }

  /** The report at {@code location}, or null when there is none. */
  public ValidationReport read(String location) {
    InputFile in = io.newInputFile(location);
    if (!in.exists()) {
      return null;
    }
    try (InputStream s = in.newStream()) {
      return ValidationReport.fromJson(new String(s.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read report " + location, e);
    }
  }
}
