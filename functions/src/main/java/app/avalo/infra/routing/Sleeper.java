package app.avalo.infra.routing;

import java.time.Duration;

/**
 * Waits between health-check rounds; tests substitute one that moves their clock instead of
 * sleeping.
 */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
