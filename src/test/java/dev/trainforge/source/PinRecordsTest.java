package dev.trainforge.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local listing walks directories, and finds exactly what Hadoop's recursive listing finds; the
 * recorded pins and listing fingerprints are written byte for byte as versions already hold them.
 */
class PinRecordsTest {
  @TempDir Path dir;

  @Test
  void pinsAndListingFingerprintsAreWrittenAsPublishedVersionsRecordThem() {
    List<InputPin.FileEntry> files =
        List.of(
            new InputPin.FileEntry("event_date=2026-01-01/part-0.parquet", 1234, 1767225600000L),
            new InputPin.FileEntry("event_date=2026-01-02/part-0.parquet", 99, 1767312000000L));
    String fingerprint = PinRecords.fingerprint(files);
    assertThat(fingerprint)
        .isEqualTo("sha256:f2d4fec1d610879af20e39d9e86adb074ca35b99c2d3d9c202b64b64b1c89e05");
    InputPin parquet =
        new InputPin(
            "feature:user_auth",
            dev.trainforge.config.SourceFormat.PARQUET,
            "sample-data/user_auth_events",
            fingerprint,
            files,
            Optional.empty(),
            Optional.empty(),
            "");
    InputPin delta =
        new InputPin(
            "feature:merchant_risk",
            dev.trainforge.config.SourceFormat.DELTA,
            "sample-data/merchant_risk",
            "3",
            List.of(),
            Optional.of(Instant.parse("2026-01-02T03:04:05Z")),
            Optional.of(Instant.parse("2026-01-09T03:04:05Z")),
            "delta.logRetentionDuration \"interval 7 days\"");
    assertThat(
            PinRecords.toJson(
                List.of(parquet, delta), Map.of("feature:user_auth", "file:/data/user_auth")))
        .isEqualTo(
            "[{\"committed-at\":\"2026-01-02T03:04:05Z\",\"format\":\"delta\",\"location\":\"sample-data/merchant_risk\",\"pin\":\"3\",\"rebuildable-until\":\"2026-01-09T03:04:05Z\",\"retention\":\"delta.logRetentionDuration \\\"interval 7 days\\\"\",\"role\":\"feature:merchant_risk\"},{\"committed-at\":null,\"files\":2,\"format\":\"parquet\",\"location\":\"sample-data/user_auth_events\",\"pin\":\"sha256:f2d4fec1d610879af20e39d9e86adb074ca35b99c2d3d9c202b64b64b1c89e05\",\"rebuildable-until\":null,\"retention\":\"\",\"role\":\"feature:user_auth\",\"uri\":\"file:/data/user_auth\"}]");
    assertThat(PinRecords.parseManifest(PinRecords.manifest(files), fingerprint)).isEqualTo(files);
  }

  @Test
  void aLocalWalkListsWhatListFilesLists() throws Exception {
    for (String f :
        List.of(
            "event_date=2026-01-01/part-0.parquet",
            "event_date=2026-01-01/part-1.parquet",
            "event_date=2026-01-02/sub/part-2.parquet",
            "event_date=2026-01-02/.part-2.parquet.crc",
            "_SUCCESS",
            "_delta_log/00000000000000000000.json",
            ".hidden/part-9.parquet",
            "event_date=2026-01-03/part-3.parquet._COPYING_",
            "top.parquet")) {
      Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    Files.createDirectories(dir.resolve("event_date=2026-01-04"));
    Configuration conf = new Configuration();
    List<InputPin.FileEntry> walked = PinRecords.list(dir.toString(), conf);
    assertThat(walked)
        .extracting(InputPin.FileEntry::path)
        .containsExactly(
            "event_date=2026-01-01/part-0.parquet",
            "event_date=2026-01-01/part-1.parquet",
            "event_date=2026-01-02/sub/part-2.parquet",
            "top.parquet");
    assertThat(walked).isEqualTo(listFiles(dir, conf));
    assertThat(walked.get(3).size()).isEqualTo("top.parquet".length());
    // A source that is one file lists as itself.
    assertThat(PinRecords.list(dir.resolve("top.parquet").toString(), conf))
        .isEqualTo(listFiles(dir.resolve("top.parquet"), conf))
        .hasSize(1);
  }

  /** The listing as it was made before: Hadoop's recursive listFiles, filtered the same way. */
  private static List<InputPin.FileEntry> listFiles(Path dir, Configuration conf) throws Exception {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toString());
    FileSystem fs = root.getFileSystem(conf);
    String base = fs.makeQualified(root).toUri().getPath();
    List<InputPin.FileEntry> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      var f = it.next();
      String relative =
          f.getPath().toUri().getPath().substring(base.length()).replaceFirst("^/+", "");
      if (PinRecords.isDataFile(relative)) {
        out.add(new InputPin.FileEntry(relative, f.getLen(), f.getModificationTime()));
      }
    }
    out.sort(Comparator.comparing(InputPin.FileEntry::path));
    return out;
  }
}
