package app.avalo.infra.cost;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates the missing price, rate-limit and budget documents from the code defaults, at most once
 * per instance (the documents are never deleted by the code, and an admin's edits are kept).
 */
final class CostDefaults {
  private final PricingStore pricing;
  private final BudgetStore budgets;
  private final AtomicBoolean seeded = new AtomicBoolean();

  CostDefaults(PricingStore pricing, BudgetStore budgets) {
    this.pricing = pricing;
    this.budgets = budgets;
  }

  /** {@link #seed()} once per instance. */
  void ensureSeeded() {
    if (seeded.compareAndSet(false, true)) {
      seed();
    }
  }

  void seed() {
    pricing.seedDefaults();
    budgets.seedDefaults();
  }
}
