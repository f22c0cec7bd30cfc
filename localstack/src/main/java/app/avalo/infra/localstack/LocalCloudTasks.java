package app.avalo.infra.localstack;

import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Log;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback fake of the Cloud Tasks v2 REST API for HTTP-target tasks, so the production adapter
 * ({@code platform/CloudTasksQueue}) runs unchanged in the dev server and the e2e tests.
 *
 * <p>What it does as Cloud Tasks does: {@code POST /v2/projects/P/locations/L/queues/Q/tasks} with
 * a {@code CreateTaskRequest} creates the task (200 with the Task, BASIC view: no body) or answers
 * 409 ALREADY_EXISTS for a name used before (Cloud Tasks keeps a name for ~1 h after the task is
 * gone; here for the server's life), 404 NOT_FOUND for a queue that was never created, 400
 * INVALID_ARGUMENT for a malformed task. Each task is POSTed to its {@code httpRequest.url} with
 * its headers and body plus the {@code X-CloudTasks-*} headers (QueueName, TaskName, TaskRetryCount
 * counting every earlier attempt, TaskExecutionCount counting earlier non-5xx answers, TaskETA,
 * TaskPreviousResponse and TaskRetryReason on retries), cut off at its {@code dispatchDeadline}. A
 * 2xx deletes it; anything else is retried after the queue's backoff (min backoff doubled per
 * attempt up to {@code maxDoublings}, capped at max backoff — Cloud Tasks then grows linearly,
 * which is not modelled) until {@code maxAttempts}, then the task is dropped.
 *
 * <p>Not modelled: rate limits and concurrency caps, schedule times in the future, App Engine
 * tasks, OIDC token minting (the token the task asks for is recorded, not sent: the dev server's
 * private functions have no IAM in front of them).
 */
public final class LocalCloudTasks implements AutoCloseable {
  private static final Pattern TASKS =
      Pattern.compile("/v2/(projects/[^/]+/locations/[^/]+/queues/([^/]+))/tasks");
  private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,500}");
  private static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);

  /**
   * A queue's retry settings (gcloud's --max-attempts, --min-backoff, --max-backoff,
   * --max-doublings).
   */
  public record RetryConfig(
      int maxAttempts, Duration minBackoff, Duration maxBackoff, int maxDoublings) {
    Duration backoff(int failedAttempts) {
      long factor = 1L << Math.min(Math.max(0, failedAttempts - 1), Math.min(maxDoublings, 30));
      Duration d = minBackoff.multipliedBy(factor);
      return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
  }

  /** One dispatch and what the worker answered (-1: no answer — connection failure or deadline). */
  public record Attempt(int retryCount, int executionCount, int status, Instant at) {}

  /** Where a task stands. */
  public enum State {
    PENDING,
    SUCCEEDED,
    EXHAUSTED
  }

  /** A created task as the fake stores it; the attempts list grows as it is dispatched. */
  public static final class Task {
    private final String name;
    private final String queue;
    private final URI url;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Duration deadline;
    private final JsonObject oidcToken;
    private final List<Attempt> attempts = new ArrayList<>();
    private volatile State state = State.PENDING;

    Task(
        String name,
        String queue,
        URI url,
        Map<String, String> headers,
        byte[] body,
        Duration deadline,
        JsonObject oidcToken) {
      this.name = name;
      this.queue = queue;
      this.url = url;
      this.headers = headers;
      this.body = body;
      this.deadline = deadline;
      this.oidcToken = oidcToken;
    }

    public String name() {
      return name;
    }

    public String shortName() {
      return name.substring(name.lastIndexOf('/') + 1);
    }

    public URI url() {
      return url;
    }

    public String body() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public Duration dispatchDeadline() {
      return deadline;
    }

    /** The OIDC token settings the task asked for (serviceAccountEmail, audience), or null. */
    public JsonObject oidcToken() {
      return oidcToken;
    }

    public State state() {
      return state;
    }

    public synchronized List<Attempt> attempts() {
      return List.copyOf(attempts);
    }
  }

  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService dispatcher =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "local-cloud-tasks");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, RetryConfig> queues = new ConcurrentHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final List<String> creates = Collections.synchronizedList(new ArrayList<>());

  private LocalCloudTasks(HttpServer server) {
    this.server = server;
  }

  /** Starts the fake on a free loopback port. */
  public static LocalCloudTasks start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    LocalCloudTasks fake = new LocalCloudTasks(server);
    server.createContext("/", fake::handle);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "local-cloud-tasks-api");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return fake;
  }

  /** The API root to give the adapter as {@code CLOUD_TASKS_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Creates (or reconfigures) queue {@code id} in every project and location, as {@code gcloud
   * tasks queues create} does.
   */
  public LocalCloudTasks queue(String id, RetryConfig retry) {
    queues.put(id, retry);
    return this;
  }

  public List<Task> tasks() {
    return List.copyOf(tasks.values());
  }

  /** The task whose short name (the id after {@code /tasks/}) is {@code id}. */
  public Optional<Task> task(String id) {
    return tasks.values().stream().filter(t -> t.shortName().equals(id)).findFirst();
  }

  /** Every tasks.create call's answer, in order ("200 name", "409 name", "404 queue", …). */
  public List<String> createLog() {
    synchronized (creates) {
      return List.copyOf(creates);
    }
  }

  /** Waits until task {@code id} succeeded or used up its attempts. */
  public Task awaitFinished(String id, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Optional<Task> t = task(id);
      if (t.isPresent() && t.get().state() != State.PENDING) {
        return t.get();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "task "
            + id
            + " did not finish within "
            + timeout
            + ": "
            + task(id).map(t -> t.attempts().toString()).orElse("never created"));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher m = TASKS.matcher(exchange.getRequestURI().getPath());
      if (!m.matches() || !"POST".equals(exchange.getRequestMethod())) {
        error(
            exchange,
            404,
            "NOT_FOUND",
            "only tasks.create (POST /v2/{parent}/tasks) is served by the local fake");
        return;
      }
      create(exchange, m.group(1), m.group(2), body);
    } catch (RuntimeException e) {
      Log.error("local Cloud Tasks fake failed", Map.of(), e);
    }
  }

  private void create(HttpExchange exchange, String parent, String queueId, byte[] raw)
      throws IOException {
    RetryConfig retry = queues.get(queueId);
    if (retry == null) {
      creates.add("404 " + parent);
      error(exchange, 404, "NOT_FOUND", "Requested entity was not found (queue " + parent + ")");
      return;
    }
    JsonObject task;
    JsonObject httpRequest;
    URI url;
    try {
      JsonElement tree = Json.parseStrict(new String(raw, StandardCharsets.UTF_8));
      task = tree.getAsJsonObject().getAsJsonObject("task");
      httpRequest = task.getAsJsonObject("httpRequest");
      url = URI.create(httpRequest.get("url").getAsString());
      if (!"POST"
              .equals(
                  httpRequest.has("httpMethod")
                      ? httpRequest.get("httpMethod").getAsString()
                      : "POST")
          || url.getScheme() == null
          || !url.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("httpMethod must be POST and url http(s)");
      }
    } catch (RuntimeException e) {
      creates.add("400 " + parent);
      error(exchange, 400, "INVALID_ARGUMENT", "malformed CreateTaskRequest: " + e.getMessage());
      return;
    }
    String name =
        task.has("name")
            ? task.get("name").getAsString()
            : parent + "/tasks/" + UUID.randomUUID().toString().replace("-", "");
    String prefix = parent + "/tasks/";
    if (!name.startsWith(prefix) || !TASK_ID.matcher(name.substring(prefix.length())).matches()) {
      creates.add("400 " + name);
      error(
          exchange,
          400,
          "INVALID_ARGUMENT",
          "task name must be " + prefix + "TASK_ID (got " + name + ")");
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (httpRequest.has("headers")) {
      httpRequest
          .getAsJsonObject("headers")
          .entrySet()
          .forEach(h -> headers.put(h.getKey(), h.getValue().getAsString()));
    }
    byte[] body =
        httpRequest.has("body")
            ? Base64.getDecoder().decode(httpRequest.get("body").getAsString())
            : new byte[0];
    Duration deadline =
        task.has("dispatchDeadline")
            ? Duration.ofMillis(
                Math.round(
                    Double.parseDouble(task.get("dispatchDeadline").getAsString().replace("s", ""))
                        * 1000))
            : DEFAULT_DEADLINE;
    JsonObject oidc =
        httpRequest.has("oidcToken") ? httpRequest.getAsJsonObject("oidcToken") : null;
    Task created = new Task(name, queueId, url, headers, body, deadline, oidc);
    if (tasks.putIfAbsent(name, created) != null) {
      creates.add("409 " + name);
      error(exchange, 409, "ALREADY_EXISTS", "Requested entity already exists");
      return;
    }
    creates.add("200 " + name);
    JsonObject answer = new JsonObject();
    answer.addProperty("name", name);
    JsonObject basic = new JsonObject();
    basic.addProperty("url", url.toString());
    basic.addProperty("httpMethod", "POST");
    answer.add("httpRequest", basic);
    String now = Instant.now().toString();
    answer.addProperty("createTime", now);
    answer.addProperty("scheduleTime", now);
    answer.addProperty("dispatchDeadline", deadline.toSeconds() + "s");
    answer.addProperty("dispatchCount", 0);
    answer.addProperty("responseCount", 0);
    answer.addProperty("view", "BASIC");
    write(exchange, 200, answer);
    later(created, retry, Duration.ZERO);
  }

  private void dispatch(Task task, RetryConfig retry) {
    List<Attempt> before = task.attempts();
    int retryCount = before.size();
    int executionCount =
        (int) before.stream().filter(a -> a.status() > 0 && a.status() < 500).count();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(task.url)
            .timeout(task.deadline)
            .POST(HttpRequest.BodyPublishers.ofByteArray(task.body));
    task.headers.forEach(request::header);
    request
        .header("X-CloudTasks-QueueName", task.queue)
        .header("X-CloudTasks-TaskName", task.shortName())
        .header("X-CloudTasks-TaskRetryCount", Integer.toString(retryCount))
        .header("X-CloudTasks-TaskExecutionCount", Integer.toString(executionCount))
        .header("X-CloudTasks-TaskETA", Long.toString(Instant.now().getEpochSecond()));
    if (!before.isEmpty()) {
      int previous = before.get(before.size() - 1).status();
      request.header("X-CloudTasks-TaskPreviousResponse", Integer.toString(Math.max(previous, 0)));
      request.header(
          "X-CloudTasks-TaskRetryReason", previous < 0 ? "DEADLINE_EXCEEDED" : "HTTP " + previous);
    }
    int status;
    try {
      status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      status = -1; // no answer within the dispatch deadline, or no connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // the fake is closing
    }
    int attempt = retryCount + 1;
    synchronized (task) {
      task.attempts.add(new Attempt(retryCount, executionCount, status, Instant.now()));
    }
    if (status >= 200 && status < 300) {
      task.state = State.SUCCEEDED;
    } else if (attempt >= retry.maxAttempts()) {
      task.state = State.EXHAUSTED;
      Log.warn(
          "local Cloud Tasks dropped a task after its last attempt",
          Map.of("task", task.name, "attempts", attempt, "lastStatus", status));
    } else if (!dispatcher.isShutdown()) {
      later(task, retry, retry.backoff(attempt));
    }
  }

  /** A dispatch may wait up to its deadline (30 min): each runs on its own virtual thread. */
  private void later(Task task, RetryConfig retry, Duration delay) {
    var unused =
        dispatcher.schedule(
            () ->
                Thread.ofVirtual()
                    .name("local-cloud-tasks-dispatch")
                    .start(() -> dispatch(task, retry)),
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private static void error(HttpExchange exchange, int code, String status, String message)
      throws IOException {
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    error.addProperty("status", status);
    JsonObject body = new JsonObject();
    body.add("error", error);
    write(exchange, code, body);
  }

  private static void write(HttpExchange exchange, int code, JsonElement body) throws IOException {
    byte[] bytes = Json.GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    dispatcher.shutdownNow();
  }
}
