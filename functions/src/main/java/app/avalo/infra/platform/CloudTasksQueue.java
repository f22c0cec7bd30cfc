package app.avalo.infra.platform;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.common.base.Suppliers;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link TaskQueue} over the Cloud Tasks v2 REST API: {@code POST
 * {endpoint}/v2/projects/P/locations/L/queues/Q/tasks} with an HTTP-target task — the worker's URL,
 * {@code POST}, a JSON body (base64 in the API), an OIDC token of the invoker service account whose
 * audience is that URL (Cloud Run IAM checks it), and the dispatch deadline. The caller's task name
 * makes creation idempotent: the API answers 409 ALREADY_EXISTS for a name in use or used within
 * about an hour, which is success here.
 */
public final class CloudTasksQueue implements TaskQueue {
  /**
   * The longest an HTTP task may run before Cloud Tasks gives up on the attempt (the API's
   * maximum).
   */
  public static final Duration MAX_DISPATCH_DEADLINE = Duration.ofMinutes(30);

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
  private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  private final TaskQueueConfig config;
  private final String projectId;
  private final Duration dispatchDeadline;
  private final Supplier<String> accessToken;
  private final HttpClient http;

  /**
   * @param accessToken the bearer token of each API call, or null to send none (the local fake)
   */
  public CloudTasksQueue(
      TaskQueueConfig config,
      String projectId,
      Duration dispatchDeadline,
      Supplier<String> accessToken,
      HttpClient http) {
    if (dispatchDeadline.compareTo(Duration.ofSeconds(15)) < 0
        || dispatchDeadline.compareTo(MAX_DISPATCH_DEADLINE) > 0) {
      throw new IllegalArgumentException(
          "a dispatch deadline must be 15 s to 30 min (got " + dispatchDeadline + ")");
    }
    this.config = config;
    this.projectId = projectId;
    this.dispatchDeadline = dispatchDeadline;
    this.accessToken = accessToken;
    this.http = http;
  }

  /** The production wiring: default credentials when the config asks for them. */
  public static CloudTasksQueue configured(
      TaskQueueConfig config, String projectId, Duration dispatchDeadline) {
    return new CloudTasksQueue(
        config,
        projectId,
        dispatchDeadline,
        config.googleAuth() ? defaultCredentialsToken() : null,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  private static Supplier<String> defaultCredentialsToken() {
    Supplier<GoogleCredentials> credentials =
        Suppliers.memoize(
            () -> {
              try {
                return GoogleCredentials.getApplicationDefault().createScoped(SCOPE);
              } catch (IOException e) {
                throw new UncheckedIOException(
                    "no default Google credentials to call Cloud Tasks with", e);
              }
            });
    return () -> {
      try {
        GoogleCredentials c = credentials.get();
        c.refreshIfExpired();
        return c.getAccessToken().getTokenValue();
      } catch (IOException e) {
        throw new UncheckedIOException("could not get an access token for Cloud Tasks", e);
      }
    };
  }

  /** Where {@code function}'s tasks are delivered (and the OIDC audience). */
  public String targetUrl(String function) {
    return config.targetBaseUrl() + "/" + function;
  }

  public String queuePath(String queue) {
    return "projects/" + projectId + "/locations/" + config.location() + "/queues/" + queue;
  }

  @Override
  public boolean enqueue(String queue, String function, Object payload, String taskName) {
    if (!taskName.matches("[A-Za-z0-9_-]{1,500}")) {
      throw new IllegalArgumentException(
          "a task name is 1-500 of [A-Za-z0-9_-] (got '" + taskName + "')");
    }
    String parent = queuePath(queue);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(config.endpoint() + "/v2/" + parent + "/tasks"))
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    createBody(parent, function, payload, taskName).toString()));
    if (accessToken != null) {
      request.header("Authorization", "Bearer " + accessToken.get());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cloud Tasks could not be reached at " + config.endpoint(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating a Cloud Tasks task", e);
    }
    if (response.statusCode() == 200) {
      return true;
    }
    if (response.statusCode() == 409) {
      return false; // ALREADY_EXISTS: this task was created before (a retried enqueue)
    }
    throw new IllegalStateException(
        "Cloud Tasks refused task "
            + taskName
            + " in "
            + parent
            + ": HTTP "
            + response.statusCode()
            + " "
            + errorMessage(response.body()));
  }

  /** The CreateTaskRequest body, built without any network access. */
  JsonObject createBody(String parent, String function, Object payload, String taskName) {
    String url = targetUrl(function);
    JsonObject httpRequest = new JsonObject();
    httpRequest.addProperty("url", url);
    httpRequest.addProperty("httpMethod", "POST");
    httpRequest.add("headers", Json.toTree(Map.of("Content-Type", "application/json")));
    httpRequest.addProperty(
        "body",
        Base64.getEncoder()
            .encodeToString(
                Json.GSON.toJson(Json.toTree(payload)).getBytes(StandardCharsets.UTF_8)));
    if (config.invokerServiceAccount() != null) {
      JsonObject oidc = new JsonObject();
      oidc.addProperty("serviceAccountEmail", config.invokerServiceAccount());
      oidc.addProperty("audience", url);
      httpRequest.add("oidcToken", oidc);
    }
    JsonObject task = new JsonObject();
    task.addProperty("name", parent + "/tasks/" + taskName);
    task.addProperty("dispatchDeadline", dispatchDeadline.toSeconds() + "s");
    task.add("httpRequest", httpRequest);
    JsonObject body = new JsonObject();
    body.add("task", task);
    return body;
  }

  private static String errorMessage(String body) {
    try {
      JsonElement tree = Json.parseStrict(new StringReader(body));
      if (tree.isJsonObject() && tree.getAsJsonObject().has("error")) {
        JsonObject error = tree.getAsJsonObject().getAsJsonObject("error");
        return (error.has("status") ? error.get("status").getAsString() + ": " : "")
            + (error.has("message") ? error.get("message").getAsString() : "");
      }
    } catch (RuntimeException e) {
      // not JSON: show the start of it
    }
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}
