package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TranscodeProgressTest {
  private final AtomicLong now = new AtomicLong();
  private final List<Double> reported = new ArrayList<>();
  private final TranscodeProgress progress =
      new TranscodeProgress(100, 0.9, Duration.ofSeconds(5), now::get, reported::add);

  private void block(long outTimeSeconds, long atSecond) {
    now.set(Duration.ofSeconds(atSecond).toNanos());
    // One -progress block as ffmpeg writes it.
    for (String line :
        List.of(
            "frame=" + outTimeSeconds * 25,
            "fps=50.0",
            "out_time_us=" + outTimeSeconds * 1_000_000,
            "out_time_ms=" + outTimeSeconds * 1_000_000,
            "out_time=00:00:10.000000",
            "speed=2.0x",
            "progress=continue")) {
      progress.accept(line);
    }
  }

  @Test
  void reportsTheLadderShareAtMostOncePerInterval() {
    block(1, 1);
    block(3, 3);
    assertEquals(List.of(), reported, "nothing before the first interval is up");
    block(10, 5);
    assertEquals(List.of(0.09), reported, "10 s of 100 s is 10 % of the ladder's 90 % share");
    block(12, 7);
    block(14, 9);
    assertEquals(1, reported.size(), "throttled: " + reported);
    block(50, 10);
    assertEquals(List.of(0.09, 0.45), reported);
  }

  @Test
  void neverGoesBackwardsOrPastItsShareAndIgnoresNotAvailable() {
    progress.accept("out_time_us=N/A");
    block(80, 5);
    block(40, 11);
    block(250, 17);
    assertEquals(
        List.of(0.72, 0.9),
        reported,
        "a smaller value is skipped, an overshoot is capped: " + reported);
  }
}
