package app.avalo.infra.cdn;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;

/**
 * Turns ffmpeg's {@code -progress} lines ({@code out_time_us=…}, one block every ~0.5 s) into a
 * fraction of the job done and reports it at most once per interval, and only when it grew — so an
 * hour-long transcode costs a Firestore write every few seconds, not one per progress block.
 */
final class TranscodeProgress implements Consumer<String> {
  private final double durationSeconds;
  private final double share;
  private final long intervalNanos;
  private final LongSupplier nanos;
  private final DoubleConsumer sink;
  private long lastReportAt;
  private double lastReported;

  /**
   * @param share the part of the whole job this run is (e.g. 0.9 for the ladder, the stills after
   *     it)
   * @param sink receives the fraction of the whole job, 0..share, to three decimals
   */
  TranscodeProgress(
      double durationSeconds,
      double share,
      Duration interval,
      LongSupplier nanos,
      DoubleConsumer sink) {
    this.durationSeconds = durationSeconds;
    this.share = share;
    this.intervalNanos = interval.toNanos();
    this.nanos = nanos;
    this.sink = sink;
    this.lastReportAt = nanos.getAsLong();
  }

  @Override
  public void accept(String line) {
    // out_time_ms is microseconds too (an old ffmpeg misnomer kept for compatibility).
    String value =
        line.startsWith("out_time_us=")
            ? line.substring(12)
            : line.startsWith("out_time_ms=") ? line.substring(12) : null;
    if (value == null || durationSeconds <= 0) {
      return;
    }
    long micros;
    try {
      micros = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return; // "N/A" before the first frame is out
    }
    double fraction =
        Math.round(Math.max(0, Math.min(1, micros / 1e6 / durationSeconds)) * share * 1000)
            / 1000.0;
    long now = nanos.getAsLong();
    if (fraction > lastReported && now - lastReportAt >= intervalNanos) {
      lastReported = fraction;
      lastReportAt = now;
      sink.accept(fraction);
    }
  }
}
