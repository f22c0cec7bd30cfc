package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code getDashboardData} (admins' dashboard, polled every 10 s): everything the overview needs in
 * one call — health and open alerts, regions, scaling, CDN, budgets, backups — one section per
 * domain (wired in {@link Root#dashboardSections}). A failing or missing section shows as {@code
 * {available: false, reason}}; the call itself still succeeds.
 */
public final class GetDashboardData extends ApiFunction {
  private final Supplier<List<DashboardSection.Named>> sections;

  public GetDashboardData() {
    super(() -> Root.get().platform());
    this.sections = () -> Root.get().dashboardSections();
  }

  GetDashboardData(Platform platform, List<DashboardSection.Named> sections) {
    super(platform);
    this.sections = () -> sections;
  }

  @Override
  protected Object handle(Request request) throws InterruptedException {
    request.data().done();
    return new DashboardComposer(sections.get()).compose(platform().clock());
  }
}
