package app.avalo.infra.cost;

import java.util.Set;

/**
 * The outcome of recording reached budget levels: whether the period's state document was new, what
 * is now recorded, and what this call recorded first.
 */
record LevelChange(
    boolean createdPeriod,
    Set<BudgetPolicy.Level> recorded,
    Set<BudgetPolicy.Level> newlyReached) {}
