package app.avalo.infra.cdn;

import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.TaskQueue;
import app.avalo.infra.testing.FakeExchange;
import com.google.cloud.functions.HttpFunction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link TaskQueue} for the cdn unit tests: records tasks (name dedup as Cloud Tasks
 * does), and delivers them to the worker the way the queue would — the JSON body, the {@code
 * X-CloudTasks-*} headers, a retry for every non-2xx answer up to the queue's max attempts. The
 * real adapter against the loopback Cloud Tasks fake is tested in e2e.
 */
final class QueuedTasks implements TaskQueue {
  /** One enqueued task. */
  record Task(String queue, String function, String body, String name) {}

  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final List<Task> pending = new ArrayList<>();

  /** When set, enqueue throws this (an unreachable or refusing Cloud Tasks API). */
  volatile RuntimeException failure;

  @Override
  public synchronized boolean enqueue(
      String queue, String function, Object payload, String taskName) {
    if (failure != null) {
      throw failure;
    }
    if (tasks.containsKey(taskName)) {
      return false;
    }
    Task task = new Task(queue, function, Json.write(payload), taskName);
    tasks.put(taskName, task);
    pending.add(task);
    return true;
  }

  synchronized List<Task> all() {
    return List.copyOf(tasks.values());
  }

  /** Takes the tasks not delivered yet. */
  synchronized List<Task> takePending() {
    List<Task> out = List.copyOf(pending);
    pending.clear();
    return out;
  }

  /** One delivery as Cloud Tasks makes it: attempt {@code retryCount + 1}. */
  static FakeExchange.Response deliver(HttpFunction worker, Task task, int retryCount)
      throws Exception {
    return FakeExchange.post()
        .body(task.body())
        .header("X-CloudTasks-QueueName", task.queue())
        .header("X-CloudTasks-TaskName", task.name())
        .header("X-CloudTasks-TaskRetryCount", Integer.toString(retryCount))
        .header("X-CloudTasks-TaskExecutionCount", "0")
        .send(worker);
  }

  /**
   * Delivers every pending task, retrying non-2xx answers up to {@code maxAttempts}; returns every
   * answer.
   */
  List<FakeExchange.Response> drain(HttpFunction worker, int maxAttempts) throws Exception {
    List<FakeExchange.Response> answers = new ArrayList<>();
    for (Task task : takePending()) {
      for (int retry = 0; retry < maxAttempts; retry++) {
        FakeExchange.Response r = deliver(worker, task, retry);
        answers.add(r);
        if (r.status() / 100 == 2) {
          break;
        }
      }
    }
    return answers;
  }
}
