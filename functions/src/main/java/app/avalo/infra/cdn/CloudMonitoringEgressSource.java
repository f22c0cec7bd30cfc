package app.avalo.infra.cdn;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Egress and cache hits from Cloud Monitoring: the external HTTPS load balancer's {@code
 * https/response_bytes_count} and {@code https/request_count} for the CDN's URL map, summed over
 * the window and grouped by the serving proxy's continent (mapped to Avalo's five cache regions
 * EU/US/ASIA/SA/AU, which the cost domain prices per region; others kept as their continent) and
 * the {@code cache_result} label. The metrics do not know asset types, so every sample's type is
 * {@code all}.
 */
final class CloudMonitoringEgressSource implements EgressSource {
  static final String BYTES_METRIC = "loadbalancing.googleapis.com/https/response_bytes_count";
  static final String REQUESTS_METRIC = "loadbalancing.googleapis.com/https/request_count";
  private static final Map<String, String> CONTINENT_REGIONS =
      Map.of(
          "europe",
          "EU",
          "america",
          "US",
          "north america",
          "US",
          "south america",
          "SA",
          "asia",
          "ASIA",
          "oceania",
          "AU",
          "australia",
          "AU");

  private final String project;
  private final String urlMap;
  private final Supplier<MetricServiceClient> client;

  CloudMonitoringEgressSource(String project, String urlMap, Supplier<MetricServiceClient> client) {
    this.project = project;
    this.urlMap = urlMap;
    this.client = client;
  }

  static MetricServiceClient defaultClient() {
    try {
      return MetricServiceClient.create();
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the Cloud Monitoring client", e);
    }
  }

  @Override
  public String name() {
    return "cloud-monitoring";
  }

  @Override
  public List<Sample> read(Instant from, Instant to) {
    MetricServiceClient metrics = client.get();
    List<TimeSeries> bytes = new ArrayList<>();
    metrics.listTimeSeries(request(BYTES_METRIC, from, to)).iterateAll().forEach(bytes::add);
    List<TimeSeries> requests = new ArrayList<>();
    metrics.listTimeSeries(request(REQUESTS_METRIC, from, to)).iterateAll().forEach(requests::add);
    return samples(bytes, requests);
  }

  /** The query for one metric over the window, built without any network access. */
  ListTimeSeriesRequest request(String metric, Instant from, Instant to) {
    long seconds = Math.max(60, Duration.between(from, to).toSeconds());
    return ListTimeSeriesRequest.newBuilder()
        .setName(ProjectName.of(project).toString())
        .setFilter(
            "metric.type=\""
                + metric
                + "\" AND resource.type=\"https_lb_rule\""
                + " AND resource.label.url_map_name=\""
                + urlMap
                + "\"")
        .setInterval(
            TimeInterval.newBuilder()
                .setStartTime(Timestamps.fromMillis(from.toEpochMilli()))
                .setEndTime(Timestamps.fromMillis(to.toEpochMilli())))
        .setAggregation(
            Aggregation.newBuilder()
                .setAlignmentPeriod(Durations.fromSeconds(seconds))
                .setPerSeriesAligner(Aggregation.Aligner.ALIGN_DELTA)
                .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_SUM)
                .addGroupByFields("metric.label.proxy_continent")
                .addGroupByFields("metric.label.cache_result"))
        .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
        .build();
  }

  /** Folds the two metrics' series into one sample per region. */
  static List<Sample> samples(List<TimeSeries> bytes, List<TimeSeries> requests) {
    Map<String, long[]> byRegion = new TreeMap<>();
    for (TimeSeries series : bytes) {
      byRegion.computeIfAbsent(region(series), k -> new long[3])[0] += sum(series);
    }
    for (TimeSeries series : requests) {
      long[] s = byRegion.computeIfAbsent(region(series), k -> new long[3]);
      long count = sum(series);
      s[1] += count;
      if ("HIT".equals(series.getMetric().getLabelsOrDefault("cache_result", ""))) {
        s[2] += count;
      }
    }
    List<Sample> out = new ArrayList<>();
    byRegion.forEach((region, s) -> out.add(new Sample("all", region, s[0], s[1], s[2])));
    return out;
  }

  private static String region(TimeSeries series) {
    String continent =
        series.getMetric().getLabelsOrDefault("proxy_continent", "").toLowerCase(Locale.ROOT);
    String region = CONTINENT_REGIONS.get(continent);
    if (region != null) {
      return region;
    }
    return continent.isBlank()
        ? "OTHER"
        : continent.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  private static long sum(TimeSeries series) {
    long total = 0;
    for (Point p : series.getPointsList()) {
      total +=
          p.getValue().hasInt64Value()
              ? p.getValue().getInt64Value()
              : Math.round(p.getValue().getDoubleValue());
    }
    return total;
  }
}
