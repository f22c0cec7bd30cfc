package app.avalo.infra.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * Creates users in the Firebase Auth emulator and signs them in, with or without the admin claim.
 */
public final class AuthEmulator {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private AuthEmulator() {}

  /** A signed-in user: its uid and a fresh ID token. */
  public record User(String uid, String email, String idToken) {
    public String bearer() {
      return "Bearer " + idToken;
    }
  }

  public static User newUser() {
    return signUp("user-" + UUID.randomUUID() + "@example.test", false);
  }

  public static User newAdmin() {
    return signUp("admin-" + UUID.randomUUID() + "@example.test", true);
  }

  public static User signUp(String email, boolean admin) {
    String password = "password-" + UUID.randomUUID();
    JsonObject signUp =
        post(
            "/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key",
            "{\"email\":\""
                + email
                + "\",\"password\":\""
                + password
                + "\",\"returnSecureToken\":true}",
            false);
    String uid = signUp.get("localId").getAsString();
    if (!admin) {
      return new User(uid, email, signUp.get("idToken").getAsString());
    }
    post(
        "/identitytoolkit.googleapis.com/v1/projects/" + Emulators.projectId() + "/accounts:update",
        "{\"localId\":\"" + uid + "\",\"customAttributes\":\"{\\\"admin\\\":true}\"}",
        true);
    JsonObject signIn =
        post(
            "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key",
            "{\"email\":\""
                + email
                + "\",\"password\":\""
                + password
                + "\",\"returnSecureToken\":true}",
            false);
    return new User(uid, email, signIn.get("idToken").getAsString());
  }

  private static JsonObject post(String path, String body, boolean asOwner) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + Emulators.authHost() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (asOwner) {
      request.header("Authorization", "Bearer owner");
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
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
      throw new IllegalStateException("Auth emulator unreachable at " + Emulators.authHost(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
