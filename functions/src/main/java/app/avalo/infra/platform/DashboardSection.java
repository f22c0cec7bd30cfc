package app.avalo.infra.platform;

/**
 * One domain's part of {@code getDashboardData}: a small snapshot (a few reads at most) of the
 * domain's state for the admin overview. A section that fails is shown as unavailable; it never
 * fails the whole dashboard.
 */
public interface DashboardSection {
  /** The key under which the snapshot appears, e.g. {@code regions}, {@code budgets}. */
  String name();

  /** The snapshot; must be JSON-serialisable with {@link Json#GSON}. */
  Object snapshot(App app) throws Exception;
}
