package app.avalo.infra.cdn;

import java.util.ArrayList;
import java.util.List;

/**
 * The local stand-in for a CDN (there is none locally): keeps the requests it was given, so the
 * purge functions run end to end and tests can see exactly what would have been invalidated.
 */
public final class RecordingPurger implements CachePurger {
  private final List<PurgeRequest> requests = new ArrayList<>();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public synchronized PurgeResult purge(PurgeRequest request) {
    requests.add(request);
    return new PurgeResult(name(), List.of("recorded-" + requests.size()));
  }

  public synchronized List<PurgeRequest> requests() {
    return List.copyOf(requests);
  }
}
