package app.avalo.infra.deploy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy/deploy.json} with PROJECT and REGION filled in: the APIs, identities, grants,
 * secrets, buckets, KMS key, TTL policies and rollout settings that deploy.sh provisions and uses.
 * Declared once here so the bootstrap, the deploy and the dry run cannot disagree.
 */
record DeployConfig(
    List<String> apis,
    Map<String, RuntimeAccount> runtimeAccounts,
    Map<String, CustomRole> customRoles,
    String backendAccount,
    String schedulerAccount,
    String buildAccount,
    List<String> buildRoles,
    List<String> privateInvokers,
    Map<String, Secret> secrets,
    Map<String, Bucket> buckets,
    String kmsKeyRing,
    String kmsKey,
    String kmsRotationPeriod,
    List<Ttl> ttl,
    String tag,
    int canaryWaitSeconds,
    double maxErrorRate) {

  /**
   * A domain's runtime identity: project roles, per-bucket roles (bucket key → role), secrets it
   * may read and the service accounts it may act as (roles/iam.serviceAccountUser on those accounts
   * only).
   */
  record RuntimeAccount(
      String domain,
      String email,
      List<String> projectRoles,
      Map<String, String> bucketRoles,
      List<String> secrets,
      List<String> actAs) {}

  /** A project custom role: id, title and exactly these permissions. */
  record CustomRole(String id, String title, List<String> permissions) {}

  /**
   * A bucket: key in deploy.json, name, the runtime variable naming it, and its protection
   * settings.
   */
  record Bucket(
      String key,
      String name,
      String env,
      boolean publicRead,
      Integer deleteAfterDays,
      String deletePrefix,
      String retentionPeriod,
      String softDeleteDuration,
      boolean cmek) {}

  /**
   * A Secret Manager secret behind a runtime variable, wired when {@code whenVariable} has {@code
   * whenValue} (always when null).
   */
  record Secret(String secret, String whenVariable, String whenValue) {}

  /** A Firestore TTL policy. */
  record Ttl(String collectionGroup, String field) {}

  static String email(String account, String project) {
    return account + "@" + project + ".iam.gserviceaccount.com";
  }

  static DeployConfig load(Path file, String project, String region, String invokersOverride)
      throws IOException {
    String text = Files.readString(file).replace("PROJECT", project).replace("REGION", region);
    JsonObject root;
    try (Reader r = new StringReader(text)) {
      root = JsonParser.parseReader(r).getAsJsonObject();
    }
    Map<String, RuntimeAccount> runtimes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("runtimeAccounts").entrySet()) {
      if (e.getKey().startsWith("__")) {
        continue;
      }
      JsonObject o = e.getValue().getAsJsonObject();
      Map<String, String> bucketRoles = new LinkedHashMap<>();
      if (o.has("bucketRoles")) {
        o.getAsJsonObject("bucketRoles")
            .entrySet()
            .forEach(b -> bucketRoles.put(b.getKey(), b.getValue().getAsString()));
      }
      runtimes.put(
          e.getKey(),
          new RuntimeAccount(
              e.getKey(),
              email("avalo-" + e.getKey(), project),
              strings(o, "projectRoles"),
              bucketRoles,
              strings(o, "secrets"),
              strings(o, "actAs").stream()
                  .map(a -> a.contains("@") ? a : email(a, project))
                  .toList()));
    }
    Map<String, CustomRole> roles = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("customRoles").entrySet()) {
      if (e.getKey().startsWith("__")) {
        continue;
      }
      JsonObject o = e.getValue().getAsJsonObject();
      roles.put(
          e.getKey(),
          new CustomRole(e.getKey(), o.get("title").getAsString(), strings(o, "permissions")));
    }
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("secrets").entrySet()) {
      if (e.getKey().startsWith("__")) {
        continue;
      }
      JsonObject o = e.getValue().getAsJsonObject();
      String[] when = o.has("when") ? o.get("when").getAsString().split("=", 2) : null;
      secrets.put(
          e.getKey(),
          new Secret(
              o.get("secret").getAsString(),
              when == null ? null : when[0],
              when == null ? null : when[1]));
    }
    Map<String, Bucket> buckets = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("buckets").entrySet()) {
      JsonObject o = e.getValue().getAsJsonObject();
      buckets.put(
          e.getKey(),
          new Bucket(
              e.getKey(),
              o.get("name").getAsString(),
              o.get("env").getAsString(),
              o.has("public") && o.get("public").getAsBoolean(),
              o.has("deleteAfterDays") ? o.get("deleteAfterDays").getAsInt() : null,
              o.has("deletePrefix") ? o.get("deletePrefix").getAsString() : null,
              o.has("retentionPeriod") ? o.get("retentionPeriod").getAsString() : null,
              o.has("softDeleteDuration") ? o.get("softDeleteDuration").getAsString() : null,
              o.has("cmek") && o.get("cmek").getAsBoolean()));
    }
    List<Ttl> ttl = new ArrayList<>();
    root.getAsJsonArray("ttl")
        .forEach(
            t ->
                ttl.add(
                    new Ttl(
                        t.getAsJsonObject().get("collectionGroup").getAsString(),
                        t.getAsJsonObject().get("field").getAsString())));
    List<String> invokers =
        invokersOverride == null || invokersOverride.isBlank()
            ? strings(root.getAsJsonObject("privateInvokers"), "members")
            : List.of(invokersOverride.split("\\s*,\\s*"));
    JsonObject kms = root.getAsJsonObject("kms");
    JsonObject build = root.getAsJsonObject("buildAccount");
    JsonObject rollout = root.getAsJsonObject("rollout");
    return new DeployConfig(
        strings(root, "apis"),
        runtimes,
        roles,
        email(root.getAsJsonObject("backendAccount").get("name").getAsString(), project),
        email(root.get("schedulerAccount").getAsString(), project),
        email(build.get("name").getAsString(), project),
        strings(build, "projectRoles"),
        invokers,
        secrets,
        buckets,
        kms.get("keyRing").getAsString(),
        kms.get("key").getAsString(),
        kms.get("rotationPeriod").getAsString(),
        ttl,
        rollout.get("tag").getAsString(),
        rollout.get("canaryWaitSeconds").getAsInt(),
        rollout.get("maxErrorRate").getAsDouble());
  }

  private static List<String> strings(JsonObject o, String key) {
    List<String> out = new ArrayList<>();
    if (o.has(key)) {
      o.getAsJsonArray(key).forEach(v -> out.add(v.getAsString()));
    }
    return List.copyOf(out);
  }

  /**
   * The runtime identity of a function: the domain is the package under app.avalo.infra of its
   * entry point.
   */
  RuntimeAccount runtimeFor(String entryPoint) {
    String rest = entryPoint.substring("app.avalo.infra.".length());
    String domain = rest.substring(0, rest.indexOf('.'));
    RuntimeAccount r = runtimeAccounts.get(domain);
    if (r == null) {
      throw new IllegalStateException(
          "deploy/deploy.json declares no runtime account for domain '"
              + domain
              + "' (function class "
              + entryPoint
              + ")");
    }
    return r;
  }

  String kmsKeyName(String project, String region) {
    return "projects/"
        + project
        + "/locations/"
        + region
        + "/keyRings/"
        + kmsKeyRing
        + "/cryptoKeys/"
        + kmsKey;
  }
}
