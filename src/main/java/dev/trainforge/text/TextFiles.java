package dev.trainforge.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;

/**
 * Small UTF-8 text files (reports, profiles, notes) through a table's {@code FileIO}, so that the
 * same code writes to local disk and to S3. Each call is one whole-file read or write.
 */
public final class TextFiles {
  private TextFiles() {}

  /**
   * Writes {@code text} at {@code location}, replacing what is there. On S3 the object appears
   * whole or not at all; on a local disk a reader may see it part-written.
   */
  public static void write(FileIO io, String location, String text) {
    try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + location, e);
    }
  }

  /** The text at {@code location}, or null when there is no file there. */
  public static String read(FileIO io, String location) {
    InputFile in = io.newInputFile(location);
    if (!in.exists()) {
      return null;
    }
    try (InputStream stream = in.newStream()) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + location, e);
    }
  }
}
