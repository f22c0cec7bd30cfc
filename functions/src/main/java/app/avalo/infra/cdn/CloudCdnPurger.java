package app.avalo.infra.cdn;

import com.google.cloud.compute.v1.CacheInvalidationRule;
import com.google.cloud.compute.v1.InvalidateCacheUrlMapRequest;
import com.google.cloud.compute.v1.UrlMapsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Cloud CDN cache invalidation through the URL map ({@code urlMaps.invalidateCache}). An asset is
 * invalidated by its folder ({@code /media/…/{assetId}/*}: one rule instead of one per segment),
 * everything by {@code /*}. Each rule carries a request id derived from the purge id, so a retried
 * call does not start a second invalidation. The call returns once Compute accepted the operation;
 * invalidation then completes at the edge within minutes.
 */
final class CloudCdnPurger implements CachePurger {
  private final String project;
  private final String urlMap;
  private final String host;
  private final Supplier<UrlMapsClient> client;

  CloudCdnPurger(String project, String urlMap, String host, Supplier<UrlMapsClient> client) {
    this.project = project;
    this.urlMap = urlMap;
    this.host = host;
    this.client = client;
  }

  /** The production client (application default credentials), created on first purge. */
  static UrlMapsClient defaultClient() {
    try {
      return UrlMapsClient.create();
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the Compute URL maps client", e);
    }
  }

  @Override
  public String name() {
    return "cloud-cdn";
  }

  @Override
  public PurgeResult purge(PurgeRequest request) throws Exception {
    List<String> operations = new ArrayList<>();
    UrlMapsClient urlMaps = client.get();
    for (InvalidateCacheUrlMapRequest call : requests(request)) {
      // The plain call, not the long-running wrapper: invalidation takes minutes at the edge and
      // nothing here waits for it; the operation name is kept for the purge record.
      operations.add(urlMaps.invalidateCacheCallable().call(call).getName());
    }
    return new PurgeResult(name(), operations);
  }

  /** The invalidation calls for a purge, built without any network access. */
  List<InvalidateCacheUrlMapRequest> requests(PurgeRequest request) {
    Set<String> paths = new LinkedHashSet<>();
    if (request.everything()) {
      paths.add("/*");
    } else if (!request.prefixes().isEmpty()) {
      for (URI prefix : request.prefixes()) {
        String path = prefix.getRawPath();
        paths.add((path.endsWith("/") ? path : path + "/") + "*");
      }
    } else {
      for (URI url : request.urls()) {
        paths.add(url.getRawPath());
      }
    }
    List<InvalidateCacheUrlMapRequest> calls = new ArrayList<>();
    for (String path : paths) {
      CacheInvalidationRule.Builder rule = CacheInvalidationRule.newBuilder().setPath(path);
      if (host != null) {
        rule.setHost(host);
      }
      calls.add(
          InvalidateCacheUrlMapRequest.newBuilder()
              .setProject(project)
              .setUrlMap(urlMap)
              .setCacheInvalidationRuleResource(rule)
              .setRequestId(
                  UUID.nameUUIDFromBytes(
                          (request.requestId() + "|" + path).getBytes(StandardCharsets.UTF_8))
                      .toString())
              .build());
    }
    return calls;
  }
}
