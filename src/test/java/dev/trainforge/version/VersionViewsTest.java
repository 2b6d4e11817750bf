package dev.trainforge.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What list and show print, from metadata alone: any trainforge.* key shows, unknown or not. */
class VersionViewsTest {
  private static VersionInfo version(Map<String, String> summary) {
    return new VersionInfo("v7", 123L, Instant.parse("2026-01-05T10:11:12.345Z"), false, summary);
  }

  @Test
  void showPrintsKeysItDoesNotKnowAndIndentsJsonValues() {
    VersionInfo v =
        version(
            Map.of(
                "trainforge.version", "7",
                "trainforge.inputs", "{\"labels\":{\"kind\":\"parquet-listing\",\"files\":3}}",
                "trainforge.content-checksum", "40:1f2e",
                "total-records", "40",
                "added-files-size", "999"));
    String out = VersionViews.show("c.ns.t", new VersionViews.Entry(v, Optional.empty()));
    assertThat(out)
        .isEqualTo(
            String.join(
                "\n",
                "version    v7 (snapshot 123)",
                "table      c.ns.t",
                "created    2026-01-05T10:11:12Z",
                "dataset    -",
                "rows       40",
                "config     -",
                "code       -",
                "run id     -",
                "window     all label times",
                "validation - (built without a report)",
                "report     -",
                "properties (every trainforge.* key of the snapshot summary):",
                "  trainforge.content-checksum = 40:1f2e",
                "  trainforge.inputs =",
                "    {",
                "      \"labels\" : {",
                "        \"kind\" : \"parquet-listing\",",
                "        \"files\" : 3",
                "      }",
                "    }",
                "  trainforge.version = 7",
                ""));
  }

  @Test
  void listMarksAReportThatIsGone() {
    VersionInfo v =
        version(
            Map.of(
                "trainforge.report", "/nowhere/report.json",
                "trainforge.config-sha256", "0123456789abcdef0123",
                "trainforge.label-rows", "12"));
    assertThat(
            VersionViews.listText(java.util.List.of(new VersionViews.Entry(v, Optional.empty()))))
        .isEqualTo(
            "VERSION  CREATED               ROWS  CONFIG                   VALIDATION  MAIN\n"
                + "v7       2026-01-05T10:11:12Z  12    sha256:0123456789abcdef  missing\n");
  }
}
