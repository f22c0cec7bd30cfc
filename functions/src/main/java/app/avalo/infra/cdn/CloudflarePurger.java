package app.avalo.infra.cdn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cloudflare's purge API ({@code POST /zones/{zone}/purge_cache}): exact URLs in batches of 30 (the
 * per-call limit on every plan), {@code purge_everything} for a full purge. Prefix purges need an
 * Enterprise plan, so an asset is purged by listing its objects' URLs.
 */
final class CloudflarePurger implements CachePurger {
  static final int FILES_PER_CALL = 30;
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final URI apiBase;
  private final String zoneId;
  private final String apiToken;
  private final HttpClient http;

  CloudflarePurger(URI apiBase, String zoneId, String apiToken, HttpClient http) {
    this.apiBase = apiBase;
    this.zoneId = zoneId;
    this.apiToken = apiToken;
    this.http = http;
  }

  @Override
  public String name() {
    return "cloudflare";
  }

  /** One purge call: where it goes and its JSON body. */
  record Call(URI uri, String body) {}

  @Override
  public PurgeResult purge(PurgeRequest request) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Call call : calls(request)) {
      HttpResponse<String> response =
          http.send(httpRequest(call), HttpResponse.BodyHandlers.ofString());
      JsonObject body = parse(response.body());
      boolean success = body != null && body.has("success") && body.get("success").getAsBoolean();
      if (response.statusCode() / 100 != 2 || !success) {
        throw new IllegalStateException(
            "Cloudflare answered HTTP " + response.statusCode() + ": " + errors(body));
      }
      JsonElement result = body.get("result");
      if (result != null && result.isJsonObject() && result.getAsJsonObject().has("id")) {
        ids.add(result.getAsJsonObject().get("id").getAsString());
      }
    }
    return new PurgeResult(name(), ids);
  }

  /** The calls for a purge, built without any network access. */
  List<Call> calls(PurgeRequest request) {
    URI uri = URI.create(apiBase + "/zones/" + zoneId + "/purge_cache");
    List<Call> calls = new ArrayList<>();
    if (request.everything()) {
      JsonObject body = new JsonObject();
      body.addProperty("purge_everything", true);
      calls.add(new Call(uri, body.toString()));
      return calls;
    }
    List<URI> urls = request.urls();
    for (int i = 0; i < urls.size(); i += FILES_PER_CALL) {
      JsonArray files = new JsonArray();
      for (URI url : urls.subList(i, Math.min(urls.size(), i + FILES_PER_CALL))) {
        files.add(url.toString());
      }
      JsonObject body = new JsonObject();
      body.add("files", files);
      calls.add(new Call(uri, body.toString()));
    }
    return calls;
  }

  HttpRequest httpRequest(Call call) {
    return HttpRequest.newBuilder(call.uri())
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + apiToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(call.body()))
        .build();
  }

  private static JsonObject parse(String body) {
    try {
      JsonElement tree = JsonParser.parseString(body);
      return tree.isJsonObject() ? tree.getAsJsonObject() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String errors(JsonObject body) {
    if (body == null || !body.has("errors")) {
      return "no error detail";
    }
    return body.get("errors").toString();
  }
}
