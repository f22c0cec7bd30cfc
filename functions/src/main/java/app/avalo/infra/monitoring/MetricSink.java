package app.avalo.infra.monitoring;

import java.util.List;

/**
 * Where {@code exportMetrics} sends the sealed minutes: Cloud Monitoring in production ({@link
 * CloudMonitoringSink}), nothing locally ({@link #OFF}). One {@link #write} is one API call: at
 * most {@link #MAX_POINTS_PER_CALL} points, at most one per series.
 */
interface MetricSink {
  /**
   * The most time series one {@code CreateTimeSeries} call may carry (the API's documented limit:
   * https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/create).
   */
  int MAX_POINTS_PER_CALL = 200;

  /** Exports nothing; the job says so in its summary. */
  MetricSink OFF =
      new MetricSink() {
        @Override
        public String name() {
          return "off";
        }

        @Override
        public boolean enabled() {
          return false;
        }

        @Override
        public void createDescriptors(List<ExportedMetric> metrics) {}

        @Override
        public void write(List<ExportPoint> points) {}
      };

  String name();

  default boolean enabled() {
    return true;
  }

  /**
   * Creates (or confirms) the metric descriptors; creating an identical descriptor again succeeds.
   */
  void createDescriptors(List<ExportedMetric> metrics) throws Failure;

  /** Writes the points in one call; all or (as the API may do) part of them on failure. */
  void write(List<ExportPoint> points) throws Failure;

  /** What a failed call means for the exporter. */
  enum FailureKind {
    /** Worth retrying as is (unavailable, deadline, quota): retried next run. */
    TRANSIENT,
    /** The points themselves were refused (invalid, out of order): retrying cannot succeed. */
    REJECTED,
    /** Permission, project or API configuration: retried next run, and someone must act. */
    CONFIGURATION
  }

  /** A failed call, with the API's status. */
  final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final FailureKind kind;
    private final String status;

    Failure(FailureKind kind, String status, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
      this.status = status;
    }

    FailureKind kind() {
      return kind;
    }

    /** The gRPC status code's name, e.g. {@code PERMISSION_DENIED}. */
    String status() {
      return status;
    }
  }
}
