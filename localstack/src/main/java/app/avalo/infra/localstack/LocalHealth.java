package app.avalo.infra.localstack;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health endpoints the local stack's regions are probed at ({@code GET /_local/health/{regionId}}),
 * switchable so a newcomer can watch failover happen: {@code curl -X POST
 * 'http://127.0.0.1:5001/_local/health/EU?mode=fail'} (modes: ok, fail, slow, hang).
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

  public void set(String regionId, Mode mode) {
    modes.put(regionId, mode);
  }

  void serve(String regionId, HttpRequest request, HttpResponse response)
      throws IOException, InterruptedException {
    if (!regionId.matches("[A-Za-z0-9_-]{1,32}")) {
      DevRouter.sendJson(response, 400, Map.of("error", "bad region id"));
      return;
    }
    if ("POST".equals(request.getMethod())) {
      String mode = request.getFirstQueryParameter("mode").orElse("");
      try {
        set(regionId, Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        DevRouter.sendJson(response, 400, Map.of("error", "mode must be ok, fail, slow or hang"));
        return;
      }
      DevRouter.sendJson(
          response,
          200,
          Map.of("region", regionId, "mode", mode(regionId).name().toLowerCase(Locale.ROOT)));
      return;
    }
    switch (mode(regionId)) {
      case OK -> DevRouter.sendJson(response, 200, Map.of("region", regionId, "status", "ok"));
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
