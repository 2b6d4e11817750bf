package dev.trainforge.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.SourceFormat;
import dev.trainforge.config.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickPinsTest {
  private final QuickPins quick = new QuickPins(new Configuration(), name -> Optional.empty());

  /** A partitioned directory of three files, 100, 200 and 300 bytes, and a Delta-like log. */
  private static Path threeFiles(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("event_date=2026-01-01"));
    Files.createDirectories(dir.resolve("event_date=2026-01-02"));
    Files.createDirectories(dir.resolve("_delta_log"));
    Files.write(dir.resolve("event_date=2026-01-01/a.parquet"), new byte[100]);
    Files.write(dir.resolve("event_date=2026-01-02/b.parquet"), new byte[200]);
    Files.write(dir.resolve("_delta_log/00000000000000000000.json"), new byte[300]);
    return dir;
  }

  @Test
  void aDirectorysBytesAreItsFilesAtEveryDepth(@TempDir Path tmp) throws Exception {
    Path dir = threeFiles(tmp.resolve("source"));
    assertThat(quick.bytesUpTo(new SourceLocation(SourceFormat.PARQUET, dir.toString()), 1000))
        .isEqualTo(OptionalLong.of(600));
    assertThat(quick.bytesUpTo(new SourceLocation(SourceFormat.DELTA, dir.toString()), 1000))
        .isEqualTo(OptionalLong.of(600));
  }

  @Test
  void theCountStopsOnceItPassesTheLimit(@TempDir Path tmp) throws Exception {
    Path dir = threeFiles(tmp.resolve("source"));
    OptionalLong bytes =
        quick.bytesUpTo(new SourceLocation(SourceFormat.PARQUET, dir.toString()), 150);
    // Past the limit after one or two files, whichever the listing gives first: never all three.
    assertThat(bytes).isPresent();
    assertThat(bytes.getAsLong()).isGreaterThan(150).isLessThan(600);
  }

  @Test
  void aMissingDirectoryOrAnUnknownTableHasNoKnownSize(@TempDir Path tmp) {
    assertThat(
            quick.bytesUpTo(
                new SourceLocation(SourceFormat.PARQUET, tmp.resolve("nothing").toString()), 1000))
        .isEmpty();
    assertThat(quick.bytesUpTo(new SourceLocation(SourceFormat.ICEBERG, "lake.db.events"), 1000))
        .isEmpty();
  }
}
