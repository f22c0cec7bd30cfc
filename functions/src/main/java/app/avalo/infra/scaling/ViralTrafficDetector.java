package app.avalo.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Detects viral traffic: the request rate sustained at {@code factor}× (default 5×) its baseline
 * turns burst protection on (trigger {@code viral}, with an expiry that is pushed out while the
 * surge lasts); once traffic has stayed under {@code normalFactor}× the baseline for {@code
 * normalFor}, the viral burst is turned off.
 *
 * <p><b>Baseline.</b> The median of the mean request rate in the same hour of the week over the
 * previous weeks (at least two weeks with data, up to {@code baselineWeeks}): Saturday 21:00 is
 * compared with earlier Saturdays at 21:00, so the evening peak of a daily or weekly cycle is not
 * mistaken for a surge, and the median ignores one unusual week. Until two weeks of history exist
 * it falls back to the median per-minute rate of the hour before the measured window (a cycle
 * rarely climbs 5× within an hour; a surge that builds up over hours is missed by the fallback).
 * With neither, there is no baseline and nothing is decided. While a viral burst is live, "normal"
 * is judged against the lower of the baseline now and the one the burst was triggered against, so a
 * long surge cannot raise its own trailing baseline and end itself.
 *
 * <p><b>Sustained.</b> Every one of the last {@code sustainMinutes} complete minutes must be at or
 * above the threshold (and above {@code minRps}, so 1 → 5 requests/s on a quiet service is not
 * "viral"); a missing minute means not sustained.
 */
public final class ViralTrafficDetector {
  static final int TRAILING_MINUTES = 60;
  static final int TRAILING_MIN_BUCKETS = 30;

  /** A baseline rate and where it came from ({@code hour-of-week} or {@code trailing-hour}). */
  public record Baseline(double rps, String source, int points) {}

  /** What the detector saw for one service. */
  public record Assessment(
      Baseline baseline, Double sustainedRps, Double peakRps, boolean viral, String note) {}

  private final ServiceMetricsStore metrics;
  private final ScalingStore store;
  private final BurstProtection bursts;
  private final ScalingAlerts alerts;
  private final ScalingConfig.Viral config;

  ViralTrafficDetector(
      ServiceMetricsStore metrics,
      ScalingStore store,
      BurstProtection bursts,
      ScalingAlerts alerts,
      ScalingConfig.Viral config) {
    this.metrics = metrics;
    this.store = store;
    this.bursts = bursts;
    this.alerts = alerts;
    this.config = config;
  }

  /**
   * The outcome for one service: {@code action} is burst_on, extended, normal_pending, burst_off,
   * elevated or none.
   */
  public record Check(String service, String action, String note, Assessment assessment) {
    /** Whether burst protection changed, so the service should be re-evaluated now. */
    public boolean burstChanged() {
      return action.equals("burst_on") || action.equals("burst_off");
    }
  }

  public Check check(LogicalService service, Instant now) {
    Assessment a = assess(service, now);
    Burst burst = store.burst(service);
    boolean live = burst != null && burst.liveAt(now);
    if (a.viral()) {
      if (live && !"viral".equals(burst.trigger())) {
        return new Check(
            service.id(), "none", "viral traffic while a manual burst is live; left as is", a);
      }
      if (live) {
        double peak = Math.max(a.peakRps(), burst.peakRps() == null ? 0 : burst.peakRps());
        store.saveBurst(
            service,
            new Burst(
                true,
                "viral",
                burst.reason(),
                burst.since(),
                now.plus(config.burstDuration()),
                burst.by(),
                burst.baselineRps(),
                peak,
                null,
                null,
                null));
        return new Check(
            service.id(),
            "extended",
            "still viral; expiry moved to " + now.plus(config.burstDuration()),
            a);
      }
      String message =
          String.format(
              Locale.ROOT,
              "viral traffic: %.1f req/s sustained for %d min vs baseline %.1f "
                  + "(%s) — burst protection on until %s",
              a.sustainedRps(),
              config.sustainMinutes(),
              a.baseline().rps(),
              a.baseline().source(),
              now.plus(config.burstDuration()));
      bursts.enableViral(
          service, config.burstDuration(), a.baseline().rps(), a.peakRps(), message, now);
      alerts.viralTraffic(service, message, a.baseline().rps(), a.sustainedRps());
      return new Check(service.id(), "burst_on", message, a);
    }
    if (!live || !"viral".equals(burst.trigger())) {
      return new Check(service.id(), "none", a.note(), a);
    }
    Double reference = burst.baselineRps();
    if (a.baseline() != null) {
      reference = reference == null ? a.baseline().rps() : Math.min(reference, a.baseline().rps());
    }
    boolean normal =
        reference != null && a.peakRps() != null && a.peakRps() < config.normalFactor() * reference;
    if (!normal) {
      if (burst.normalSince() != null) {
        store.saveBurst(service, burst.withNormalSince(null));
      }
      return new Check(service.id(), "elevated", "traffic not back to normal yet", a);
    }
    if (burst.normalSince() == null) {
      store.saveBurst(service, burst.withNormalSince(now));
      return new Check(service.id(), "normal_pending", "traffic normal since " + now, a);
    }
    Duration normalFor = Duration.between(burst.normalSince(), now);
    if (normalFor.compareTo(config.normalFor()) < 0) {
      return new Check(
          service.id(),
          "normal_pending",
          "traffic normal for "
              + normalFor.toMinutes()
              + " of "
              + config.normalFor().toMinutes()
              + " min",
          a);
    }
    String why = "traffic normal for " + normalFor.toMinutes() + " min";
    bursts.disable(service, "detectViralTraffic", why, now);
    alerts.viralTrafficOver(service, why);
    return new Check(service.id(), "burst_off", why, a);
  }

  /** Reads what {@link #assess(Instant, List, List, ScalingConfig.Viral)} needs and assesses. */
  public Assessment assess(LogicalService service, Instant now) {
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    List<Instant> sameHour = new ArrayList<>();
    for (int k = 1; k <= config.baselineWeeks(); k++) {
      sameHour.add(hour.minus(Duration.ofDays(7L * k)));
    }
    Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
    List<MinuteBucket> minutes =
        metrics.minutes(
            service,
            thisMinute.minus(config.sustainMinutes() + TRAILING_MINUTES, ChronoUnit.MINUTES),
            thisMinute.minusSeconds(60));
    return assess(now, metrics.hours(service, sameHour), minutes, config);
  }

  /**
   * The pure part: {@code sameHourOfWeek} holds the previous weeks' buckets for this hour (null
   * where missing); {@code minutes} the existing minute buckets up to the last complete minute.
   */
  public static Assessment assess(
      Instant now,
      List<HourBucket> sameHourOfWeek,
      List<MinuteBucket> minutes,
      ScalingConfig.Viral config) {
    Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
    Instant windowStart = thisMinute.minus(config.sustainMinutes(), ChronoUnit.MINUTES);
    List<Double> window = new ArrayList<>();
    List<Double> trailing = new ArrayList<>();
    for (MinuteBucket b : minutes) {
      if (!b.minute().isBefore(windowStart) && b.minute().isBefore(thisMinute)) {
        window.add(b.rps());
      } else if (b.minute().isBefore(windowStart)
          && !b.minute().isBefore(windowStart.minus(TRAILING_MINUTES, ChronoUnit.MINUTES))) {
        trailing.add(b.rps());
      }
    }
    Baseline baseline = null;
    List<Double> weekly =
        sameHourOfWeek.stream().filter(Objects::nonNull).map(HourBucket::rps).toList();
    if (weekly.size() >= 2) {
      baseline = new Baseline(median(weekly), "hour-of-week", weekly.size());
    } else if (trailing.size() >= TRAILING_MIN_BUCKETS) {
      baseline = new Baseline(median(trailing), "trailing-hour", trailing.size());
    }
    Double peak =
        window.isEmpty()
            ? null
            : window.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    Double sustained =
        window.size() < config.sustainMinutes()
            ? null
            : window.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    if (baseline == null) {
      return new Assessment(
          null,
          sustained,
          peak,
          false,
          "no baseline yet (needs 2 weeks of history or "
              + TRAILING_MIN_BUCKETS
              + " minutes of the last hour)");
    }
    if (sustained == null) {
      return new Assessment(
          baseline, null, peak, false, "missing minutes in the last " + config.sustainMinutes());
    }
    double threshold = Math.max(config.factor() * baseline.rps(), config.minRps());
    boolean viral = sustained >= threshold && sustained > 0;
    String note =
        String.format(
            Locale.ROOT,
            "sustained %.1f req/s vs threshold %.1f (%d× baseline %.1f, %s)",
            sustained,
            threshold,
            config.factor(),
            baseline.rps(),
            baseline.source());
    return new Assessment(baseline, sustained, peak, viral, note);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
