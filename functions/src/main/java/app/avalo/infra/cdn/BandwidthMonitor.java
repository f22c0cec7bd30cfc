package app.avalo.infra.cdn;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
  static final String ALERT_SOURCE = "cdn";
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

  private final Firestore db;
  private final Alerts alerts;
  private final EgressSource egress;
  private final BandwidthCostSink costs;
  private final int spikePercent;
  private final long floorBytes;

  BandwidthMonitor(
      Firestore db,
      Alerts alerts,
      EgressSource egress,
      BandwidthCostSink costs,
      int spikePercent,
      long floorBytes) {
    this.db = db;
    this.alerts = alerts;
    this.egress = egress;
    this.costs = costs;
    this.spikePercent = spikePercent;
    this.floorBytes = floorBytes;
  }

  Map<String, Object> run(Instant scheduledFor) throws Exception {
    Instant hourEnd = scheduledFor.truncatedTo(ChronoUnit.HOURS);
    Instant hourStart = hourEnd.minus(Duration.ofHours(1));
    String hourId = ID.format(hourStart);

    Map<String, Long> byType = new TreeMap<>();
    Map<String, Long> byRegion = new TreeMap<>();
    List<Map<String, Object>> entries = new ArrayList<>();
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
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("assetType", s.assetType());
      e.put("region", s.region());
      e.put("bytes", s.bytes());
      e.put("requests", s.requests());
      e.put("cacheHits", s.cacheHits());
      entries.add(e);
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

    List<? extends DocumentSnapshot> previous =
        Firestores.await(
                db.collection(CdnCollections.BANDWIDTH)
                    .whereLessThan("hourStart", Firestores.timestamp(hourStart))
                    .orderBy("hourStart", Query.Direction.DESCENDING)
                    .limit(BASELINE_HOURS)
                    .get())
            .getDocuments();
    List<Map<String, Object>> spikes = new ArrayList<>();
    judge("total", total, baseline(previous, null), hourStart, spikes);
    for (Map.Entry<String, Long> t : byType.entrySet()) {
      judge(t.getKey(), t.getValue(), baseline(previous, t.getKey()), hourStart, spikes);
    }

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("hourStart", Firestores.timestamp(hourStart));
    doc.put("hourEnd", Firestores.timestamp(hourEnd));
    doc.put("source", egress.name());
    doc.put("totalBytes", total);
    doc.put("requests", requests);
    doc.put("cacheHits", hits);
    doc.put("byType", new LinkedHashMap<>(byType));
    doc.put("byRegion", new LinkedHashMap<>(byRegion));
    doc.put("entries", entries);
    doc.put("spikes", spikes);
    doc.put("baselineHours", (long) previous.size());
    costs.record(usages);
    Firestores.await(db.collection(CdnCollections.BANDWIDTH).document(hourId).set(doc));
    Log.info(
        "cdn bandwidth recorded",
        Map.of("hour", hourStart.toString(), "bytes", total, "spikes", spikes.size()));

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("hourStart", hourStart.toString());
    summary.put("totalBytes", total);
    summary.put("byType", byType);
    summary.put("byRegion", byRegion);
    summary.put("costRecords", usages.size());
    summary.put("costSink", costs.name());
    summary.put("spikes", spikes);
    return summary;
  }

  private void judge(
      String scope,
      long current,
      List<Long> history,
      Instant hour,
      List<Map<String, Object>> spikes) {
    String key = "bandwidth-spike:" + scope;
    if (history.size() < MIN_BASELINE_HOURS) {
      return;
    }
    long median = median(history);
    long threshold = Math.max(floorBytes, median * spikePercent / 100);
    if (current >= threshold && current > 0) {
      boolean critical = current >= Math.max(floorBytes, median * spikePercent * 2 / 100);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("scope", scope);
      details.put("hourStart", hour.toString());
      details.put("bytes", current);
      details.put("baselineMedianBytes", median);
      details.put("thresholdBytes", threshold);
      alerts.raise(
          ALERT_SOURCE,
          key,
          critical ? Alerts.Severity.CRITICAL : Alerts.Severity.WARNING,
          "CDN egress spike ("
              + scope
              + "): "
              + current
              + " bytes in the hour from "
              + hour
              + ", "
              + (median == 0
                  ? "no"
                  : String.format(Locale.ROOT, "%.1f×", current / (double) median))
              + " the 24 h median of "
              + median
              + " bytes",
          details);
      spikes.add(details);
    } else {
      alerts.resolve(
          ALERT_SOURCE, key, "monitorBandwidth", "egress back under " + threshold + " bytes/hour");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Long> baseline(List<? extends DocumentSnapshot> previous, String type) {
    List<Long> values = new ArrayList<>();
    for (DocumentSnapshot doc : previous) {
      if (type == null) {
        Long v = doc.getLong("totalBytes");
        values.add(v == null ? 0L : v);
      } else {
        Object map = doc.get("byType");
        Object v = map instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(type) : null;
        values.add(v instanceof Number n ? n.longValue() : 0L);
      }
    }
    return values;
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
