package app.avalo.infra.platform;

import java.util.Map;

/**
 * An error with a callable-protocol status, thrown from anywhere and mapped to the response in one
 * place ({@link ApiFunction}). The message is shown to the caller, so it never carries internals.
 */
public final class ApiException extends RuntimeException {
  private final Status status;
  private final transient Object details;

  public ApiException(Status status, String message, Object details) {
    super(message);
    this.status = status;
    this.details = details;
  }

  public ApiException(Status status, String message) {
    this(status, message, null);
  }

  public Status status() {
    return status;
  }

  /** Structured details for the client (may be null); must be JSON-serialisable. */
  public Object details() {
    return details;
  }

  /** A bad input value: names the field (dotted path) so the client can point at it. */
  public static ApiException invalidArgument(String field, String why) {
    return new ApiException(Status.INVALID_ARGUMENT, field + ": " + why, Map.of("field", field));
  }

  public static ApiException invalidRequest(String why) {
    return new ApiException(Status.INVALID_ARGUMENT, why);
  }

  public static ApiException notFound(String what) {
    return new ApiException(Status.NOT_FOUND, what);
  }

  public static ApiException failedPrecondition(String why) {
    return new ApiException(Status.FAILED_PRECONDITION, why);
  }

  public static ApiException alreadyExists(String what) {
    return new ApiException(Status.ALREADY_EXISTS, what);
  }

  public static ApiException unauthenticated(String why) {
    return new ApiException(Status.UNAUTHENTICATED, why);
  }

  public static ApiException permissionDenied(String why) {
    return new ApiException(Status.PERMISSION_DENIED, why);
  }

  public static ApiException resourceExhausted(String why, Object details) {
    return new ApiException(Status.RESOURCE_EXHAUSTED, why, details);
  }

  public static ApiException unavailable(String why) {
    return new ApiException(Status.UNAVAILABLE, why);
  }

  public static ApiException dataLoss(String why) {
    return new ApiException(Status.DATA_LOSS, why);
  }

  public static ApiException internal(String why) {
    return new ApiException(Status.INTERNAL, why);
  }
}
