package app.avalo.infra.cost;

import java.time.Instant;

/**
 * The latest Cloud Billing budget notification for a service and month: the budget's cost so far
 * this month in PLN micros, as Cloud Billing last published it.
 */
record BudgetNotice(
    CostService service,
    BillingPeriod period,
    String budgetId,
    long costMicros,
    long budgetMinor,
    String currency,
    Instant publishedAt,
    Instant receivedAt) {}
