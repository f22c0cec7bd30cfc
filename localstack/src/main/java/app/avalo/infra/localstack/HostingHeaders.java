package app.avalo.infra.localstack;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The response headers Firebase Hosting adds to every page of the dashboard ({@code firebase.json},
 * {@code hosting.headers} with source {@code **}), so the dev server serves the dashboard under the
 * same Content-Security-Policy as production and the browser tests catch a policy that breaks it.
 * Locally the dashboard talks to the emulators on loopback, so {@code connect-src} also allows
 * {@code http://127.0.0.1:*} — only here, never in firebase.json.
 */
final class HostingHeaders {
  static final String LOCAL_ORIGINS = "http://127.0.0.1:* http://localhost:*";

  private HostingHeaders() {}

  static Map<String, String> forEveryPage(Path firebaseJson) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(firebaseJson)) {
      JsonObject hosting =
          JsonParser.parseReader(reader).getAsJsonObject().getAsJsonObject("hosting");
      for (JsonElement rule : hosting.getAsJsonArray("headers")) {
        JsonObject r = rule.getAsJsonObject();
        if (r.has("source") && r.get("source").getAsString().equals("**")) {
          for (JsonElement header : r.getAsJsonArray("headers")) {
            JsonObject h = header.getAsJsonObject();
            headers.put(h.get("key").getAsString(), h.get("value").getAsString());
          }
        }
      }
    }
    headers.computeIfPresent("Content-Security-Policy", (k, policy) -> withLocalConnect(policy));
    return headers;
  }

  static String withLocalConnect(String policy) {
    if (!policy.contains("connect-src ")) {
      throw new IllegalArgumentException(
          "firebase.json's Content-Security-Policy has no connect-src: " + policy);
    }
    return policy.replaceFirst("connect-src ", "connect-src " + LOCAL_ORIGINS + " ");
  }
}
