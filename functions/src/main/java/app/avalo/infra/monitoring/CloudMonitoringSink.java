package app.avalo.infra.monitoring;

import com.google.api.Distribution;
import com.google.api.LabelDescriptor;
import com.google.api.Metric;
import com.google.api.MetricDescriptor;
import com.google.api.MonitoredResource;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.CreateMetricDescriptorRequest;
import com.google.monitoring.v3.CreateTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.util.Timestamps;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes exported minutes to Cloud Monitoring with {@code google-cloud-monitoring}'s {@link
 * MetricServiceClient} ({@code CreateMetricDescriptor}, {@code CreateTimeSeries} over gRPC).
 *
 * <p>Every series is on the {@code global} monitored resource (label {@code project_id}): a point
 * is one minute of the whole deployment, summed from Firestore by one job run, not the output of a
 * task or a node, so {@code generic_task}'s {@code location/namespace/job/task_id} would describe a
 * writer that does not exist (and a per-instance task id would split one series in many).
 *
 * <p>A histogram becomes a DISTRIBUTION with {@code exponentialBuckets {numFiniteBuckets: 122,
 * growthFactor: 1.1, scale: resolution}} — {@link LogHistogram}'s layout exactly: its bucket 0
 * ({@code [0, 1)} units) is the underflow bucket, its buckets 1..122 ({@code [1.1^(i-1), 1.1^i)}
 * units) are the finite buckets, and its last bucket (everything from {@code 1.1^122} units up) is
 * the overflow bucket, so {@code bucketCounts} is the bucket array as is (trailing zeros dropped,
 * which the API reads as 0). The scale is the measure's resolution: 1 for latency in ms, 0.01 for
 * packet loss in %. {@code mean} is exact (from the bucket's sum); {@code sumOfSquaredDeviation} is
 * computed from the buckets' representative values around that mean, so it is the variance the
 * counts imply (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/TypedValue#Distribution).
 */
final class CloudMonitoringSink implements MetricSink {
  /** {@link LogHistogram}'s buckets between the underflow (0) and the overflow ({@code LAST}). */
  static final int FINITE_BUCKETS = LogHistogram.LAST - 1;

  static final String RESOURCE_TYPE = "global";

  private final String project;
  private final Supplier<MetricServiceClient> client;

  CloudMonitoringSink(String project, Supplier<MetricServiceClient> client) {
    this.project = project;
    this.client = client;
  }

  @Override
  public String name() {
    return "cloud-monitoring";
  }

  @Override
  public void createDescriptors(List<ExportedMetric> metrics) throws Failure {
    MetricServiceClient metricService = connected();
    for (ExportedMetric metric : metrics) {
      call(() -> metricService.createMetricDescriptor(descriptorRequest(metric)));
    }
  }

  @Override
  public void write(List<ExportPoint> points) throws Failure {
    if (points.size() > MAX_POINTS_PER_CALL) {
      throw new IllegalArgumentException(
          points.size() + " points in one call; the API takes " + MAX_POINTS_PER_CALL);
    }
    MetricServiceClient metricService = connected();
    CreateTimeSeriesRequest request = request(points);
    call(() -> metricService.createTimeSeries(request));
  }

  /** The descriptor call for one metric, built without any network access. */
  CreateMetricDescriptorRequest descriptorRequest(ExportedMetric metric) {
    MetricDescriptor.Builder d =
        MetricDescriptor.newBuilder()
            .setName(ProjectName.of(project) + "/metricDescriptors/" + metric.type())
            .setType(metric.type())
            .setMetricKind(MetricDescriptor.MetricKind.GAUGE)
            .setValueType(valueType(metric.kind()))
            .setUnit(metric.unit())
            .setDescription(metric.description())
            .setDisplayName("Avalo " + metric.type().substring(ExportedMetric.PREFIX.length()));
    d.addLabels(
        LabelDescriptor.newBuilder()
            .setKey(ExportedMetric.SERVICE_LABEL)
            .setValueType(LabelDescriptor.ValueType.STRING)
            .setDescription("The monitored Avalo service (chat, wallet, ...)"));
    d.addLabels(
        LabelDescriptor.newBuilder()
            .setKey(ExportedMetric.REGION_LABEL)
            .setValueType(LabelDescriptor.ValueType.STRING)
            .setDescription("The serving region (EU, US, ASIA), where the bucket is per region"));
    return CreateMetricDescriptorRequest.newBuilder()
        .setName(ProjectName.of(project).toString())
        .setMetricDescriptor(d)
        .build();
  }

  /** The write call for a batch of points, built without any network access. */
  CreateTimeSeriesRequest request(List<ExportPoint> points) {
    CreateTimeSeriesRequest.Builder request =
        CreateTimeSeriesRequest.newBuilder().setName(ProjectName.of(project).toString());
    MonitoredResource resource =
        MonitoredResource.newBuilder()
            .setType(RESOURCE_TYPE)
            .putLabels("project_id", project)
            .build();
    for (ExportPoint p : points) {
      Metric.Builder metric =
          Metric.newBuilder()
              .setType(p.metric().type())
              .putLabels(ExportedMetric.SERVICE_LABEL, p.service().wire());
      if (p.region() != null) {
        metric.putLabels(ExportedMetric.REGION_LABEL, p.region());
      }
      request.addTimeSeries(
          TimeSeries.newBuilder()
              .setMetric(metric)
              .setResource(resource)
              .setMetricKind(MetricDescriptor.MetricKind.GAUGE)
              .setValueType(valueType(p.metric().kind()))
              .addPoints(
                  Point.newBuilder()
                      // A GAUGE point is an instant: the end of the minute it describes.
                      .setInterval(
                          TimeInterval.newBuilder()
                              .setEndTime(Timestamps.fromMillis(p.end().toEpochMilli())))
                      .setValue(value(p.value()))));
    }
    return request.build();
  }

  private static TypedValue value(ExportPoint.Value value) {
    return switch (value) {
      case ExportPoint.Count c -> TypedValue.newBuilder().setInt64Value(c.value()).build();
      case ExportPoint.Ratio r -> TypedValue.newBuilder().setDoubleValue(r.value()).build();
      case ExportPoint.Histogram h ->
          TypedValue.newBuilder()
              .setDistributionValue(distribution(h.measure(), h.stats()))
              .build();
    };
  }

  /** The histogram as a Cloud Monitoring distribution (see the class comment). */
  static Distribution distribution(Measure measure, BucketStats stats) {
    long[] counts = stats.histogram();
    int last = counts.length - 1;
    while (last >= 0 && counts[last] == 0) {
      last--;
    }
    Distribution.Builder d =
        Distribution.newBuilder()
            .setCount(stats.count())
            .setBucketOptions(
                Distribution.BucketOptions.newBuilder()
                    .setExponentialBuckets(
                        Distribution.BucketOptions.Exponential.newBuilder()
                            .setNumFiniteBuckets(FINITE_BUCKETS)
                            .setGrowthFactor(LogHistogram.GROWTH)
                            .setScale(measure.resolution())));
    if (stats.count() == 0) {
      return d.build(); // mean and sum of squared deviation must be 0
    }
    double mean = stats.mean();
    double squares = 0;
    for (int i = 0; i <= last; i++) {
      d.addBucketCounts(counts[i]);
      double deviation = LogHistogram.representative(i) * measure.resolution() - mean;
      squares += counts[i] * deviation * deviation;
    }
    return d.setMean(mean).setSumOfSquaredDeviation(squares).build();
  }

  private static MetricDescriptor.ValueType valueType(ExportedMetric.Kind kind) {
    return switch (kind) {
      case DISTRIBUTION -> MetricDescriptor.ValueType.DISTRIBUTION;
      case INT64 -> MetricDescriptor.ValueType.INT64;
      case DOUBLE -> MetricDescriptor.ValueType.DOUBLE;
    };
  }

  private MetricServiceClient connected() throws Failure {
    try {
      return client.get();
    } catch (RuntimeException e) { // no default credentials, bad endpoint
      throw new Failure(FailureKind.CONFIGURATION, "CLIENT", e.getMessage(), e);
    }
  }

  private static void call(Runnable call) throws Failure {
    try {
      call.run();
    } catch (ApiException e) {
      StatusCode.Code code = e.getStatusCode().getCode();
      throw new Failure(kindOf(code), code.name(), e.getMessage(), e);
    }
  }

  static FailureKind kindOf(StatusCode.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, ALREADY_EXISTS, OUT_OF_RANGE -> FailureKind.REJECTED;
      case PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND, FAILED_PRECONDITION, UNIMPLEMENTED ->
          FailureKind.CONFIGURATION;
      default -> FailureKind.TRANSIENT;
    };
  }
}
