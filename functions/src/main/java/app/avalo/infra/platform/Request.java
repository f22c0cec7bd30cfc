package app.avalo.infra.platform;

import java.time.Instant;
import java.util.Optional;

/** One validated invocation as a handler sees it: who called, with what input. */
public final class Request {
  private final Catalog.Entry function;
  private final Caller caller;
  private final Fields data;
  private final HeaderLookup headers;
  private final Instant receivedAt;

  /** Read access to the request headers (case-insensitive). */
  @FunctionalInterface
  public interface HeaderLookup {
    Optional<String> first(String name);
  }

  public Request(
      Catalog.Entry function,
      Caller caller,
      Fields data,
      HeaderLookup headers,
      Instant receivedAt) {
    this.function = function;
    this.caller = caller;
    this.data = data;
    this.headers = headers;
    this.receivedAt = receivedAt;
  }

  public Catalog.Entry function() {
    return function;
  }

  public Caller caller() {
    return caller;
  }

  /** The input object ({@code data} of the callable envelope, or the private function's body). */
  public Fields data() {
    return data;
  }

  public Optional<String> header(String name) {
    return headers.first(name);
  }

  public Instant receivedAt() {
    return receivedAt;
  }
}
