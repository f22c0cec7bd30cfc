package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Budgets ({@code costBudgets/{service}}, edited by admins, seeded from SPEC's defaults) and their
 * state per period ({@code costBudgetStates/{period}~{service}}, one document that changes only
 * when a threshold is first reached).
 */
final class BudgetStore {
  static final String BUDGETS = "costBudgets";
  static final String BUDGET_STATES = "costBudgetStates";

  private final Firestore db;

  BudgetStore(Firestore db) {
    this.db = db;
  }

  /** Creates each missing budget from the defaults; an admin's edits are kept. */
  void seedDefaults() {
    BudgetPolicy.defaults()
        .forEach(
            (service, policy) ->
                PricingStore.createIfMissing(
                    db.collection(BUDGETS).document(service.wire()), BudgetCodec.toPolicy(policy)));
  }

  /**
   * The stored budgets, or SPEC's defaults before they are seeded. A malformed budget document is
   * logged and left out (its service is then unbudgeted) rather than failing every request.
   */
  Map<CostService, BudgetPolicy> budgets() {
    List<QueryDocumentSnapshot> docs =
        Firestores.await(db.collection(BUDGETS).get()).getDocuments();
    if (docs.isEmpty()) {
      return BudgetPolicy.defaults();
    }
    Map<CostService, BudgetPolicy> budgets = new EnumMap<>(CostService.class);
    for (QueryDocumentSnapshot doc : docs) {
      Optional<CostService> service = CostService.fromWire(doc.getId());
      try {
        if (service.isEmpty()) {
          throw new IllegalStateException("costBudgets/" + doc.getId() + ": not a known service");
        }
        budgets.put(service.get(), BudgetCodec.fromPolicy(service.get(), doc.getData()));
      } catch (IllegalStateException e) {
        Log.error(
            "ignoring malformed budget: " + e.getMessage(), Map.of("budget", doc.getId()), null);
      }
    }
    return budgets;
  }

  void saveBudget(BudgetPolicy policy) {
    Firestores.await(
        db.collection(BUDGETS).document(policy.service().wire()).set(BudgetCodec.toPolicy(policy)));
  }

  /**
   * Records the levels {@code reached} in one transaction, so exactly one caller sees each level as
   * newly reached.
   */
  LevelChange recordLevels(
      BillingPeriod period, CostService service, Set<BudgetPolicy.Level> reached, Instant now) {
    DocumentReference ref = state(period, service);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot snap = tx.get(ref).get();
              Set<BudgetPolicy.Level> recorded = BudgetCodec.levels(snap);
              Set<BudgetPolicy.Level> newly = EnumSet.noneOf(BudgetPolicy.Level.class);
              newly.addAll(reached);
              newly.removeAll(recorded);
              if (!snap.exists()) {
                tx.create(ref, BudgetCodec.newState(period, service, newly, now));
              } else if (!newly.isEmpty()) {
                tx.update(ref, BudgetCodec.reached(newly, now));
              }
              Set<BudgetPolicy.Level> all = EnumSet.noneOf(BudgetPolicy.Level.class);
              all.addAll(recorded);
              all.addAll(newly);
              return new LevelChange(!snap.exists(), all, newly);
            },
            TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(20).build()));
  }

  /** When each level was first reached in the period (absent levels were not reached). */
  Map<BudgetPolicy.Level, Instant> levelTimes(BillingPeriod period, CostService service) {
    return BudgetCodec.levelTimes(Firestores.await(state(period, service).get()));
  }

  private DocumentReference state(BillingPeriod period, CostService service) {
    return db.collection(BUDGET_STATES).document(period.id() + "~" + service.wire());
  }
}
