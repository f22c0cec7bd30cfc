package app.avalo.infra.platform;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.Timestamp;
import java.time.Instant;
import java.util.concurrent.ExecutionException;

/** Small, shared ways of waiting on and classifying Firestore calls. */
public final class Firestores {
  private Firestores() {}

  /** Waits for a Firestore future; failures surface unwrapped (as {@link ApiException} where gax gives one). */
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

  /** True when the failure is a create() hitting an existing document. */
  public static boolean isAlreadyExists(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiException api && api.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS) {
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
    return timestamp == null ? null : Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
