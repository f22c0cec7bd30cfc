package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * monitorBandwidth: the last full hour's egress by asset type and region, stored in {@code
 * cdnBandwidth/{yyyyMMddHH}}, handed to the {@link BandwidthCostSink} (one idempotent record per
 * region and type), and compared with the median of the previous 24 hours: an hour at {@code
 * CDN_BANDWIDTH_SPIKE_PERCENT} of that median or more (and above the absolute floor) raises a
 * {@code cdn} alert, critical at twice that; a normal hour resolves it. Spikes are judged in total
 * and per asset type. Needs at least {@value #MIN_BASELINE_HOURS} earlier hours to judge.
 */
final class BandwidthMonitor {
  static final int BASELINE_HOURS = 24;
  static final int MIN_BASELINE_HOURS = 3;

  private final TrafficStore traffic;
  private final CdnAlerts alerts;
  private final EgressSource egress;
  private final BandwidthCostSink costs;
  private final int spikePercent;
  private final long floorBytes;

  BandwidthMonitor(
      TrafficStore traffic,
      CdnAlerts alerts,
      EgressSource egress,
      BandwidthCostSink costs,
      int spikePercent,
      long floorBytes) {
    this.traffic = traffic;
    this.alerts = alerts;
    this.egress = egress;
    this.costs = costs;
    this.spikePercent = spikePercent;
    this.floorBytes = floorBytes;
  }

  BandwidthHour.Summary run(Instant scheduledFor) throws Exception {
    Instant hourEnd = scheduledFor.truncatedTo(ChronoUnit.HOURS);
    Instant hourStart = hourEnd.minus(Duration.ofHours(1));
    String hourId = TrafficStore.hourId(hourStart);

    Map<String, Long> byType = new TreeMap<>();
    Map<String, Long> byRegion = new TreeMap<>();
    List<EgressSource.Sample> entries = new ArrayList<>();
    List<BandwidthCostSink.Usage> usages = new ArrayList<>();
    long total = 0;
    long requests = 0;
    long hits = 0;
    for (EgressSource.Sample s : egress.read(hourStart, hourEnd)) {
      total += s.bytes();
      requests += s.requests();
      hits += s.cacheHits();
      byType.merge(s.assetType(), s.bytes(), Long::sum);
      byRegion.merge(s.region(), s.bytes(), Long::sum);
      entries.add(s);
      if (s.bytes() > 0) {
        usages.add(
            new BandwidthCostSink.Usage(
                "cdn-" + hourId + "-" + s.region() + "-" + s.assetType(),
                "cdn",
                s.region(),
                s.assetType(),
                s.bytes(),
                hourStart,
                hourEnd));
      }
    }

    List<BandwidthHour> previous = traffic.hoursBefore(hourStart, BASELINE_HOURS);
    List<BandwidthHour.Spike> spikes = new ArrayList<>();
    judge("total", total, baseline(previous, null), hourStart, spikes);
    for (Map.Entry<String, Long> t : byType.entrySet()) {
      judge(t.getKey(), t.getValue(), baseline(previous, t.getKey()), hourStart, spikes);
    }

    costs.record(usages);
    traffic.saveHour(
        new BandwidthHour(
            hourStart,
            hourEnd,
            egress.name(),
            total,
            requests,
            hits,
            byType,
            byRegion,
            entries,
            spikes,
            previous.size()));
    Log.info(
        "cdn bandwidth recorded",
        Map.of("hour", hourStart.toString(), "bytes", total, "spikes", spikes.size()));
    return new BandwidthHour.Summary(
        hourStart.toString(), total, byType, byRegion, usages.size(), costs.name(), spikes);
  }

  private void judge(
      String scope,
      long current,
      List<Long> history,
      Instant hour,
      List<BandwidthHour.Spike> spikes) {
    if (history.size() < MIN_BASELINE_HOURS) {
      return;
    }
    long median = median(history);
    long threshold = Math.max(floorBytes, median * spikePercent / 100);
    if (current >= threshold && current > 0) {
      boolean critical = current >= Math.max(floorBytes, median * spikePercent * 2 / 100);
      BandwidthHour.Spike spike =
          new BandwidthHour.Spike(scope, hour.toString(), current, median, threshold);
      alerts.spike(spike, critical);
      spikes.add(spike);
    } else {
      alerts.normal(scope, threshold);
    }
  }

  private static List<Long> baseline(List<BandwidthHour> previous, String type) {
    List<Long> values = new ArrayList<>();
    for (BandwidthHour hour : previous) {
      values.add(type == null ? hour.totalBytes() : hour.byType().getOrDefault(type, 0L));
    }
    return values;
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
