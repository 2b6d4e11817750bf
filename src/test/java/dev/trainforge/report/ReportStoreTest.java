package dev.trainforge.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports and the dataset's index page written through a real FileIO: Iceberg's HadoopFileIO on a
 * local directory (as the sample's tables use), and its in-memory FileIO, which cannot list.
 */
class ReportStoreTest {
  @TempDir Path tmp;

  private final ReportStore store = new ReportStore(new HadoopFileIO(new Configuration()));

  private String dir(String branch) {
    return ReportStore.directory(
        tmp.resolve("trainforge-reports").toString(), "card_fraud", branch);
  }

  private Path datasetDir() {
    return tmp.resolve("trainforge-reports").resolve("card_fraud");
  }

  private String index() throws IOException {
    return Files.readString(datasetDir().resolve(ReportIndex.FILE));
  }

  @Test
  void indexListsEveryBuildNewestFirstWithVerdictDriftAndLink() throws IOException {
    store.write(dir("audit_v1"), SampleReports.v1());
    store.write(dir("audit_v2"), SampleReports.v2(0, dir("audit_v1") + "/" + ReportStore.JSON));

    assertThat(index())
        .containsSubsequence(
            "<title>card_fraud: every build</title>",
            "<p class=meta>2 builds, newest first.",
            "<tr><td class=l>2</td><td class=l>2026-12-02 14:14:28 UTC</td><td class=\"WARN\">"
                + "WARN</td><td>20000</td><td class=\"WARN\">3 of 4</td><td>0</td><td>7</td>"
                + "<td class=l>v1</td><td class=l><code>audit_v2</code></td><td class=l><a"
                + " href=\"audit_v2/report.html\">report</a></td></tr>",
            "<tr><td class=l>1</td><td class=l>2026-12-01 09:00:00 UTC</td><td class=\"WARN\">"
                + "WARN</td><td>20000</td><td class=\"PASS\">0 of 0</td><td>0</td><td>3</td>"
                + "<td class=l>none</td><td class=l><code>audit_v1</code></td><td class=l><a"
                + " href=\"audit_v1/report.html\">report</a></td></tr>")
        .doesNotContain("<script", "<link", "@import", "url(", "http://", "https://");
    // Version 2's page read version 1's report through the store: its recurring warnings fold.
    assertThat(Files.readString(Path.of(dir("audit_v2"), ReportStore.HTML)))
        .contains("<tr id=\"recurring\"><th>Recurring</th>");
    // The index replaced itself: no temporary file is left beside it.
    try (Stream<Path> files = Files.list(datasetDir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("audit_v1", "audit_v2", ReportIndex.FILE);
    }
  }

  @Test
  void eachBuildLeavesItsIndexEntryBesideItsReport() throws IOException {
    store.write(dir("audit_v2"), SampleReports.v2());

    ReportIndex.Entry entry =
        ReportIndex.Entry.fromJson(Files.readString(Path.of(dir("audit_v2"), ReportIndex.ENTRY)));
    assertThat(entry)
        .isEqualTo(
            new ReportIndex.Entry(
                "card_fraud",
                "2",
                "audit_v2",
                "2026-12-02T14:14:28.111113203Z",
                CheckResult.Outcome.WARN,
                20000,
                3,
                4,
                0,
                7,
                "v1"));
  }

  @Test
  void aReportWrittenBeforeIndexEntriesIsListedAndGetsItsEntry() throws IOException {
    // A report.json as builds wrote it before there were entries: no index-entry.json beside it.
    Path old = Path.of(dir("audit_v1"));
    Files.createDirectories(old);
    Files.writeString(old.resolve(ReportStore.JSON), SampleReports.v1().toJson());

    store.write(dir("audit_v2"), SampleReports.v2());

    assertThat(index())
        .contains("<p class=meta>2 builds, newest first.")
        .contains("<a href=\"audit_v1/report.html\">report</a>");
    assertThat(
            ReportIndex.Entry.fromJson(Files.readString(old.resolve(ReportIndex.ENTRY))).version())
        .isEqualTo("1");
  }

  @Test
  void aDamagedEntryIsNamedAndDoesNotStopTheIndex() throws IOException {
    Path damaged = Path.of(dir("audit_v0"));
    Files.createDirectories(damaged);
    Files.writeString(damaged.resolve(ReportIndex.ENTRY), "{\"dataset\": ");

    store.write(dir("audit_v2"), SampleReports.v2());

    assertThat(index())
        .contains("<p class=meta>1 build, newest first.")
        .containsPattern(
            "<p class=def>Reports that could not be read: \\S*/audit_v0/index-entry.json\\.</p>");
  }

  @Test
  void withAFileIoThatCannotListTheIndexShowsTheLatestBuildAndSaysWhy() throws IOException {
    FileIO io = new InMemoryFileIO();
    String dir = "mem://tables/" + tmp.getFileName() + "/trainforge-reports/card_fraud/audit_v2";

    new ReportStore(io).write(dir, SampleReports.v2(0, null));

    String index = read(io, dir.substring(0, dir.lastIndexOf('/')) + "/" + ReportIndex.FILE);
    assertThat(index)
        .contains("<p class=meta>1 build, newest first.")
        .contains(
            "<p class=def>This table&#39;s FileIO (org.apache.iceberg.inmemory.InMemoryFileIO)"
                + " cannot list files, so the index shows the latest build only.</p>");
  }

  @Test
  void aMissingBaselineReportLeavesWarningsUnsplit() throws IOException {
    store.write(dir("audit_v2"), SampleReports.v2(0, dir("audit_gone") + "/report.json"));

    assertThat(Files.readString(Path.of(dir("audit_v2"), ReportStore.HTML)))
        .contains("<tr id=\"new\"><th>Warnings (baseline&#39;s report unread)</th>");
  }

  @Test
  void replacingAFileLeavesOnlyTheNewContent() throws IOException {
    Path target = tmp.resolve("index.html");
    Files.writeString(target, "old");

    store.replace(target.toString(), "new");

    assertThat(Files.readString(target)).isEqualTo("new");
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index.html");
    }
  }

  private static String read(FileIO io, String location) throws IOException {
    try (InputStream in = io.newInputFile(location).newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
