package app.avalo.infra.testing;

import com.google.api.Distribution;
import com.google.api.MetricDescriptor;
import com.google.api.MetricDescriptor.MetricKind;
import com.google.api.MetricDescriptor.ValueType;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.Aggregation.Aligner;
import com.google.monitoring.v3.Aggregation.Reducer;
import com.google.monitoring.v3.CreateMetricDescriptorRequest;
import com.google.monitoring.v3.CreateTimeSeriesRequest;
import com.google.monitoring.v3.CreateTimeSeriesSummary;
import com.google.monitoring.v3.GetMetricDescriptorRequest;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ListTimeSeriesResponse;
import com.google.monitoring.v3.MetricServiceProto;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Cloud Monitoring API v3 {@code MetricService}: a real gRPC server on
 * 127.0.0.1 (plaintext) serving the service's methods by their names in the published proto ({@code
 * google.monitoring.v3.MetricService}, read from {@link MetricServiceProto}'s descriptor, so a
 * renamed or retyped method fails here, not in production), spoken to by the production client
 * ({@code MetricServiceClient}) exactly as {@code monitoring.googleapis.com} is.
 *
 * <p>Implemented: {@code CreateMetricDescriptor}, {@code GetMetricDescriptor}, {@code
 * CreateTimeSeries} and {@code ListTimeSeries} (what was written, plus anything {@link #seed}ed,
 * e.g. Cloud Run's built-in metrics for a scaling test), raw or aligned and reduced (see {@code
 * aggregate}). Other methods answer UNIMPLEMENTED, as gRPC does for an unknown method; a {@code
 * ListTimeSeries} with an aggregation or a filter this fake cannot evaluate answers UNIMPLEMENTED
 * too, never a silently unfiltered or unaggregated result.
 *
 * <p>Writes are validated the way the API documents (timeSeries.create reference, the quotas page
 * "user-defined metrics" limits, the kinds-and-types table, the Distribution and TimeInterval
 * references):
 *
 * <ul>
 *   <li>1 to {@value #MAX_SERIES_PER_CALL} time series per call, each with exactly one point, no
 *       series twice in one call;
 *   <li>user-defined metric types only ({@code custom.googleapis.com/}, {@code
 *       external.googleapis.com/}, {@code workload.googleapis.com/}), on a monitored resource that
 *       user-defined metrics may use, with its required labels; metric labels the descriptor
 *       declares; kind and value type as the descriptor says (a missing descriptor is auto-created,
 *       GAUGE or CUMULATIVE only: user-defined metrics cannot be DELTA);
 *   <li>a GAUGE point's start time absent or equal to its end time; a CUMULATIVE point's start
 *       before its end;
 *   <li>end times at most 25 h in the past and 5 min in the future (by the fake's clock); each
 *       newer than the series' latest point and at least 5 s after it (one point per 5 s per
 *       series);
 *   <li>a distribution's count equal to the sum of its bucket counts, no more bucket counts than
 *       buckets, mean and sum of squared deviation 0 when empty and the latter never negative,
 *       exponential options with growth factor > 1 and scale > 0.
 * </ul>
 *
 * As the API does, the valid series of a call are written and the invalid ones refused: the call
 * then fails with INVALID_ARGUMENT naming each refused {@code timeSeries[i]}, with a {@link
 * CreateTimeSeriesSummary} in the status details.
 */
public final class MonitoringApiFake implements AutoCloseable {
  public static final int MAX_SERIES_PER_CALL = 200;
  public static final Duration MAX_POINT_AGE = Duration.ofHours(25);
  public static final Duration MAX_POINT_FUTURE = Duration.ofMinutes(5);
  public static final Duration MIN_POINT_SPACING = Duration.ofSeconds(5);

  private static final String SERVICE = "google.monitoring.v3.MetricService";
  private static final List<String> USER_PREFIXES =
      List.of("custom.googleapis.com/", "external.googleapis.com/", "workload.googleapis.com/");

  /** Monitored resources user-defined metrics may be written against, with required labels. */
  private static final Map<String, List<String>> RESOURCES =
      Map.of(
          "global", List.of("project_id"),
          "generic_task", List.of("project_id", "location", "namespace", "job", "task_id"),
          "generic_node", List.of("project_id", "location", "namespace", "node_id"),
          "gce_instance", List.of("project_id", "instance_id", "zone"),
          "cloud_run_revision",
              List.of(
                  "project_id", "service_name", "revision_name", "location", "configuration_name"));

  private static final Pattern PROJECT = Pattern.compile("projects/([^/]+)");
  private static final Pattern TERM =
      Pattern.compile(
          "\\s*(metric\\.type|resource\\.type|metric\\.labels?\\.[A-Za-z0-9_]+"
              + "|resource\\.labels?\\.[A-Za-z0-9_]+)\\s*=\\s*\"([^\"]*)\"\\s*");

  private final Clock clock;
  private final Server server;
  private final Map<String, MetricDescriptor> descriptors = new LinkedHashMap<>();
  private final Map<String, StoredSeries> series = new LinkedHashMap<>();
  private final Map<String, Deque<Status>> failures = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private final List<CreateTimeSeriesRequest> writes = new ArrayList<>();

  /** One time series as stored: its identity (no points) and its points, oldest first. */
  private record StoredSeries(TimeSeries header, List<Point> points) {}

  private MonitoringApiFake(Clock clock) {
    this.clock = clock;
    Descriptors.ServiceDescriptor service =
        MetricServiceProto.getDescriptor().findServiceByName("MetricService");
    ServerServiceDefinition definition =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(
                method(
                    service,
                    "CreateMetricDescriptor",
                    CreateMetricDescriptorRequest.class,
                    MetricDescriptor.class),
                unary("CreateMetricDescriptor", this::createMetricDescriptor))
            .addMethod(
                method(
                    service,
                    "GetMetricDescriptor",
                    GetMetricDescriptorRequest.class,
                    MetricDescriptor.class),
                unary("GetMetricDescriptor", this::getMetricDescriptor))
            .addMethod(
                method(service, "CreateTimeSeries", CreateTimeSeriesRequest.class, Empty.class),
                unary("CreateTimeSeries", this::createTimeSeries))
            .addMethod(
                method(
                    service,
                    "ListTimeSeries",
                    ListTimeSeriesRequest.class,
                    ListTimeSeriesResponse.class),
                unary("ListTimeSeries", this::listTimeSeries))
            .build();
    try {
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .addService(definition)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Monitoring API fake", e);
    }
  }

  /** A fake on a free loopback port, judging point ages by {@code clock}. */
  public static MonitoringApiFake start(Clock clock) {
    return new MonitoringApiFake(clock);
  }

  /** {@code 127.0.0.1:port}, for the client's endpoint (plaintext). */
  public String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The next {@code times} calls of {@code method} (e.g. {@code CreateTimeSeries}) fail. */
  public synchronized void failNext(String method, Status.Code code, int times) {
    Deque<Status> queue = failures.computeIfAbsent(method, m -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(Status.fromCode(code).withDescription("injected by MonitoringApiFake"));
    }
  }

  /** Drops the failures injected and not yet used. */
  public synchronized void clearFailures() {
    failures.clear();
  }

  /** Calls received of {@code method}, failed ones included. */
  public synchronized int calls(String method) {
    return calls.getOrDefault(method, 0);
  }

  /** Every CreateTimeSeries request that reached the service logic (not the injected failures). */
  public synchronized List<CreateTimeSeriesRequest> writes() {
    return List.copyOf(writes);
  }

  public synchronized Map<String, MetricDescriptor> descriptors() {
    return Map.copyOf(descriptors);
  }

  /**
   * The stored points of every series of {@code metricType}, keyed by the series' metric labels
   * (e.g. {@code {service=chat}}), oldest first.
   */
  public synchronized Map<Map<String, String>, List<Point>> points(String metricType) {
    Map<Map<String, String>, List<Point>> out = new LinkedHashMap<>();
    for (StoredSeries s : series.values()) {
      if (s.header().getMetric().getType().equals(metricType)) {
        out.put(new TreeMap<>(s.header().getMetric().getLabelsMap()), List.copyOf(s.points()));
      }
    }
    return out;
  }

  /**
   * Adds points as the platform would have recorded them (built-in metrics such as {@code
   * run.googleapis.com/...}), without the write validation; listed by {@code ListTimeSeries}.
   */
  public synchronized void seed(TimeSeries timeSeries) {
    StoredSeries stored =
        series.computeIfAbsent(
            key(timeSeries),
            k -> new StoredSeries(timeSeries.toBuilder().clearPoints().build(), new ArrayList<>()));
    stored.points().addAll(timeSeries.getPointsList());
    stored.points().sort((a, b) -> Timestamps.compare(end(a), end(b)));
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- methods ----

  private MetricDescriptor createMetricDescriptor(CreateMetricDescriptorRequest request) {
    String project = project(request.getName());
    MetricDescriptor d = request.getMetricDescriptor();
    if (!userDefined(d.getType())) {
      throw invalid("metricDescriptor.type must be a user-defined metric type, got " + d.getType());
    }
    if (d.getMetricKind() != MetricKind.GAUGE && d.getMetricKind() != MetricKind.CUMULATIVE) {
      throw invalid(
          "metricDescriptor.metricKind "
              + d.getMetricKind()
              + " is not supported for user-defined metrics (GAUGE or CUMULATIVE)");
    }
    if (d.getValueType() == ValueType.VALUE_TYPE_UNSPECIFIED
        || d.getValueType() == ValueType.UNRECOGNIZED) {
      throw invalid("metricDescriptor.valueType is required");
    }
    if (d.getMetricKind() == MetricKind.CUMULATIVE
        && (d.getValueType() == ValueType.BOOL || d.getValueType() == ValueType.STRING)) {
      throw invalid("CUMULATIVE " + d.getValueType() + " is not a supported combination");
    }
    MetricDescriptor named =
        d.toBuilder().setName("projects/" + project + "/metricDescriptors/" + d.getType()).build();
    synchronized (this) {
      MetricDescriptor existing = descriptors.get(d.getType());
      if (existing != null
          && (existing.getMetricKind() != d.getMetricKind()
              || existing.getValueType() != d.getValueType())) {
        throw invalid(
            "metric descriptor "
                + d.getType()
                + " exists with another metric kind or value type; delete it first");
      }
      descriptors.put(d.getType(), named);
    }
    return named;
  }

  private synchronized MetricDescriptor getMetricDescriptor(GetMetricDescriptorRequest request) {
    String name = request.getName();
    int at = name.indexOf("/metricDescriptors/");
    MetricDescriptor d =
        at < 0 ? null : descriptors.get(name.substring(at + "/metricDescriptors/".length()));
    if (d == null) {
      throw Status.NOT_FOUND.withDescription("no metric descriptor " + name).asRuntimeException();
    }
    return d;
  }

  private Empty createTimeSeries(CreateTimeSeriesRequest request) {
    String project = project(request.getName());
    int n = request.getTimeSeriesCount();
    if (n == 0) {
      throw invalid("timeSeries is required");
    }
    if (n > MAX_SERIES_PER_CALL) {
      throw invalid(
          "timeSeries: at most " + MAX_SERIES_PER_CALL + " time series per request, got " + n);
    }
    Instant now = clock.instant();
    List<String> errors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    synchronized (this) {
      writes.add(request);
      for (int i = 0; i < n; i++) {
        TimeSeries ts = request.getTimeSeries(i);
        String error = validate(ts, project, now, seen);
        if (error != null) {
          errors.add("timeSeries[" + i + "]: " + error);
          continue;
        }
        seen.add(key(ts));
        MetricDescriptor d =
            descriptors.computeIfAbsent(ts.getMetric().getType(), t -> autoDescriptor(project, ts));
        series
            .computeIfAbsent(
                key(ts),
                k ->
                    new StoredSeries(
                        ts.toBuilder()
                            .clearPoints()
                            .setMetricKind(d.getMetricKind())
                            .setValueType(d.getValueType())
                            .build(),
                        new ArrayList<>()))
            .points()
            .add(ts.getPoints(0));
      }
    }
    if (!errors.isEmpty()) {
      CreateTimeSeriesSummary summary =
          CreateTimeSeriesSummary.newBuilder()
              .setTotalPointCount(n)
              .setSuccessPointCount(n - errors.size())
              .addErrors(
                  CreateTimeSeriesSummary.Error.newBuilder()
                      .setStatus(
                          com.google.rpc.Status.newBuilder()
                              .setCode(Status.Code.INVALID_ARGUMENT.value()))
                      .setPointCount(errors.size()))
              .build();
      throw StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(Status.Code.INVALID_ARGUMENT.value())
              .setMessage(
                  "One or more TimeSeries could not be written: " + String.join("; ", errors))
              .addDetails(Any.pack(summary))
              .build());
    }
    return Empty.getDefaultInstance();
  }

  /** Why the API would refuse {@code ts}, or null. Called holding the lock. */
  private String validate(TimeSeries ts, String project, Instant now, Set<String> seen) {
    String type = ts.getMetric().getType();
    if (!userDefined(type)) {
      return "metric.type " + type + " is not a user-defined metric type";
    }
    List<String> required = RESOURCES.get(ts.getResource().getType());
    if (required == null) {
      return "resource.type '" + ts.getResource().getType() + "' cannot be used for " + type;
    }
    for (String label : required) {
      if (ts.getResource().getLabelsOrDefault(label, "").isEmpty()) {
        return "resource.labels." + label + " is required for " + ts.getResource().getType();
      }
    }
    if (!project.equals(ts.getResource().getLabelsOrDefault("project_id", project))) {
      return "resource.labels.project_id does not match the request's project " + project;
    }
    if (ts.getPointsCount() != 1) {
      return "points: exactly one point per time series per request, got " + ts.getPointsCount();
    }
    if (seen.contains(key(ts))) {
      return "duplicate TimeSeries in one request: only one point per time series per request";
    }
    MetricDescriptor d = descriptors.get(type);
    MetricKind kind =
        d != null
            ? d.getMetricKind()
            : ts.getMetricKind() == MetricKind.METRIC_KIND_UNSPECIFIED
                ? MetricKind.GAUGE
                : ts.getMetricKind();
    if (ts.getMetricKind() != MetricKind.METRIC_KIND_UNSPECIFIED && ts.getMetricKind() != kind) {
      return "metricKind " + ts.getMetricKind() + " does not match the descriptor's " + kind;
    }
    if (kind == MetricKind.DELTA) {
      return "user-defined metrics cannot be DELTA";
    }
    Point point = ts.getPoints(0);
    ValueType valueType = valueType(point);
    if (d != null && d.getValueType() != valueType) {
      return "points[0].value is " + valueType + " but " + type + " is " + d.getValueType();
    }
    if (ts.getValueType() != ValueType.VALUE_TYPE_UNSPECIFIED && ts.getValueType() != valueType) {
      return "valueType " + ts.getValueType() + " does not match the point's " + valueType;
    }
    if (d != null) {
      Set<String> declared = new HashSet<>();
      d.getLabelsList().forEach(l -> declared.add(l.getKey()));
      for (String label : ts.getMetric().getLabelsMap().keySet()) {
        if (!declared.contains(label)) {
          return "metric.labels." + label + " is not declared by the descriptor of " + type;
        }
      }
    }
    if (!point.getInterval().hasEndTime()) {
      return "points[0].interval.endTime is required";
    }
    Instant end = instant(point.getInterval().getEndTime());
    if (kind == MetricKind.GAUGE
        && point.getInterval().hasStartTime()
        && !point.getInterval().getStartTime().equals(point.getInterval().getEndTime())) {
      return "points[0].interval: a GAUGE point's start time must equal its end time";
    }
    if (kind == MetricKind.CUMULATIVE
        && (!point.getInterval().hasStartTime()
            || !instant(point.getInterval().getStartTime()).isBefore(end))) {
      return "points[0].interval: a CUMULATIVE point needs a start time before its end time";
    }
    if (end.isBefore(now.minus(MAX_POINT_AGE))) {
      return "points[0].interval.endTime "
          + end
          + " is older than "
          + MAX_POINT_AGE.toHours()
          + "h";
    }
    if (end.isAfter(now.plus(MAX_POINT_FUTURE))) {
      return "points[0].interval.endTime " + end + " is more than 5 minutes in the future";
    }
    StoredSeries stored = series.get(key(ts));
    if (stored != null && !stored.points().isEmpty()) {
      Instant last = instant(end(stored.points().get(stored.points().size() - 1)));
      if (!end.isAfter(last)) {
        return "points must be written in order: "
            + end
            + " is not after the series' latest point "
            + last;
      }
      if (Duration.between(last, end).compareTo(MIN_POINT_SPACING) < 0) {
        return "points written more frequently than the maximum sampling period (5 s)";
      }
    }
    if (point.getValue().hasDistributionValue()) {
      return distributionError(point.getValue().getDistributionValue());
    }
    return null;
  }

  private static String distributionError(Distribution d) {
    long sum = 0;
    for (long c : d.getBucketCountsList()) {
      if (c < 0) {
        return "distribution.bucketCounts must not be negative";
      }
      sum += c;
    }
    if (d.getBucketCountsCount() > 0 && sum != d.getCount()) {
      return "distribution.count " + d.getCount() + " is not the sum of bucketCounts " + sum;
    }
    if (d.getCount() == 0 && (d.getMean() != 0 || d.getSumOfSquaredDeviation() != 0)) {
      return "distribution.mean and sumOfSquaredDeviation must be 0 when count is 0";
    }
    if (d.getSumOfSquaredDeviation() < 0 || !Double.isFinite(d.getMean())) {
      return "distribution.sumOfSquaredDeviation must be >= 0 and mean finite";
    }
    Distribution.BucketOptions options = d.getBucketOptions();
    int buckets;
    switch (options.getOptionsCase()) {
      case EXPONENTIAL_BUCKETS -> {
        Distribution.BucketOptions.Exponential e = options.getExponentialBuckets();
        if (e.getNumFiniteBuckets() <= 0 || e.getGrowthFactor() <= 1 || e.getScale() <= 0) {
          return "distribution.bucketOptions.exponentialBuckets needs numFiniteBuckets > 0,"
              + " growthFactor > 1 and scale > 0";
        }
        buckets = e.getNumFiniteBuckets() + 2;
      }
      case LINEAR_BUCKETS -> {
        Distribution.BucketOptions.Linear l = options.getLinearBuckets();
        if (l.getNumFiniteBuckets() <= 0 || l.getWidth() <= 0) {
          return "distribution.bucketOptions.linearBuckets needs numFiniteBuckets > 0, width > 0";
        }
        buckets = l.getNumFiniteBuckets() + 2;
      }
      case EXPLICIT_BUCKETS -> buckets = options.getExplicitBuckets().getBoundsCount() + 1;
      default -> {
        if (d.getBucketCountsCount() > 0) {
          return "distribution.bucketCounts given without bucketOptions";
        }
        buckets = 0;
      }
    }
    if (d.getBucketCountsCount() > buckets) {
      return "distribution.bucketCounts has "
          + d.getBucketCountsCount()
          + " values for "
          + buckets
          + " buckets";
    }
    return null;
  }

  private synchronized ListTimeSeriesResponse listTimeSeries(ListTimeSeriesRequest request) {
    project(request.getName());
    Aggregation aggregation = request.hasAggregation() ? request.getAggregation() : null;
    if (aggregation != null
        && aggregation.getPerSeriesAligner() == Aligner.ALIGN_NONE
        && aggregation.getCrossSeriesReducer() != Reducer.REDUCE_NONE) {
      throw invalid(
          "aggregation.crossSeriesReducer needs a perSeriesAligner other than ALIGN_NONE");
    }
    if (aggregation != null && aggregation.getPerSeriesAligner() == Aligner.ALIGN_NONE) {
      aggregation = null;
    }
    Map<String, String> filter = filter(request.getFilter());
    if (!request.getInterval().hasEndTime()) {
      throw invalid("interval.endTime is required");
    }
    Instant to = instant(request.getInterval().getEndTime());
    Instant from =
        request.getInterval().hasStartTime() ? instant(request.getInterval().getStartTime()) : to;
    List<TimeSeries> matching = new ArrayList<>();
    if (aggregation != null) {
      matching.addAll(aggregate(aggregation, filter, from, to));
    }
    for (StoredSeries s : series.values()) {
      if (aggregation != null || !matches(s.header(), filter)) {
        continue;
      }
      TimeSeries.Builder out = s.header().toBuilder();
      // Newest first, as the API returns them.
      for (int i = s.points().size() - 1; i >= 0; i--) {
        Instant end = instant(end(s.points().get(i)));
        if (!end.isBefore(from) && !end.isAfter(to)) {
          out.addPoints(s.points().get(i));
        }
      }
      if (out.getPointsCount() > 0) {
        if (request.getView() == ListTimeSeriesRequest.TimeSeriesView.HEADERS) {
          out.clearPoints();
        }
        matching.add(out.build());
      }
    }
    int offset = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
    int size = request.getPageSize() > 0 ? request.getPageSize() : 100_000;
    int until = Math.min(matching.size(), offset + size);
    ListTimeSeriesResponse.Builder response =
        ListTimeSeriesResponse.newBuilder().addAllTimeSeries(matching.subList(offset, until));
    if (until < matching.size()) {
      response.setNextPageToken(Integer.toString(until));
    }
    return response.build();
  }

  // ---- aggregation (the Aggregation reference: aligners, reducers, group-by fields) ----

  /**
   * Aligns every matching series into periods of {@code alignmentPeriod} ending at the interval's
   * end ({@code (end - k·period - period, end - k·period]}, newest first, a period only where raw
   * points fall), then reduces across series grouped by {@code groupByFields}. Implemented:
   * ALIGN_MEAN (numeric), ALIGN_RATE (DELTA numeric: sum per second), ALIGN_DELTA (DELTA numeric:
   * sum; DELTA distribution: merged), REDUCE_NONE, REDUCE_SUM (numeric), REDUCE_MEAN (numeric, or
   * distributions by their means weighted by count: output DOUBLE), group-by on {@code
   * resource.label(s).X} and {@code metric.label(s).X}. Anything else is UNIMPLEMENTED; an aligner
   * the metric's kind or value type does not admit is INVALID_ARGUMENT, as the API answers.
   */
  private List<TimeSeries> aggregate(
      Aggregation aggregation, Map<String, String> filter, Instant from, Instant to) {
    if (!aggregation.hasAlignmentPeriod()
        || aggregation.getAlignmentPeriod().getSeconds() < 60
        || aggregation.getAlignmentPeriod().getNanos() != 0) {
      throw invalid("aggregation.alignmentPeriod must be at least 60 seconds");
    }
    Duration period = Duration.ofSeconds(aggregation.getAlignmentPeriod().getSeconds());
    Aligner aligner = aggregation.getPerSeriesAligner();
    Reducer reducer = aggregation.getCrossSeriesReducer();
    if (!Set.of(Aligner.ALIGN_MEAN, Aligner.ALIGN_RATE, Aligner.ALIGN_DELTA).contains(aligner)) {
      throw unimplemented("aligner " + aligner);
    }
    if (!Set.of(Reducer.REDUCE_NONE, Reducer.REDUCE_SUM, Reducer.REDUCE_MEAN).contains(reducer)) {
      throw unimplemented("reducer " + reducer);
    }
    List<String> groupBy = new ArrayList<>();
    for (String field : aggregation.getGroupByFieldsList()) {
      String normal = field.replace(".labels.", ".label.");
      if (!normal.startsWith("resource.label.") && !normal.startsWith("metric.label.")) {
        throw unimplemented("groupByFields " + field);
      }
      groupBy.add(normal);
    }
    // series key -> (aligned header, period end -> value)
    Map<TimeSeries, TreeMap<Instant, AlignedValue>> aligned = new LinkedHashMap<>();
    for (StoredSeries s : series.values()) {
      if (!matches(s.header(), filter)) {
        continue;
      }
      TreeMap<Instant, List<Point>> periods = new TreeMap<>();
      for (Point p : s.points()) {
        Instant end = instant(end(p));
        if (!end.isAfter(from) || end.isAfter(to)) {
          continue;
        }
        long k = Duration.between(end, to).toSeconds() / period.toSeconds();
        Instant periodEnd = to.minus(period.multipliedBy(k));
        periods.computeIfAbsent(periodEnd, e -> new ArrayList<>()).add(p);
      }
      TreeMap<Instant, AlignedValue> values = new TreeMap<>();
      periods.forEach((e, points) -> values.put(e, align(s.header(), aligner, period, points)));
      if (!values.isEmpty()) {
        aligned.put(s.header(), values);
      }
    }
    List<TimeSeries> out = new ArrayList<>();
    if (reducer == Reducer.REDUCE_NONE) {
      aligned.forEach((header, values) -> out.add(series(header, aligner, period, values)));
      return out;
    }
    Map<List<String>, List<TimeSeries>> groups = new LinkedHashMap<>();
    for (TimeSeries header : aligned.keySet()) {
      List<String> key = new ArrayList<>();
      for (String field : groupBy) {
        key.add(String.valueOf(label(header, field)));
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(header);
    }
    for (List<TimeSeries> members : groups.values()) {
      TreeMap<Instant, List<AlignedValue>> byPeriod = new TreeMap<>();
      for (TimeSeries m : members) {
        aligned
            .get(m)
            .forEach((e, v) -> byPeriod.computeIfAbsent(e, x -> new ArrayList<>()).add(v));
      }
      TreeMap<Instant, AlignedValue> reduced = new TreeMap<>();
      byPeriod.forEach((e, values) -> reduced.put(e, reduce(reducer, values)));
      TimeSeries first = members.get(0);
      TimeSeries.Builder header =
          TimeSeries.newBuilder()
              .setMetric(
                  com.google.api.Metric.newBuilder().setType(first.getMetric().getType()).build())
              .setResource(
                  com.google.api.MonitoredResource.newBuilder()
                      .setType(first.getResource().getType())
                      .build());
      for (String field : groupBy) {
        String value = label(first, field);
        if (value == null) {
          continue;
        }
        if (field.startsWith("resource.label.")) {
          header.getResourceBuilder().putLabels(field.substring("resource.label.".length()), value);
        } else {
          header.getMetricBuilder().putLabels(field.substring("metric.label.".length()), value);
        }
      }
      header.setMetricKind(first.getMetricKind()).setValueType(first.getValueType());
      out.add(series(header.build(), aligner, period, reduced));
    }
    return out;
  }

  /** One period's aligned value: a number, or a distribution's count and mean. */
  private record AlignedValue(double number, boolean integral, long count, boolean distribution) {}

  private static AlignedValue align(
      TimeSeries header, Aligner aligner, Duration period, List<Point> points) {
    MetricKind kind = header.getMetricKind();
    ValueType type = header.getValueType();
    boolean numeric = type == ValueType.INT64 || type == ValueType.DOUBLE;
    switch (aligner) {
      case ALIGN_MEAN -> {
        if (!numeric) {
          throw invalid(
              "ALIGN_MEAN needs a numeric metric, " + header.getMetric().getType() + " is " + type);
        }
        double sum = 0;
        for (Point p : points) {
          sum += number(p);
        }
        return new AlignedValue(sum / points.size(), false, 0, false);
      }
      case ALIGN_RATE, ALIGN_DELTA -> {
        if (kind == MetricKind.CUMULATIVE) {
          throw unimplemented(aligner + " of a CUMULATIVE metric");
        }
        if (kind != MetricKind.DELTA) {
          throw invalid(
              aligner
                  + " needs a DELTA or CUMULATIVE metric, "
                  + header.getMetric().getType()
                  + " is "
                  + kind);
        }
        if (type == ValueType.DISTRIBUTION) {
          if (aligner == Aligner.ALIGN_RATE) {
            throw invalid("ALIGN_RATE needs a numeric metric");
          }
          long count = 0;
          double sum = 0;
          for (Point p : points) {
            Distribution d = p.getValue().getDistributionValue();
            count += d.getCount();
            sum += d.getMean() * d.getCount();
          }
          return new AlignedValue(count == 0 ? 0 : sum / count, false, count, true);
        }
        if (!numeric) {
          throw invalid(aligner + " needs a numeric or distribution metric");
        }
        double sum = 0;
        for (Point p : points) {
          sum += number(p);
        }
        return aligner == Aligner.ALIGN_RATE
            ? new AlignedValue(sum / period.toSeconds(), false, 0, false)
            : new AlignedValue(sum, type == ValueType.INT64, 0, false);
      }
      default -> throw unimplemented("aligner " + aligner);
    }
  }

  private static AlignedValue reduce(Reducer reducer, List<AlignedValue> values) {
    boolean distributions = values.get(0).distribution();
    if (reducer == Reducer.REDUCE_SUM) {
      if (distributions) {
        throw unimplemented("REDUCE_SUM of distributions");
      }
      double sum = 0;
      boolean integral = true;
      for (AlignedValue v : values) {
        sum += v.number();
        integral &= v.integral();
      }
      return new AlignedValue(sum, integral, 0, false);
    }
    double sum = 0;
    double weight = 0;
    for (AlignedValue v : values) {
      double w = distributions ? v.count() : 1;
      sum += v.number() * w;
      weight += w;
    }
    return new AlignedValue(weight == 0 ? 0 : sum / weight, false, 0, false);
  }

  private static TimeSeries series(
      TimeSeries header,
      Aligner aligner,
      Duration period,
      NavigableMap<Instant, AlignedValue> values) {
    TimeSeries.Builder out = header.toBuilder().clearPoints();
    boolean anyDistribution = values.values().stream().anyMatch(AlignedValue::distribution);
    boolean allIntegral = values.values().stream().allMatch(AlignedValue::integral);
    out.setMetricKind(aligner == Aligner.ALIGN_DELTA ? MetricKind.DELTA : MetricKind.GAUGE)
        .setValueType(
            anyDistribution
                ? ValueType.DISTRIBUTION
                : allIntegral ? ValueType.INT64 : ValueType.DOUBLE);
    for (Map.Entry<Instant, AlignedValue> e : values.descendingMap().entrySet()) {
      AlignedValue v = e.getValue();
      com.google.monitoring.v3.TypedValue.Builder value =
          com.google.monitoring.v3.TypedValue.newBuilder();
      if (v.distribution()) {
        value.setDistributionValue(
            Distribution.newBuilder().setCount(v.count()).setMean(v.number()));
      } else if (allIntegral) {
        value.setInt64Value(Math.round(v.number()));
      } else {
        value.setDoubleValue(v.number());
      }
      out.addPoints(
          Point.newBuilder()
              .setInterval(
                  com.google.monitoring.v3.TimeInterval.newBuilder()
                      .setStartTime(Timestamps.fromMillis(e.getKey().minus(period).toEpochMilli()))
                      .setEndTime(Timestamps.fromMillis(e.getKey().toEpochMilli())))
              .setValue(value));
    }
    return out.build();
  }

  private static double number(Point p) {
    return switch (p.getValue().getValueCase()) {
      case INT64_VALUE -> p.getValue().getInt64Value();
      case DOUBLE_VALUE -> p.getValue().getDoubleValue();
      default -> throw invalid("a numeric aligner met a " + p.getValue().getValueCase() + " point");
    };
  }

  private static String label(TimeSeries ts, String field) {
    return field.startsWith("resource.label.")
        ? ts.getResource().getLabelsOrDefault(field.substring("resource.label.".length()), null)
        : ts.getMetric().getLabelsOrDefault(field.substring("metric.label.".length()), null);
  }

  private static StatusRuntimeException unimplemented(String what) {
    return Status.UNIMPLEMENTED
        .withDescription("MonitoringApiFake does not implement " + what + "; extend it for that")
        .asRuntimeException();
  }

  /** {@code a = "x" AND b = "y"} into {a: x, b: y}; anything else is UNIMPLEMENTED here. */
  private static Map<String, String> filter(String filter) {
    if (filter.isBlank()) {
      throw invalid("filter is required");
    }
    Map<String, String> terms = new LinkedHashMap<>();
    for (String term : filter.split("\\bAND\\b")) {
      Matcher m = TERM.matcher(term);
      if (!m.matches()) {
        throw Status.UNIMPLEMENTED
            .withDescription(
                "MonitoringApiFake evaluates only `key = \"value\"` AND-terms: " + term)
            .asRuntimeException();
      }
      terms.put(m.group(1).replace(".labels.", ".label."), m.group(2));
    }
    if (!terms.containsKey("metric.type")) {
      throw invalid("filter must name a metric.type");
    }
    return terms;
  }

  private static boolean matches(TimeSeries ts, Map<String, String> filter) {
    for (Map.Entry<String, String> term : filter.entrySet()) {
      String key = term.getKey();
      String actual;
      if (key.equals("metric.type")) {
        actual = ts.getMetric().getType();
      } else if (key.equals("resource.type")) {
        actual = ts.getResource().getType();
      } else if (key.startsWith("metric.label.")) {
        actual = ts.getMetric().getLabelsOrDefault(key.substring("metric.label.".length()), null);
      } else {
        actual =
            ts.getResource().getLabelsOrDefault(key.substring("resource.label.".length()), null);
      }
      if (!term.getValue().equals(actual)) {
        return false;
      }
    }
    return true;
  }

  // ---- plumbing ----

  private MetricDescriptor autoDescriptor(String project, TimeSeries ts) {
    MetricDescriptor.Builder d =
        MetricDescriptor.newBuilder()
            .setName("projects/" + project + "/metricDescriptors/" + ts.getMetric().getType())
            .setType(ts.getMetric().getType())
            .setMetricKind(
                ts.getMetricKind() == MetricKind.METRIC_KIND_UNSPECIFIED
                    ? MetricKind.GAUGE
                    : ts.getMetricKind())
            .setValueType(valueType(ts.getPoints(0)));
    ts.getMetric()
        .getLabelsMap()
        .keySet()
        .forEach(k -> d.addLabels(com.google.api.LabelDescriptor.newBuilder().setKey(k)));
    return d.build();
  }

  private static ValueType valueType(Point point) {
    return switch (point.getValue().getValueCase()) {
      case BOOL_VALUE -> ValueType.BOOL;
      case INT64_VALUE -> ValueType.INT64;
      case DOUBLE_VALUE -> ValueType.DOUBLE;
      case STRING_VALUE -> ValueType.STRING;
      case DISTRIBUTION_VALUE -> ValueType.DISTRIBUTION;
      case VALUE_NOT_SET -> ValueType.VALUE_TYPE_UNSPECIFIED;
    };
  }

  private static String key(TimeSeries ts) {
    return ts.getMetric().getType()
        + new TreeMap<>(ts.getMetric().getLabelsMap())
        + ts.getResource().getType()
        + new TreeMap<>(ts.getResource().getLabelsMap());
  }

  private static boolean userDefined(String type) {
    return USER_PREFIXES.stream().anyMatch(type::startsWith);
  }

  private static String project(String name) {
    Matcher m = PROJECT.matcher(name);
    if (!m.matches()) {
      throw invalid("name must be projects/[PROJECT_ID_OR_NUMBER], got '" + name + "'");
    }
    return m.group(1);
  }

  private static com.google.protobuf.Timestamp end(Point p) {
    return p.getInterval().getEndTime();
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(
      Descriptors.ServiceDescriptor service,
      String name,
      Class<Q> requestType,
      Class<R> responseType) {
    Descriptors.MethodDescriptor published = service.findMethodByName(name);
    if (published == null) {
      throw new AssertionError(SERVICE + " has no method " + name);
    }
    Q requestDefault = defaultInstance(requestType);
    if (!published.getInputType().equals(requestDefault.getDescriptorForType())) {
      throw new AssertionError(name + " takes " + published.getInputType().getFullName());
    }
    R responseDefault = defaultInstance(responseType);
    if (!published.getOutputType().equals(responseDefault.getDescriptorForType())) {
      throw new AssertionError(name + " answers " + published.getOutputType().getFullName());
    }
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(requestDefault))
        .setResponseMarshaller(ProtoUtils.marshaller(responseDefault))
        .build();
  }

  private static <Q extends Message> Q defaultInstance(Class<Q> type) {
    try {
      return type.cast(type.getMethod("getDefaultInstance").invoke(null));
    } catch (ReflectiveOperationException e) {
      throw new LinkageError("no default instance of " + type, e);
    }
  }

  private <Q, R> io.grpc.ServerCallHandler<Q, R> unary(String name, Function<Q, R> body) {
    return ServerCalls.asyncUnaryCall(
        (Q request, StreamObserver<R> response) -> {
          Status injected;
          synchronized (this) {
            calls.merge(name, 1, Integer::sum);
            Deque<Status> queue = failures.get(name);
            injected = queue == null ? null : queue.poll();
          }
          if (injected != null) {
            response.onError(injected.asRuntimeException());
            return;
          }
          try {
            response.onNext(body.apply(request));
            response.onCompleted();
          } catch (StatusRuntimeException e) {
            response.onError(e);
          } catch (RuntimeException e) {
            response.onError(
                Status.INTERNAL
                    .withDescription(String.valueOf(e))
                    .withCause(e)
                    .asRuntimeException());
          }
        });
  }
}
