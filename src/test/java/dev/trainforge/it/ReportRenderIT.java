package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import dev.trainforge.validate.ReportStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * report.html renders in a real browser: Debian's Chromium, headless, opens the report of a sample
 * version compared with its baseline, from a file, with the network unreachable. The page must show
 * the verdict and draw every histogram, with nothing fetched from elsewhere.
 */
class ReportRenderIT {
  private static final int WIDTH = 1280;
  private static final int HEIGHT = 16_000;

  /** Colours report.html gives the WARN verdict and the two histogram series. */
  private static final int WARN = 0x9a6700;

  private static final int CURRENT = 0x1f4e9c;
  private static final int BASELINE = 0xc6d4ec;

  @Test
  void rendersTheVerdictAndEveryHistogramInHeadlessChromium() throws Exception {
    Path home = SharedSpark.tempDir("trainforge-report-it");
    String catalog = "it_report";
    SampleBuilds.generate(home, catalog, "1");
    SampleBuilds.generate(home, catalog, "2");
    Path html = reportOf(catalog, "v2");
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
                "--window-size=" + WIDTH + "," + HEIGHT,
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
