package app.avalo.infra.platform;

import java.net.URI;

/**
 * Where tasks go and how they are authenticated, read once from the environment (listed in {@code
 * docs/cdn.md}). On Cloud Functions the location, the invoker service account and the functions'
 * base URL are required; locally they default to the dev server's loopback values.
 *
 * @param endpoint the Cloud Tasks API root ({@code CLOUD_TASKS_ENDPOINT}; tests point it at a fake)
 * @param location the queues' location ({@code CLOUD_TASKS_LOCATION})
 * @param invokerServiceAccount the account whose OIDC token Cloud Tasks attaches to each dispatch
 *     ({@code TASKS_INVOKER_SERVICE_ACCOUNT}; it needs {@code roles/run.invoker} on the worker);
 *     null locally
 * @param targetBaseUrl the functions' base URL, a task's URL being {@code base/functionName}
 *     ({@code TASKS_TARGET_BASE_URL}); also the OIDC audience
 * @param googleAuth whether calls to the API carry the default credentials' access token ({@code
 *     CLOUD_TASKS_AUTH=google|none}; none is for the local fake and refused on Cloud Functions)
 */
public record TaskQueueConfig(
    URI endpoint,
    String location,
    String invokerServiceAccount,
    String targetBaseUrl,
    boolean googleAuth) {

  public enum AuthKind {
    GOOGLE,
    NONE
  }

  public static TaskQueueConfig read(ConfigReader env, AppConfig platform) {
    boolean cloud = platform.onCloudFunctions();
    String endpoint = env.optional("CLOUD_TASKS_ENDPOINT", "https://cloudtasks.googleapis.com");
    if (!endpoint.matches("https?://[^\\s?#]+")) {
      env.problem(
          "CLOUD_TASKS_ENDPOINT must be an http(s) URL without query or fragment (got '"
              + endpoint
              + "')");
      endpoint = "https://cloudtasks.googleapis.com";
    }
    String location =
        cloud
            ? env.required(
                "CLOUD_TASKS_LOCATION", "the location of the Cloud Tasks queues, e.g. europe-west3")
            : env.optional("CLOUD_TASKS_LOCATION", platform.region());
    if (!location.isEmpty() && !location.matches("[a-z]+(-[a-z]+)*\\d*")) {
      env.problem(
          "CLOUD_TASKS_LOCATION must be a location id like europe-west3 (got '" + location + "')");
    }
    String invoker =
        cloud
            ? env.required(
                "TASKS_INVOKER_SERVICE_ACCOUNT",
                "the service account whose OIDC token Cloud Tasks sends to the private worker"
                    + " functions")
            : env.raw("TASKS_INVOKER_SERVICE_ACCOUNT");
    if (invoker != null
        && !invoker.isEmpty()
        && !invoker.matches("[^@\\s]+@[^@\\s]+\\.iam\\.gserviceaccount\\.com")) {
      env.problem(
          "TASKS_INVOKER_SERVICE_ACCOUNT must be a service account email (got '" + invoker + "')");
    }
    String base =
        cloud
            ? env.required(
                "TASKS_TARGET_BASE_URL",
                "the functions' base URL tasks are sent to, e.g."
                    + " https://REGION-PROJECT.cloudfunctions.net")
            : env.optional("TASKS_TARGET_BASE_URL", "http://127.0.0.1:5001");
    if (!base.isEmpty() && !base.matches("https?://[^\\s?#]+")) {
      env.problem(
          "TASKS_TARGET_BASE_URL must be an http(s) URL without query or fragment (got '"
              + base
              + "')");
    }
    if (cloud && base.startsWith("http://")) {
      env.problem(
          "TASKS_TARGET_BASE_URL must be https on Cloud Functions (Cloud Tasks sends an OIDC token"
              + " to it)");
    }
    AuthKind auth =
        env.enumValue("CLOUD_TASKS_AUTH", AuthKind.class, cloud ? AuthKind.GOOGLE : AuthKind.NONE);
    if (cloud && auth == AuthKind.NONE) {
      env.problem(
          "CLOUD_TASKS_AUTH=none is refused on Cloud Functions (the Cloud Tasks API needs the"
              + " default credentials; none is for the local fake)");
    }
    return new TaskQueueConfig(
        URI.create(endpoint.replaceAll("/+$", "")),
        location,
        invoker == null || invoker.isEmpty() ? null : invoker,
        base.replaceAll("/+$", ""),
        auth == AuthKind.GOOGLE);
  }
}
