package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.report.ReportIndex;
import dev.trainforge.report.ReportStore;
import dev.trainforge.testing.SharedSpark;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * report.html renders in a real browser: Debian's Chromium, headless, opens the report of a sample
 * version compared with its baseline, from a file, with the network unreachable. The page must show
 * the verdict and draw every histogram, with nothing fetched from elsewhere; its first screen (a
 * 1280 x 900 window) must hold the verdict, the leakage line and the drifted columns; the dataset's
 * index page must list both builds. Version 2 gives {@code user_auth} a longer max age, so that its
 * two columns drift in their null share and its match rate rises.
 */
class ReportRenderIT {
  private static final int WIDTH = 1280;
  private static final int HEIGHT = 16_000;

  /** What a laptop shows without scrolling. */
  private static final int SCREEN = 900;

  /** Colours report.html gives the WARN verdict and the two histogram series. */
  private static final int WARN = 0x9a6700;

  private static final int CURRENT = 0x1f4e9c;
  private static final int BASELINE = 0xc6d4ec;

  private static Path home;

  /** Version 2's report.html. */
  private static Path html;

  @BeforeAll
  static void buildTwoVersions() {
    home = SharedSpark.tempDir("trainforge-report-it");
    String catalog = "it_report";
    SampleBuilds.generate(home, catalog, "1");
    SampleBuilds.generate(home, catalog, "2", "dataset.features.user_auth.max-age=2d");
    html = reportOf(catalog, "v2");
  }

  @Test
  void rendersTheVerdictAndEveryHistogramInHeadlessChromium() throws Exception {
    String source = Files.readString(html);
    int charts = count(source, "<svg class=\"chart\"");
    assertThat(charts).as("histograms in report.html").isGreaterThan(5);
    assertThat(source).doesNotContain("<script", "<link", "@import", "url(");

    String dom = chromium(home, "--dump-dom", html);
    assertThat(dom).contains("<div id=\"verdict\" class=\"WARN\">WARN</div>");
    assertThat(count(dom, "<svg class=\"chart\""))
        .as("histograms in the browser's DOM")
        .isEqualTo(charts);
    assertThat(count(dom, "<rect class=\"current\""))
        .isEqualTo(count(source, "<rect class=\"current\""));

    Path png = home.resolve("report.png");
    chromium(home, "--screenshot=" + png, html);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(WIDTH);
    // The verdict box (3 px border and text in WARN's colour) sits at the top of the page.
    assertThat(pixels(image, WARN, 0, 400))
        .as("WARN-coloured pixels at the top")
        .isGreaterThan(300);
    // Every chart draws both series; a bar is at least a few pixels.
    assertThat(pixels(image, CURRENT, 0, HEIGHT)).isGreaterThan(charts * 50);
    assertThat(pixels(image, BASELINE, 0, HEIGHT)).isGreaterThan(charts * 50);
  }

  @Test
  void theFirstScreenSaysWhetherItIsOkWhatLeakedAndWhatDrifted() throws Exception {

    String dom = chromium(home, SCREEN, "--dump-dom", html);
    String summary =
        dom.substring(dom.indexOf("<header id=\"summary\">"), dom.indexOf("</header>"));
    assertThat(summary)
        .contains("<div id=\"verdict\" class=\"WARN\">WARN</div>")
        .contains(
            "<p id=\"answer\">Passes with 5 warnings: 2 new since v1, 3 recurring (also in"
                + " v1).</p>")
        .contains(
            "<td class=\"PASS\">none: 0 of 48545 matched rows in 3 sources break the"
                + " point-in-time rules (e &lt;= t - g, a &lt;= t - g, e &gt;= t - M)</td>")
        .contains("2 of 9 columns drifted against v1:")
        .contains(
            "<a href=\"#column-recent_failed_logins\">recent_failed_logins</a> <span"
                + " class=\"badge WARN\">drifted</span> in the null share: 58.5% → 42.2%")
        .contains(
            "<a href=\"#column-user_auth__new_device\">user_auth__new_device</a> <span"
                + " class=\"badge WARN\">drifted</span> in the null share: 58.5% → 42.2%")
        .contains(
            "<li class=\"flag WARN\">user_auth 41.5% → 57.8%, rose 16.2 points (beyond"
                + " ±5.0)</li>")
        .contains("3 warnings that also fired in v1:");

    // Where the browser lays them out: a copy of the page with a probe script (the report itself
    // has none) writes the bottom of each part into the DOM.
    Path probe = html.resolveSibling("first-screen-probe.html");
    Files.writeString(
        probe,
        Files.readString(html)
            .replace(
                "</body>",
                "<script>var b=function(i){return Math.round(document.getElementById(i)"
                    + ".getBoundingClientRect().bottom)};document.body.insertAdjacentHTML("
                    + "'beforeend','<pre id=probe>'+['summary','verdict','leakage','drift',"
                    + "'match-rates','new'].map(function(i){return i+'='+b(i)}).join(' ')"
                    + "+'</pre>')</script></body>"));
    Matcher bottoms =
        Pattern.compile(
                "<pre id=\"probe\">summary=(\\d+) verdict=(\\d+) leakage=(\\d+) drift=(\\d+)"
                    + " match-rates=(\\d+) new=(\\d+)</pre>")
            .matcher(chromium(home, SCREEN, "--dump-dom", probe));
    assertThat(bottoms.find()).as("the probe's line in the DOM").isTrue();
    for (int i = 1; i <= 6; i++) {
      assertThat(Integer.parseInt(bottoms.group(i)))
          .as("bottom of part %d of the first screen, in px", i)
          .isPositive()
          .isLessThanOrEqualTo(SCREEN);
    }

    // What the window shows: the verdict box at the top, the two drift badges below it.
    Path png = home.resolve("first-screen.png");
    chromium(home, SCREEN, "--screenshot=" + png, html);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getHeight()).isEqualTo(SCREEN);
    assertThat(pixels(image, WARN, 0, 170)).as("the verdict box").isGreaterThan(300);
    assertThat(pixels(image, WARN, 170, SCREEN))
        .as("WARN-coloured pixels below the verdict: badges, the flagged match rate")
        .isGreaterThan(2 * 600);
  }

  @Test
  void theIndexPageListsEveryBuildWithALinkToItsReport() throws Exception {
    Path index = html.getParent().resolveSibling(ReportIndex.FILE);
    assertThat(index).exists();
    assertThat(Files.readString(index)).doesNotContain("<script", "<link", "@import", "url(");

    String dom = chromium(home, SCREEN, "--dump-dom", index);
    Matcher rows =
        Pattern.compile(
                "<tr><td class=\"l\">(\\d)</td>.*?<td class=\"(\\w+)\">\\w+</td><td>20000</td>"
                    + "<td class=\"\\w+\">(\\d) of 9</td>.*?<a href=\"([^\"]+)\">report</a>")
            .matcher(dom);
    List<String> found = new ArrayList<>();
    while (rows.find()) {
      found.add(rows.group(1) + " " + rows.group(2) + " " + rows.group(3));
      assertThat(index.resolveSibling(rows.group(4))).as("the report a row links to").exists();
    }
    assertThat(found).containsExactly("2 WARN 2", "1 WARN 0");
  }

  private static Path reportOf(String catalog, String tag) {
    String json =
        SampleBuilds.tagged(SampleBuilds.table(catalog), tag).summary().get("trainforge.report");
    assertThat(json).endsWith("/" + ReportStore.JSON);
    String dir = json.substring(0, json.length() - ReportStore.JSON.length());
    Path html =
        Path.of(dir.startsWith("file:") ? dir.substring("file:".length()) : dir)
            .resolve(ReportStore.HTML);
    assertThat(html).exists();
    return html;
  }

  /** Runs headless Chromium on {@code page} with {@code action}; returns what it printed. */
  private static String chromium(Path home, String action, Path page) throws Exception {
    return chromium(home, HEIGHT, action, page);
  }

  /** Runs headless Chromium on {@code page} in a window {@code height} px tall. */
  private static String chromium(Path home, int height, String action, Path page) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ItEnv.chromium().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--user-data-dir=" + Files.createTempDirectory(home, "chromium-profile"),
                "--window-size=" + WIDTH + "," + height,
                action,
                page.toUri().toString()));
    Path log = Files.createTempFile(home, "chromium", ".log");
    Path out = Files.createTempFile(home, "chromium", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile());
    Process p = builder.start();
    if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 2 minutes:\n" + ChildProcess.tail(log));
    }
    assertThat(p.exitValue()).as("chromium exit code:\n%s", ChildProcess.tail(log)).isZero();
    return Files.readString(out);
  }

  private static int pixels(BufferedImage image, int rgb, int fromY, int toY) {
    int n = 0;
    for (int y = fromY; y < Math.min(toY, image.getHeight()); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
