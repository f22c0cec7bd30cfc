package app.avalo.infra.localstack.seed;

import java.util.List;

/** Every domain's demo data, in the order the dev server seeds it. */
public final class DemoSeeds {
  private DemoSeeds() {}

  public static List<DemoSeed> all() {
    return List.of(
        new RoutingSeed(),
        new ScalingSeed(),
        new CostSeed(),
        new CdnSeed(),
        new RecoverySeed(),
        new MonitoringSeed());
  }
}
