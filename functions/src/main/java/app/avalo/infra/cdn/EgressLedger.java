package app.avalo.infra.cdn;

import java.time.Instant;

/**
 * Where the CDN's measured egress is booked as a cost (the composition root wires the cost domain's
 * ledger: priced per GiB and region, counted against the budget of what it carried — video egress
 * against the video-bandwidth budget). {@code assetType} is what the bytes were ({@code video},
 * {@code image}, … or {@code all} when the source cannot tell), {@code at} the start of the hour
 * they were served in (so the last hour of a month is booked in that month). {@code recordId} is
 * stable per hour, region and type, so a re-run books nothing twice.
 */
@FunctionalInterface
public interface EgressLedger {
  void book(String assetType, long bytes, String region, Instant at, String recordId)
      throws Exception;
}
