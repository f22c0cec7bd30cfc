package app.avalo.infra.localstack;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The Firebase Auth emulator's REST API: the demo admin account and its ID token. */
public final class AuthEmulatorClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String host;
  private final String projectId;

  public AuthEmulatorClient(String host, String projectId) {
    this.host = host;
    this.projectId = projectId;
  }

  /** A signed-in account: uid and a fresh ID token. */
  public record Account(String uid, String email, String idToken) {}

  /**
   * Signs in {@code email}, creating the account first if needed; sets or clears the admin claim.
   */
  public Account ensureAccount(String email, String password, boolean admin) {
    String credentials =
        "{\"email\":\""
            + email
            + "\",\"password\":\""
            + password
            + "\",\"returnSecureToken\":true}";
    JsonObject signedIn =
        call(
            "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=local",
            credentials,
            false,
            true);
    if (signedIn == null) {
      signedIn =
          call(
              "/identitytoolkit.googleapis.com/v1/accounts:signUp?key=local",
              credentials,
              false,
              false);
    }
    String uid = signedIn.get("localId").getAsString();
    call(
        "/identitytoolkit.googleapis.com/v1/projects/" + projectId + "/accounts:update",
        "{\"localId\":\""
            + uid
            + "\",\"customAttributes\":\""
            + (admin ? "{\\\"admin\\\":true}" : "{}")
            + "\"}",
        true,
        false);
    // Sign in again so the token carries the claim.
    JsonObject fresh =
        call(
            "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=local",
            credentials,
            false,
            false);
    return new Account(uid, email, fresh.get("idToken").getAsString());
  }

  private JsonObject call(String path, String body, boolean asOwner, boolean allowFailure) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + host + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (asOwner) {
      request.header("Authorization", "Bearer owner");
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        if (allowFailure) {
          return null;
        }
        throw new IllegalStateException(
            "Auth emulator "
                + path
                + " answered "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return JsonParser.parseString(response.body()).getAsJsonObject();
    } catch (IOException e) {
      throw new IllegalStateException("the Auth emulator is unreachable at " + host, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
