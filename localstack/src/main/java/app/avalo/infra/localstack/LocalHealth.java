package app.avalo.infra.localstack;

import app.avalo.infra.routing.HealthProber;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health endpoints the local stack's regions are probed at ({@code GET /_local/health/{regionId}}),
 * switchable so a newcomer can watch failover happen: {@code curl -X POST
 * 'http://127.0.0.1:5001/_local/health/EU?mode=fail'} (modes: ok, fail, slow, hang). With {@code
 * &vantage=US} the mode holds only for probes from that vantage (the prober names it in {@link
 * HealthProber#VANTAGE_HEADER}): a partition between two regions, which the quorum must not take
 * for an outage. In mode ok the answer is the real {@code regionHealth} function's (its Firestore
 * check), as in production, where the health URLs point at it.
 */
public final class LocalHealth {
  public enum Mode {
    OK,
    FAIL,
    SLOW,
    HANG
  }

  private static final long SLOW_MILLIS = 1_200;
  private static final long HANG_MILLIS = 5_000;
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();

  public Mode mode(String regionId) {
    return modes.getOrDefault(regionId, Mode.OK);
  }

  /** The mode probes from {@code vantage} see (its own if set, else the region's). */
  public Mode mode(String regionId, String vantage) {
    return modes.getOrDefault(regionId + "@" + vantage, mode(regionId));
  }

  public void set(String regionId, Mode mode) {
    modes.put(regionId, mode);
  }

  /** Sets the mode for probes from one vantage only. */
  public void set(String regionId, String vantage, Mode mode) {
    modes.put(regionId + "@" + vantage, mode);
  }

  void serve(String regionId, HttpRequest request, HttpResponse response, HttpFunction regionHealth)
      throws Exception {
    if (!regionId.matches("[A-Za-z0-9_-]{1,32}")) {
      DevRouter.sendJson(response, 400, Map.of("error", "bad region id"));
      return;
    }
    if ("POST".equals(request.getMethod())) {
      String mode = request.getFirstQueryParameter("mode").orElse("");
      String vantage = request.getFirstQueryParameter("vantage").orElse(null);
      if (vantage != null && !vantage.matches("[A-Za-z0-9_-]{1,32}")) {
        DevRouter.sendJson(response, 400, Map.of("error", "bad vantage id"));
        return;
      }
      Mode parsed;
      try {
        parsed = Mode.valueOf(mode.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        DevRouter.sendJson(response, 400, Map.of("error", "mode must be ok, fail, slow or hang"));
        return;
      }
      if (vantage == null) {
        set(regionId, parsed);
      } else {
        set(regionId, vantage, parsed);
      }
      Map<String, Object> answer = new java.util.LinkedHashMap<>();
      answer.put("region", regionId);
      answer.put("mode", parsed.name().toLowerCase(Locale.ROOT));
      if (vantage != null) {
        answer.put("vantage", vantage);
      }
      DevRouter.sendJson(response, 200, answer);
      return;
    }
    String from = request.getFirstHeader(HealthProber.VANTAGE_HEADER).orElse("");
    switch (mode(regionId, from)) {
      case OK -> {
        if (regionHealth != null) {
          regionHealth.service(request, response);
        } else {
          DevRouter.sendJson(response, 200, Map.of("region", regionId, "status", "ok"));
        }
      }
      case FAIL ->
          DevRouter.sendJson(response, 503, Map.of("region", regionId, "status", "failing"));
      case SLOW -> {
        Thread.sleep(SLOW_MILLIS);
        DevRouter.sendJson(response, 200, Map.of("region", regionId, "status", "slow"));
      }
      case HANG -> {
        Thread.sleep(HANG_MILLIS);
        DevRouter.sendJson(response, 200, Map.of("region", regionId, "status", "hung"));
      }
    }
  }
}
