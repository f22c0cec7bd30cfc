package app.avalo.infra.localstack.seed;

import app.avalo.infra.routing.RegionDefinition;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The three regions, with their health URLs on the dev server's switchable local health endpoint
 * ({@code GET /_local/health/{region}}, which answers with the real {@code regionHealth} function
 * while the mode is ok; {@code POST …?mode=ok|fail|slow|hang[&vantage=US]} flips it) and their
 * endpoints on the dev server itself, so the local scheduler's {@code runHealthChecks} probes
 * something real and a newcomer can fail a region and watch routing fail over (docs/routing.md).
 * Idempotent: {@code initializeRegions} never resets live status.
 */
public final class RoutingSeed implements DemoSeed {
  @Override
  public String name() {
    return "routing";
  }

  @Override
  public void seed(SeedContext context) {
    String base = context.baseUrl().replaceAll("/+$", "");
    JsonArray regions = new JsonArray();
    for (String id : RegionDefinition.ids()) {
      JsonObject region = new JsonObject();
      region.addProperty("id", id);
      region.addProperty("endpoint", base);
      region.addProperty("healthUrl", base + "/_local/health/" + id);
      regions.add(region);
    }
    JsonObject data = new JsonObject();
    data.add("regions", regions);
    context.callAsAdmin("initializeRegions", data.toString());
  }
}
