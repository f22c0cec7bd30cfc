package app.avalo.infra.cdn;

import java.net.URI;
import java.util.List;

/**
 * Invalidates cached objects at the CDN edge. Implementations: {@link CloudCdnPurger} (URL-map
 * cache invalidation), {@link CloudflarePurger} (purge API) and {@link RecordingPurger} (local:
 * records, purges nothing). Chosen by {@code CDN_ADAPTER}.
 */
public interface CachePurger {
  /** What to invalidate: exact public URLs, URL prefixes ending in '/', or everything. */
  record PurgeRequest(String requestId, List<URI> urls, List<URI> prefixes, boolean everything) {
    static PurgeRequest everything(String requestId) {
      return new PurgeRequest(requestId, List.of(), List.of(), true);
    }
  }

  /** What the CDN answered: the operation or purge ids it gave, for the purge record. */
  record PurgeResult(String adapter, List<String> operations) {}

  String name();

  /** Purges or throws (the caller turns a failure into UNAVAILABLE). */
  PurgeResult purge(PurgeRequest request) throws Exception;
}
