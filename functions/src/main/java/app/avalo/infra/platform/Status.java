package app.avalo.infra.platform;

/** The callable protocol's error statuses and the HTTP codes Firebase clients expect for them. */
public enum Status {
  INVALID_ARGUMENT(400),
  FAILED_PRECONDITION(400),
  OUT_OF_RANGE(400),
  UNAUTHENTICATED(401),
  PERMISSION_DENIED(403),
  NOT_FOUND(404),
  ALREADY_EXISTS(409),
  ABORTED(409),
  RESOURCE_EXHAUSTED(429),
  CANCELLED(499),
  DATA_LOSS(500),
  UNKNOWN(500),
  INTERNAL(500),
  UNIMPLEMENTED(501),
  UNAVAILABLE(503),
  DEADLINE_EXCEEDED(504);

  private final int httpCode;

  Status(int httpCode) {
    this.httpCode = httpCode;
  }

  public int httpCode() {
    return httpCode;
  }
}
