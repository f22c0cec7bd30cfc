package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Catalog;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The local scheduler fires when Cloud Scheduler would: unix-cron read in the job's time zone. */
class LocalSchedulerTest {
  private static final Catalog.Retry RETRY = new Catalog.Retry(3, "10s", "300s", 3);

  private static Instant next(String schedule, String timeZone, String after) {
    return LocalScheduler.nextRun(
        new Catalog.SchedulerSettings(schedule, timeZone, "60s", RETRY), Instant.parse(after));
  }

  @Test
  void aDailyJobFiresAtItsLocalTimeAcrossDaylightSavingTime() {
    // 02:30 in Berlin is 01:30 UTC in winter (CET) and 00:30 UTC in summer (CEST).
    assertEquals(
        Instant.parse("2026-01-15T01:30:00Z"),
        next("30 2 * * *", "Europe/Berlin", "2026-01-15T00:00:00Z"));
    assertEquals(
        Instant.parse("2026-07-15T00:30:00Z"),
        next("30 2 * * *", "Europe/Berlin", "2026-07-15T00:00:00Z"));
    assertEquals(
        Instant.parse("2026-07-15T02:30:00Z"),
        next("30 2 * * *", "Etc/UTC", "2026-07-15T00:00:00Z"));
  }

  @Test
  void theNextRunIsStrictlyAfterTheLastOne() {
    assertEquals(
        Instant.parse("2026-03-01T10:05:00Z"),
        next("*/5 * * * *", "Etc/UTC", "2026-03-01T10:00:00Z"));
    assertEquals(
        Instant.parse("2026-04-01T00:05:00Z"),
        next("5 0 1 * *", "Etc/UTC", "2026-03-01T00:05:00Z"));
  }

  @Test
  void everyCatalogJobHasANextRun() {
    Instant now = Instant.parse("2026-03-01T10:00:30Z");
    for (Catalog.Entry job : Catalog.bundled().jobs()) {
      Instant next = LocalScheduler.nextRun(job.scheduler(), now);
      assertTrue(
          next.isAfter(now) && next.isBefore(now.plusSeconds(32L * 24 * 3600)),
          job.name() + ": " + next);
    }
  }
}
