package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Request;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code getDashboardData} (admin): everything the overview needs in one call — health and open
 * alerts, regions, scaling, CDN, budgets, backups — one section per domain ({@link
 * DashboardSections}). A failing or missing section shows as {@code {available: false, reason}};
 * the call itself still succeeds. Polled by the dashboard every 10 s.
 */
public final class GetDashboardData extends ApiFunction {
  private final List<DashboardSection> sections;

  public GetDashboardData() {
    super();
    this.sections = DashboardSections.all();
  }

  GetDashboardData(Supplier<App> app) {
    this(app, DashboardSections.all());
  }

  GetDashboardData(Supplier<App> app, List<DashboardSection> sections) {
    super(app);
    this.sections = sections;
  }

  @Override
  protected Object handle(Request request) throws InterruptedException {
    request.data().done();
    return new DashboardComposer(sections).compose(app());
  }
}
