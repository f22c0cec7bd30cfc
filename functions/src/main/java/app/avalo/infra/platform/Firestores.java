package app.avalo.infra.platform;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small, shared ways of waiting on and classifying Firestore calls. */
public final class Firestores {
  private Firestores() {}

  /**
   * Waits for a Firestore future; failures surface unwrapped (as {@link ApiException} where gax
   * gives one).
   */
  public static <T> T await(ApiFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Firestore", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("Firestore call failed", cause);
    }
  }

  /**
   * {@link #await(ApiFuture)} that gives up after {@code timeout} and cancels the call (a hot path
   * must not hang on Firestore).
   */
  public static <T> T await(ApiFuture<T> future, Duration timeout) throws TimeoutException {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Firestore", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("Firestore call failed", cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    }
  }

  /**
   * Creates the document unless it exists; true when this call created it. A concurrent creator
   * winning the race is not an error: its copy stands.
   */
  public static boolean createIfAbsent(DocumentReference ref, Map<String, Object> doc) {
    try {
      await(ref.create(doc));
      return true;
    } catch (RuntimeException e) {
      if (isAlreadyExists(e)) {
        return false;
      }
      throw e;
    }
  }

  /** True when the failure is a create() hitting an existing document. */
  public static boolean isAlreadyExists(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiException api
          && api.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains("ALREADY_EXISTS")) {
        return true;
      }
    }
    return false;
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
  }

  public static Instant instant(Timestamp timestamp) {
    return timestamp == null
        ? null
        : Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
