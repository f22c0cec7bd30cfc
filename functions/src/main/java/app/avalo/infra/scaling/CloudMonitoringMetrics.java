package app.avalo.infra.scaling;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.Aggregation.Aligner;
import com.google.monitoring.v3.Aggregation.Reducer;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Cloud Run's built-in metrics from Cloud Monitoring ({@code projects.timeSeries.list} over gRPC,
 * the official {@code MetricServiceClient}), per Cloud Run service and region, aligned per minute:
 *
 * <ul>
 *   <li>instances: {@code run.googleapis.com/container/instance_count} (GAUGE INT64, per revision
 *       and state), {@code ALIGN_MEAN} then {@code REDUCE_SUM} — every instance running in the
 *       region, idle ones kept warm by min instances included;
 *   <li>CPU: {@code run.googleapis.com/container/cpu/utilizations} (DELTA DISTRIBUTION of the
 *       instances' utilisation), {@code ALIGN_DELTA} then {@code REDUCE_MEAN} — the mean over every
 *       instance sample of the minute, which is what {@code current × cpu / target} needs (a p99
 *       would size the service for its busiest instance);
 *   <li>memory: {@code run.googleapis.com/container/memory/utilizations}, the same way (recorded,
 *       not decided on);
 *   <li>request rate: {@code run.googleapis.com/request_count} (DELTA INT64, per response code),
 *       {@code ALIGN_RATE} then {@code REDUCE_SUM} — requests per second. No point means no request
 *       in that minute (a DELTA metric writes nothing then): read as 0.
 * </ul>
 *
 * Each query filters {@code resource.type = "cloud_run_revision"} and the service's name and is
 * grouped by {@code resource.label.location}, so one call per metric and Cloud Run service name
 * answers every region; regions the service map does not list for the name are ignored. A minute
 * exists for a region when it has both an instance count and a CPU point.
 *
 * <p>Lag: Cloud Run samples these every 60 s and Monitoring shows a sample 1-3 min later, so the
 * newest complete minute is 2-4 min old ({@code SCALING_METRICS_STALE_SECONDS} defaults to 300 with
 * this source). The interval ends at the current minute boundary, so only whole minutes are read.
 */
public final class CloudMonitoringMetrics implements MetricsSource {
  static final String INSTANCES = "run.googleapis.com/container/instance_count";
  static final String CPU = "run.googleapis.com/container/cpu/utilizations";
  static final String MEMORY = "run.googleapis.com/container/memory/utilizations";
  static final String REQUESTS = "run.googleapis.com/request_count";
  static final String GROUP_BY = "resource.label.location";
  static final Duration PERIOD = Duration.ofMinutes(1);

  /** One of the four reads. */
  private enum Signal {
    INSTANCES(CloudMonitoringMetrics.INSTANCES, Aligner.ALIGN_MEAN, Reducer.REDUCE_SUM),
    CPU(CloudMonitoringMetrics.CPU, Aligner.ALIGN_DELTA, Reducer.REDUCE_MEAN),
    MEMORY(CloudMonitoringMetrics.MEMORY, Aligner.ALIGN_DELTA, Reducer.REDUCE_MEAN),
    RPS(REQUESTS, Aligner.ALIGN_RATE, Reducer.REDUCE_SUM);

    final String metricType;
    final Aligner aligner;
    final Reducer reducer;

    Signal(String metricType, Aligner aligner, Reducer reducer) {
      this.metricType = metricType;
      this.aligner = aligner;
      this.reducer = reducer;
    }
  }

  private final String project;
  private final ServiceMap serviceMap;
  private final Supplier<MetricServiceClient> client;

  public CloudMonitoringMetrics(
      String project, ServiceMap serviceMap, Supplier<MetricServiceClient> client) {
    this.project = project;
    this.serviceMap = serviceMap;
    this.client = client;
  }

  @Override
  public String mode() {
    return "cloud-monitoring";
  }

  @Override
  public Map<String, List<MinuteBucket>> minutes(LogicalService service, Instant from, Instant to) {
    Map<String, Set<String>> regionsByName = new LinkedHashMap<>();
    for (ServiceMap.CloudRunService c : serviceMap.cloudRunServices(service)) {
      regionsByName.computeIfAbsent(c.service(), n -> new LinkedHashSet<>()).add(c.region());
    }
    TimeInterval interval =
        TimeInterval.newBuilder()
            .setStartTime(timestamp(from.truncatedTo(ChronoUnit.MINUTES)))
            .setEndTime(timestamp(to.truncatedTo(ChronoUnit.MINUTES)))
            .build();
    // region -> minute -> the Cloud Run services' rows of that minute
    Map<String, TreeMap<Instant, List<EnumMap<Signal, Double>>>> rows = new TreeMap<>();
    for (Map.Entry<String, Set<String>> named : regionsByName.entrySet()) {
      Map<String, TreeMap<Instant, EnumMap<Signal, Double>>> byRegion = new LinkedHashMap<>();
      for (Signal signal : Signal.values()) {
        for (TimeSeries ts : list(named.getKey(), signal, interval)) {
          String region = ts.getResource().getLabelsOrDefault("location", null);
          if (region == null || !named.getValue().contains(region)) {
            continue;
          }
          TreeMap<Instant, EnumMap<Signal, Double>> minutes =
              byRegion.computeIfAbsent(region, r -> new TreeMap<>());
          for (Point p : ts.getPointsList()) {
            Instant minute = instant(p.getInterval().getEndTime()).minus(PERIOD);
            minutes.computeIfAbsent(minute, m -> new EnumMap<>(Signal.class)).put(signal, value(p));
          }
        }
      }
      byRegion.forEach(
          (region, minutes) ->
              minutes.forEach(
                  (minute, row) ->
                      rows.computeIfAbsent(region, r -> new TreeMap<>())
                          .computeIfAbsent(minute, m -> new ArrayList<>())
                          .add(row)));
    }
    Map<String, List<MinuteBucket>> out = new LinkedHashMap<>();
    rows.forEach(
        (region, minutes) -> {
          List<MinuteBucket> buckets = new ArrayList<>();
          minutes.forEach(
              (minute, serviceRows) -> {
                MinuteBucket b = bucket(minute, serviceRows);
                if (b != null) {
                  buckets.add(b);
                }
              });
          if (!buckets.isEmpty()) {
            out.put(region, buckets);
          }
        });
    return out;
  }

  /**
   * One region's minute over its Cloud Run services: instances and rate summed, CPU and memory
   * weighted by instances; null without an instance count or CPU.
   */
  private static MinuteBucket bucket(Instant minute, List<EnumMap<Signal, Double>> serviceRows) {
    double instances = 0;
    double rps = 0;
    double cpuWeighted = 0;
    double memoryWeighted = 0;
    double weight = 0;
    for (EnumMap<Signal, Double> row : serviceRows) {
      Double n = row.get(Signal.INSTANCES);
      Double cpu = row.get(Signal.CPU);
      rps += row.getOrDefault(Signal.RPS, 0.0);
      if (n == null || cpu == null) {
        continue;
      }
      double w = Math.max(n, 1e-9);
      instances += n;
      cpuWeighted += cpu * w;
      memoryWeighted += row.getOrDefault(Signal.MEMORY, 0.0) * w;
      weight += w;
    }
    if (weight == 0) {
      return null;
    }
    long count = Math.round(instances);
    return new MinuteBucket(
        minute,
        1,
        cpuWeighted / weight,
        memoryWeighted / weight,
        rps,
        instances,
        minute.plus(PERIOD),
        count);
  }

  private Iterable<TimeSeries> list(String cloudRunService, Signal signal, TimeInterval interval) {
    ListTimeSeriesRequest request =
        ListTimeSeriesRequest.newBuilder()
            .setName(ProjectName.of(project).toString())
            .setFilter(
                "metric.type = \""
                    + signal.metricType
                    + "\" AND resource.type = \"cloud_run_revision\""
                    + " AND resource.labels.service_name = \""
                    + cloudRunService
                    + "\"")
            .setInterval(interval)
            .setAggregation(
                Aggregation.newBuilder()
                    .setAlignmentPeriod(Durations.fromSeconds(PERIOD.toSeconds()))
                    .setPerSeriesAligner(signal.aligner)
                    .setCrossSeriesReducer(signal.reducer)
                    .addGroupByFields(GROUP_BY))
            .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
            .build();
    return client.get().listTimeSeries(request).iterateAll();
  }

  private static double value(Point p) {
    return switch (p.getValue().getValueCase()) {
      case DOUBLE_VALUE -> p.getValue().getDoubleValue();
      case INT64_VALUE -> p.getValue().getInt64Value();
      default ->
          throw new IllegalStateException(
              "Cloud Monitoring answered a " + p.getValue().getValueCase() + " point");
    };
  }

  private static com.google.protobuf.Timestamp timestamp(Instant t) {
    return Timestamps.fromMillis(t.toEpochMilli());
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
