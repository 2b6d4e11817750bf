package dev.trainforge.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one number formatter: exact outputs. */
class NumbersTest {
  @Test
  void statisticsHaveFourSignificantDigitsAndNoExponentForLargeValues() {
    assertThat(Numbers.stat(15.0)).isEqualTo("15");
    assertThat(Numbers.stat(0.0)).isEqualTo("0");
    assertThat(Numbers.stat(-3.0)).isEqualTo("-3");
    assertThat(Numbers.stat(430.0 / 30)).isEqualTo("14.33");
    assertThat(Numbers.stat(0.5)).isEqualTo("0.5000");
    assertThat(Numbers.stat(0.004451367)).isEqualTo("0.004451");
    assertThat(Numbers.stat(1.0 / 30)).isEqualTo("0.03333");
    assertThat(Numbers.stat(9999.4)).isEqualTo("9999");
    assertThat(Numbers.stat(9999.6)).isEqualTo("10000");
    assertThat(Numbers.stat(153400.4)).isEqualTo("153400");
    assertThat(Numbers.stat(-153400.6)).isEqualTo("-153401");
    assertThat(Numbers.stat(4.440892098500626e-17)).isEqualTo("4.441e-17");
    assertThat(Numbers.stat(1e20)).isEqualTo("100000000000000000000");
    assertThat(Numbers.stat(Double.NaN)).isEqualTo("NaN");
    assertThat(Numbers.stat(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(Numbers.stat(null, "-")).isEqualTo("-");
    assertThat(Numbers.stat(2.5, "-")).isEqualTo("2.500");
  }

  @Test
  void fixedDecimals() {
    assertThat(Numbers.fixed(0.5, 4)).isEqualTo("0.5000");
    assertThat(Numbers.fixed(0.12345, 3)).isEqualTo("0.123");
    assertThat(Numbers.fixed(1234.56, 1)).isEqualTo("1234.6");
  }

  @Test
  void durationsInHumanUnits() {
    assertThat(Numbers.duration(153400)).isEqualTo("1.8 d");
    assertThat(Numbers.duration(36 * 3600 + 19 * 60)).isEqualTo("1.5 d");
    assertThat(Numbers.duration(11_520)).isEqualTo("3.2 h");
    assertThat(Numbers.duration(3600)).isEqualTo("1.0 h");
    assertThat(Numbers.duration(750)).isEqualTo("12.5 min");
    assertThat(Numbers.duration(42)).isEqualTo("42.0 s");
    assertThat(Numbers.duration(30.1)).isEqualTo("30.1 s");
    assertThat(Numbers.duration(0.25)).isEqualTo("0.25 s");
    assertThat(Numbers.duration(0)).isEqualTo("0.00 s");
    // No unit that rounds up to the next one: 59.96 s is not "60.0 s".
    assertThat(Numbers.duration(59.96)).isEqualTo("1.0 min");
    assertThat(Numbers.duration(3599)).isEqualTo("1.0 h");
    assertThat(Numbers.duration(86_399)).isEqualTo("1.0 d");
    assertThat(Numbers.duration(-90)).isEqualTo("-1.5 min");
    assertThat(Numbers.duration(null, "-")).isEqualTo("-");
    assertThat(Numbers.millis(30_100)).isEqualTo("30.1 s");
    assertThat(Numbers.millis(125_300)).isEqualTo("2.1 min");
  }

  @Test
  void sharesAsPercentagesWithOneDecimalAndNoSmallShareReadAsNone() {
    assertThat(Numbers.percent(0.58475)).isEqualTo("58.5%");
    assertThat(Numbers.percent(0.0)).isEqualTo("0.0%");
    assertThat(Numbers.percent(1.0)).isEqualTo("100.0%");
    assertThat(Numbers.percent(0.0004)).isEqualTo("<0.1%");
    assertThat(Numbers.percent(0.0006)).isEqualTo("0.1%");
  }
}
