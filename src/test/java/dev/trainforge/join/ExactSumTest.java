package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {
  /** Whether {@code d} is the double nearest to {@code exact} (within half an ulp). */
  private static boolean correctlyRounded(double d, BigDecimal exact) {
    BigDecimal error = new BigDecimal(d).subtract(exact).abs();
    return error.compareTo(new BigDecimal(Math.ulp(d)).divide(BigDecimal.valueOf(2))) <= 0;
  }

  private static double value(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> r.nextGaussian() * Math.pow(2, r.nextInt(2000) - 1000);
      case 1 -> (r.nextBoolean() ? 1 : -1) * 1e300 * r.nextDouble();
      case 2 -> Double.MIN_VALUE * r.nextInt(1000);
      case 3 -> r.nextInt(100) - 50;
      default -> r.nextGaussian();
    };
  }

  @Test
  void isTheCorrectlyRoundedExactSumInAnyOrderOfAddsAndSubtracts() {
    Random r = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      List<Double> kept = new ArrayList<>();
      ExactSum sum = new ExactSum();
      int n = 1 + r.nextInt(40);
      for (int i = 0; i < n; i++) {
        double x = value(r);
        kept.add(x);
        sum.add(x);
        if (r.nextInt(3) == 0) {
          double y = value(r); // in and out again
          sum.add(y);
          sum.subtract(y);
        }
      }
      Collections.shuffle(kept, r);
      int removed = r.nextInt(kept.size() + 1);
      for (int i = 0; i < removed; i++) {
        sum.subtract(kept.remove(kept.size() - 1));
      }
      BigDecimal exact = BigDecimal.ZERO;
      for (double x : kept) {
        exact = exact.add(new BigDecimal(x));
      }
      assertThat(correctlyRounded(sum.value(), exact))
          .as("sum of %s is %s", kept, sum.value())
          .isTrue();
      ExactSum copy = new ExactSum();
      ByteBuffer bytes = ByteBuffer.allocate(sum.maxBytes());
      sum.write(bytes);
      bytes.flip();
      copy.read(bytes);
      assertThat(copy.value()).isEqualTo(sum.value());
      assertThat(copy.integer()).isEqualTo(sum.integer());
    }
  }

  @Test
  void cancelsExactlyWhereDoublesWouldNot() {
    ExactSum sum = new ExactSum();
    sum.add(1e16);
    sum.add(1.5);
    sum.add(-1e16);
    assertThat(sum.value()).isEqualTo(1.5);
    assertThat(1e16 + 1.5 - 1e16).isNotEqualTo(1.5);
  }

  @Test
  void nanAndInfinitiesCombineAsIeeeAdditionDoesAndLeaveAgain() {
    ExactSum sum = new ExactSum();
    sum.add(1.0);
    sum.add(Double.POSITIVE_INFINITY);
    assertThat(sum.value()).isEqualTo(Double.POSITIVE_INFINITY);
    sum.add(Double.NEGATIVE_INFINITY);
    assertThat(sum.value()).isNaN();
    sum.subtract(Double.POSITIVE_INFINITY);
    sum.subtract(Double.NEGATIVE_INFINITY);
    assertThat(sum.value()).isEqualTo(1.0);
  }
}
