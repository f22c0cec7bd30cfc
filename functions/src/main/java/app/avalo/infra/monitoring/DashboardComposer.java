package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds {@code getDashboardData}: every section's snapshot, taken concurrently (each is a few
 * reads), each bounded by {@link #SECTION_TIMEOUT}. A section that fails or times out appears as
 * {@code {available: false, reason}} and is logged; the others are unaffected.
 */
final class DashboardComposer {
  static final Duration SECTION_TIMEOUT = Duration.ofSeconds(8);

  private final List<DashboardSection.Named> sections;

  DashboardComposer(List<DashboardSection.Named> sections) {
    this.sections = sections;
  }

  /** One section: {@code {available: true, data}} or {@code {available: false, reason}}. */
  record Section(boolean available, Object data, String reason) {
    static Section of(Object data) {
      return new Section(true, data, null);
    }

    static Section unavailable(String reason) {
      return new Section(false, null, reason);
    }
  }

  /** {@code sections} maps each section name to its {@link Section}, in the root's order. */
  record Dashboard(Instant generatedAt, Map<String, Section> sections) {}

  Dashboard compose(Clock clock) throws InterruptedException {
    Map<String, Section> out = new LinkedHashMap<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Object>> futures = new ArrayList<>();
      for (DashboardSection.Named section : sections) {
        futures.add(executor.submit(() -> section.section().get().snapshot()));
      }
      long deadline = System.nanoTime() + SECTION_TIMEOUT.toNanos();
      for (int i = 0; i < sections.size(); i++) {
        DashboardSection.Named section = sections.get(i);
        Future<Object> future = futures.get(i);
        Section entry;
        try {
          entry =
              Section.of(
                  future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
          entry = Section.unavailable(reason(section, e.getCause()));
        } catch (TimeoutException e) {
          future.cancel(true);
          Log.warn("dashboard section timed out", Map.of("section", section.name()));
          entry = Section.unavailable("timed out after " + SECTION_TIMEOUT.toSeconds() + " s");
        }
        out.put(section.name(), entry);
      }
      executor.shutdownNow();
    }
    return new Dashboard(clock.instant(), out);
  }

  private static String reason(DashboardSection.Named section, Throwable cause) {
    if (cause instanceof ApiException api) {
      Log.info(
          "dashboard section unavailable: " + api.getMessage(), Map.of("section", section.name()));
      return api.getMessage();
    }
    // Unexpected failures keep their detail in the log, not in the response.
    Log.error("dashboard section failed", Map.of("section", section.name()), cause);
    return "internal error (see logs)";
  }
}
