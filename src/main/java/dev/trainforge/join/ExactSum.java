package dev.trainforge.join;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An exact sum of doubles that values can be added to and taken out of in any order, read as the
 * correctly rounded double of the exact sum. Every finite double is an integer multiple of
 * 2<sup>-1074</sup>, so the sum is kept as a fixed-point integer in 32-bit limbs, each held in a
 * long so that carries can wait (a limb absorbs 2<sup>30</sup> additions before carries must be
 * propagated). So the result does not depend on the order of the additions, or on how a window's
 * rows were split over partitions and map tasks: a join's sums are the same bits whatever the
 * partitioning. NaN and infinities are counted apart, as IEEE addition would combine them.
 *
 * <p>Costs about 70 longs of memory, three limb additions per value, and a scan of the used limbs
 * per read.
 */
final class ExactSum {
  private static final int LIMBS = 70;
  private static final long MASK = 0xFFFF_FFFFL;
  private static final int NORMALIZE_EVERY = 1 << 30;

  private final long[] limbs = new long[LIMBS];
  private int lo = LIMBS;
  private int hi = -1;
  private int pending;
  private long nans;
  private long positiveInfinities;
  private long negativeInfinities;

  /** Adds {@code x}. */
  void add(double x) {
    add(x, 1);
  }

  /** Takes {@code x} out again. */
  void subtract(double x) {
    add(x, -1);
  }

  private void add(double x, int sign) {
    if (Double.isNaN(x)) {
      nans += sign;
      return;
    }
    if (Double.isInfinite(x)) {
      if (x > 0) {
        positiveInfinities += sign;
      } else {
        negativeInfinities += sign;
      }
      return;
    }
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) ((bits >>> 52) & 0x7FF);
    long mantissa = bits & ((1L << 52) - 1);
    if (exponent == 0) {
      exponent = 1; // subnormal: no hidden bit
    } else {
      mantissa |= 1L << 52;
    }
    if (mantissa == 0) {
      return;
    }
    long signed = bits < 0 ? -sign : sign;
    // the value is mantissa * 2^(exponent - 1) units of 2^-1074
    int position = exponent - 1;
    int i = position >>> 5;
    int shift = position & 31;
    long rest = shift == 0 ? mantissa >>> 32 : mantissa >>> (32 - shift);
    limbs[i] += signed * ((mantissa << shift) & MASK);
    limbs[i + 1] += signed * (rest & MASK);
    limbs[i + 2] += signed * (rest >>> 32);
    lo = Math.min(lo, i);
    hi = Math.max(hi, i + 2);
    if (++pending >= NORMALIZE_EVERY) {
      normalize();
    }
  }

  /** Adds another sum (times {@code sign}, 1 or -1). */
  void add(ExactSum other, int sign) {
    other.normalize();
    for (int i = other.lo; i <= other.hi; i++) {
      limbs[i] += sign * other.limbs[i];
    }
    if (other.hi >= 0) {
      lo = Math.min(lo, other.lo);
      hi = Math.max(hi, other.hi);
    }
    nans += sign * other.nans;
    positiveInfinities += sign * other.positiveInfinities;
    negativeInfinities += sign * other.negativeInfinities;
    normalize();
  }

  void clear() {
    if (hi >= 0) {
      Arrays.fill(limbs, lo, hi + 1, 0L);
    }
    lo = LIMBS;
    hi = -1;
    pending = 0;
    nans = 0;
    positiveInfinities = 0;
    negativeInfinities = 0;
  }

  /** Propagates carries: limbs below the top in [0, 2^32), the top one signed. */
  private void normalize() {
    pending = 0;
    if (hi < 0) {
      return;
    }
    long carry = 0;
    for (int i = lo; i < LIMBS - 1; i++) {
      if (i > hi && carry == 0) {
        break;
      }
      long v = limbs[i] + carry;
      limbs[i] = v & MASK;
      carry = v >> 32;
      hi = Math.max(hi, i);
    }
    limbs[LIMBS - 1] += carry;
    if (carry != 0) {
      hi = LIMBS - 1;
    }
    while (hi >= lo && limbs[hi] == 0) {
      hi--;
    }
    if (hi < lo) {
      lo = LIMBS;
      hi = -1;
    } else {
      while (limbs[lo] == 0) {
        lo++;
      }
    }
  }

  /** The exact sum, rounded to the nearest double (ties to even). */
  double value() {
    if (nans > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
      return Double.NaN;
    }
    if (positiveInfinities > 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (negativeInfinities > 0) {
      return Double.NEGATIVE_INFINITY;
    }
    normalize();
    if (hi < 0) {
      return 0.0;
    }
    boolean negative = limbs[LIMBS - 1] < 0;
    long[] m = negative ? negated() : limbs;
    int top = LIMBS - 1;
    while (top >= 0 && m[top] == 0) {
      top--;
    }
    if (top < 0) {
      return 0.0;
    }
    double magnitude = round(m, top);
    return negative ? -magnitude : magnitude;
  }

  /** The exact finite sum as an integer number of 2^-1074 units. */
  java.math.BigInteger integer() {
    normalize();
    if (hi < 0) {
      return java.math.BigInteger.ZERO;
    }
    boolean negative = limbs[LIMBS - 1] < 0;
    long[] m = negative ? negated() : limbs;
    java.math.BigInteger out = java.math.BigInteger.ZERO;
    int top = LIMBS - 1;
    while (top > 0 && m[top] == 0) {
      top--;
    }
    for (int i = top; i >= 0; i--) {
      out = out.shiftLeft(32).or(java.math.BigInteger.valueOf(m[i]));
    }
    return negative ? out.negate() : out;
  }

  /** The magnitude of a negative sum, in limbs of [0, 2^32). */
  private long[] negated() {
    long[] m = new long[LIMBS];
    long carry = 1;
    for (int i = 0; i < LIMBS; i++) {
      long v = (~limbs[i] & MASK) + carry;
      m[i] = v & MASK;
      carry = v >>> 32;
    }
    return m;
  }

  private static long limb(long[] m, int i) {
    return i >= 0 ? m[i] : 0L;
  }

  /** Rounds the integer {@code m} (limbs of 32 bits, top one non-zero) times 2^-1074. */
  private static double round(long[] m, int top) {
    int leading = Long.numberOfLeadingZeros(m[top]) - 32;
    int msb = 32 * top + 31 - leading; // position of the highest set bit
    if (msb < 53) {
      // fewer than 54 significant bits: exactly representable
      long v = (limb(m, 1) << 32) | limb(m, 0);
      return Math.scalb((double) v, -1074);
    }
    // the 64 bits from the highest set bit down, and whether anything below them is set
    long top64 =
        (m[top] << (32 + leading))
            | (limb(m, top - 1) << leading)
            | (leading == 0 ? 0 : limb(m, top - 2) >>> (32 - leading));
    boolean sticky = leading != 0 && (limb(m, top - 2) & ((1L << (32 - leading)) - 1)) != 0;
    if (leading == 0) {
      sticky = limb(m, top - 2) != 0;
    }
    for (int i = top - 3; i >= 0 && !sticky; i--) {
      sticky = m[i] != 0;
    }
    long mantissa = top64 >>> 11;
    boolean half = (top64 & (1L << 10)) != 0;
    sticky |= (top64 & ((1L << 10) - 1)) != 0;
    if (half && (sticky || (mantissa & 1) != 0)) {
      mantissa++;
    }
    // mantissa's lowest bit is at position msb - 52
    return Math.scalb((double) mantissa, msb - 52 - 1074);
  }

  /** The state, to be carried to another task: see {@link #read}. */
  void write(ByteBuffer out) {
    normalize();
    out.putLong(nans).putLong(positiveInfinities).putLong(negativeInfinities);
    out.putInt(hi < 0 ? 0 : hi - lo + 1);
    out.putInt(lo);
    for (int i = lo; i <= hi; i++) {
      out.putLong(limbs[i]);
    }
  }

  /** Bytes that {@link #write} takes at most. */
  int maxBytes() {
    return 3 * 8 + 8 + 8 * LIMBS;
  }

  /** Adds a state written by {@link #write}. */
  void read(ByteBuffer in) {
    nans += in.getLong();
    positiveInfinities += in.getLong();
    negativeInfinities += in.getLong();
    int n = in.getInt();
    int from = in.getInt();
    for (int i = 0; i < n; i++) {
      limbs[from + i] += in.getLong();
    }
    if (n > 0) {
      lo = Math.min(lo, from);
      hi = Math.max(hi, from + n - 1);
    }
    normalize();
  }
}
