package app.avalo.infra.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** One service's bucket starting at {@code start} (a whole minute, or a whole hour for rollups). */
public record BucketKey(MonitoredService service, Instant start) {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

  /** {@code chat~202611270614}: the id of a minute bucket (its counter and its sealed document). */
  public String minuteId() {
    return service.wire() + "~" + MINUTE.format(start);
  }

  /** {@code chat~2026112706}: the id of an hourly rollup. */
  public String hourId() {
    return service.wire() + "~" + HOUR.format(start);
  }

  public static Instant minuteOf(Instant t) {
    return t.truncatedTo(ChronoUnit.MINUTES);
  }

  public static Instant hourOf(Instant t) {
    return t.truncatedTo(ChronoUnit.HOURS);
  }

  /** The starts {@code from, from+step, …} before {@code to}. */
  public static List<Instant> steps(Instant from, Instant to, Duration step) {
    List<Instant> starts = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
      starts.add(t);
    }
    return starts;
  }
}
