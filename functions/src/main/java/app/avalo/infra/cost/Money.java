package app.avalo.infra.cost;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The cost domain's money arithmetic. Amounts are PLN in integer units, never floating point:
 *
 * <ul>
 *   <li>{@code minor} — grosze (1/100 PLN): what every API answer, budget and report shows;
 *   <li>{@code micros} — millionths of a grosz: what prices and the ledger's accumulators hold.
 * </ul>
 *
 * <p>Why two units: a typical small LLM call costs well under half a grosz; rounding each call to
 * the grosz would book most of them as 0 and undercount AI spend by orders of magnitude. So each
 * call is priced exactly to the micro (half up), accumulated exactly, and an accumulated amount is
 * rounded half up to the grosz once, when it is shown.
 */
public final class Money {
  public static final long MICROS_PER_MINOR = 1_000_000L;

  /** The most a single cost event may book: 10 million PLN. Anything above is a bad input. */
  public static final long MAX_EVENT_MICROS = 1_000_000_000L * MICROS_PER_MINOR;

  private Money() {}

  /** Micros to grosze, half up (costs are never negative). */
  public static long toMinor(long micros) {
    return Math.floorDiv(Math.addExact(micros, MICROS_PER_MINOR / 2), MICROS_PER_MINOR);
  }

  public static long toMicros(long minor) {
    return Math.multiplyExact(minor, MICROS_PER_MINOR);
  }

  /**
   * {@code numerator / denominator}, rounded half up; both non-negative, the result fits a long.
   */
  static BigInteger divideHalfUp(BigInteger numerator, BigInteger denominator) {
    BigInteger[] qr = numerator.divideAndRemainder(denominator);
    return qr[1].shiftLeft(1).compareTo(denominator) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
  }

  /** {@code part / whole} as a percentage with two decimals, or null when {@code whole} is 0. */
  public static BigDecimal percent(long part, long whole) {
    if (whole == 0) {
      return null;
    }
    return BigDecimal.valueOf(part)
        .multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
  }

  /** {@code amount / count} in grosze, half up, or null when {@code count} is 0. */
  public static Long perUnit(long amountMinor, long count) {
    if (count == 0) {
      return null;
    }
    return divideHalfUp(BigInteger.valueOf(amountMinor), BigInteger.valueOf(count))
        .longValueExact();
  }

  /** "1234.56" for 123456 grosze, for human messages. */
  public static String pln(long minor) {
    return BigDecimal.valueOf(minor, 2).toPlainString();
  }
}
