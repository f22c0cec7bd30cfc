package app.avalo.infra.cdn;

/**
 * Where the CDN's measured egress is booked as a cost (the composition root wires the cost domain's
 * ledger: priced per GiB and region, counted against budgets). {@code recordId} is stable per hour
 * and region, so a re-run books nothing twice.
 */
@FunctionalInterface
public interface EgressLedger {
  void book(long bytes, String region, String recordId) throws Exception;
}
