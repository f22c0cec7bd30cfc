package app.avalo.infra.platform;

import java.util.function.Supplier;

/**
 * One domain's part of {@code getDashboardData}: a small snapshot (a few reads at most) of the
 * domain's state for the admin overview. A section that fails is shown as unavailable; it never
 * fails the whole dashboard.
 */
@FunctionalInterface
public interface DashboardSection {
  /** The snapshot now; must be JSON-serialisable with {@link Json#GSON}. */
  Object snapshot() throws Exception;

  /**
   * A section under its key in the response (the domain's name), built on first use: a domain whose
   * configuration is broken shows as that section unavailable, not as a failed dashboard.
   */
  record Named(String name, Supplier<DashboardSection> section) {}
}
