package app.avalo.infra.alerting;

/** A delivery that did not happen; {@code retryable} says whether trying again can help. */
final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  DeliveryException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  DeliveryException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  boolean retryable() {
    return retryable;
  }

  /** An HTTP answer: 408, 429 and 5xx are worth retrying, other 4xx are not. */
  static DeliveryException ofStatus(String receiver, int status, String body) {
    boolean retryable = status == 408 || status == 429 || status >= 500;
    String shortBody = body == null ? "" : body.length() > 200 ? body.substring(0, 200) : body;
    return new DeliveryException(
        receiver + " answered HTTP " + status + ": " + shortBody, retryable);
  }
}
