package app.avalo.infra.platform;

import java.util.Optional;

/**
 * A push queue that delivers a JSON payload to one of our private functions, retrying with the
 * queue's backoff until the function answers 2xx or the queue's attempts are used up. Production is
 * Cloud Tasks ({@link CloudTasksQueue}); the local stack runs the same adapter against a loopback
 * fake of the Cloud Tasks API.
 */
public interface TaskQueue {
  /**
   * Adds task {@code taskName} to {@code queue}, to be POSTed to {@code function} with {@code
   * payload} as its JSON body. Idempotent by name: returns true when the task was created, false
   * when a task of that name already exists (or existed recently). Any other failure throws.
   */
  boolean enqueue(String queue, String function, Object payload, String taskName);

  /**
   * The delivery facts Cloud Tasks adds to every dispatch of an HTTP task: which attempt this is
   * ({@code X-CloudTasks-TaskRetryCount}, 0 on the first attempt and counting 5xx answers too), how
   * many attempts got a non-5xx answer ({@code X-CloudTasks-TaskExecutionCount}) and the task's
   * short name. A direct call without the headers reads as a first attempt.
   */
  record Delivery(String queueName, String taskName, int retryCount, int executionCount) {
    public static final String QUEUE_NAME = "X-CloudTasks-QueueName";
    public static final String TASK_NAME = "X-CloudTasks-TaskName";
    public static final String RETRY_COUNT = "X-CloudTasks-TaskRetryCount";
    public static final String EXECUTION_COUNT = "X-CloudTasks-TaskExecutionCount";

    /** 1 for the first attempt. */
    public int attempt() {
      return retryCount + 1;
    }

    public static Delivery of(Request request) {
      return new Delivery(
          request.header(QUEUE_NAME).orElse(null),
          request.header(TASK_NAME).orElse(null),
          count(request.header(RETRY_COUNT)),
          count(request.header(EXECUTION_COUNT)));
    }

    private static int count(Optional<String> header) {
      if (header.isEmpty()) {
        return 0;
      }
      try {
        return Math.max(0, Integer.parseInt(header.get().trim()));
      } catch (NumberFormatException e) {
        // Only Cloud Tasks sets these (Cloud Run IAM lets nobody else in); a garbled one is a first
        // attempt.
        return 0;
      }
    }
  }
}
