package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code importBillingExport} (Cloud Scheduler, hourly): books infrastructure spend from the Cloud
 * Billing export in BigQuery into the ledger, one line per (usage hour, service, SKU) — see {@link
 * BillingImporter}. Idempotent: a re-run or a restated hour replaces a line's amount, never adds to
 * it. With {@code COST_BILLING_SOURCE=off} it does nothing locally and fails on Cloud Functions.
 */
public final class ImportBillingExport extends ScheduledJob {
  private final Supplier<CostModule> cost;

  public ImportBillingExport() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  ImportBillingExport(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return cost.get().billingImport().run(context).result();
  }
}
