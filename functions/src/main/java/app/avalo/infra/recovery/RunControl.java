package app.avalo.infra.recovery;

import app.avalo.infra.platform.JobContext;
import java.time.Duration;

/**
 * What a long run needs from its caller: time left, its fencing token, and a place to report
 * progress.
 */
interface RunControl {
  Duration remaining();

  /** The run's lease generation; a retry of a timed-out run holds a greater one. */
  long fencingToken();

  void progress(String key, Object value);

  static RunControl of(JobContext context) {
    return new RunControl() {
      @Override
      public Duration remaining() {
        return context.remaining();
      }

      @Override
      public long fencingToken() {
        return context.leaseGeneration();
      }

      @Override
      public void progress(String key, Object value) {
        context.progress(key, value);
      }
    };
  }
}
