package app.avalo.infra.testing;

import com.google.api.Distribution;
import com.google.api.MetricDescriptor;
import com.google.api.MetricDescriptor.MetricKind;
import com.google.api.MetricDescriptor.ValueType;
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
 * e.g. Cloud Run's built-in metrics for a scaling test). Other methods answer UNIMPLEMENTED, as
 * gRPC does for an unknown method; a {@code ListTimeSeries} with an aggregation or a filter this
 * fake cannot evaluate answers UNIMPLEMENTED too, never a silently unfiltered result.
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
    if (request.hasAggregation()
        && request.getAggregation().getPerSeriesAligner()
            != com.google.monitoring.v3.Aggregation.Aligner.ALIGN_NONE) {
      throw Status.UNIMPLEMENTED
          .withDescription("MonitoringApiFake does not align or reduce; extend it for that")
          .asRuntimeException();
    }
    Map<String, String> filter = filter(request.getFilter());
    if (!request.getInterval().hasEndTime()) {
      throw invalid("interval.endTime is required");
    }
    Instant to = instant(request.getInterval().getEndTime());
    Instant from =
        request.getInterval().hasStartTime() ? instant(request.getInterval().getStartTime()) : to;
    List<TimeSeries> matching = new ArrayList<>();
    for (StoredSeries s : series.values()) {
      if (!matches(s.header(), filter)) {
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
