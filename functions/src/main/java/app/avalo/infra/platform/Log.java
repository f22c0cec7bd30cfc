package app.avalo.infra.platform;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

/**
 * Structured logs on stdout in the format Cloud Logging parses: one JSON object per line with
 * {@code severity}, {@code message} and the request's trace, span and sampling decision, so a
 * function's lines group under its request (and its trace) in the console. ERROR lines with an
 * exception carry what Error Reporting needs: the stack trace in {@code stack_trace} (and appended
 * to the message) and a {@code serviceContext} naming the function and its revision.
 */
public final class Log {
  private static final ThreadLocal<Trace> TRACE = new ThreadLocal<>();
  private static final ThreadLocal<String> FUNCTION = new ThreadLocal<>();
  private static volatile PrintStream out = System.out;

  /** The deployed revision (Cloud Run sets K_REVISION); Error Reporting groups errors by it. */
  private static final String REVISION = System.getenv("K_REVISION");

  /**
   * A request's trace: {@code projects/P/traces/T}, its span id (or null) and whether it is
   * sampled.
   */
  record Trace(String name, String spanId, boolean sampled) {
    /**
     * Parses {@code X-Cloud-Trace-Context: TRACE_ID[/SPAN_ID][;o=OPTIONS]} (the span id decimal,
     * {@code o=1} meaning sampled). Cloud Logging expects the span id as 16 hex digits.
     */
    static Trace parse(String header, String projectId) {
      if (header == null || header.isBlank() || projectId == null || projectId.isBlank()) {
        return null;
      }
      String value = header.trim();
      boolean sampled = false;
      int options = value.indexOf(';');
      if (options >= 0) {
        sampled = value.substring(options + 1).trim().equals("o=1");
        value = value.substring(0, options);
      }
      String[] parts = value.split("/", 2);
      if (!parts[0].matches("[0-9a-fA-F]{1,32}")) {
        return null;
      }
      String spanId = null;
      if (parts.length == 2 && parts[1].matches("[0-9]{1,20}")) {
        try {
          spanId = String.format("%016x", Long.parseUnsignedLong(parts[1]));
        } catch (NumberFormatException tooLarge) {
          spanId = null;
        }
      }
      return new Trace("projects/" + projectId + "/traces/" + parts[0], spanId, sampled);
    }
  }

  private Log() {}

  /** Binds the current thread's log lines to a request (from {@code X-Cloud-Trace-Context}). */
  public static void bind(String function, String traceHeader, String projectId) {
    FUNCTION.set(function);
    Trace trace = Trace.parse(traceHeader, projectId);
    if (trace != null) {
      TRACE.set(trace);
    } else {
      TRACE.remove();
    }
  }

  public static void unbind() {
    FUNCTION.remove();
    TRACE.remove();
  }

  public static void info(String message, Map<String, ?> fields) {
    write("INFO", message, fields, null);
  }

  public static void info(String message) {
    write("INFO", message, Map.of(), null);
  }

  public static void warn(String message, Map<String, ?> fields) {
    write("WARNING", message, fields, null);
  }

  public static void error(String message, Map<String, ?> fields, Throwable error) {
    write("ERROR", message, fields, error);
  }

  static void redirect(PrintStream stream) {
    out = stream;
  }

  private static void write(
      String severity, String message, Map<String, ?> fields, Throwable error) {
    JsonObject line = new JsonObject();
    line.addProperty("severity", severity);
    line.addProperty("time", Instant.now().toString());
    String text = message;
    String function = FUNCTION.get();
    if (error != null) {
      StringWriter stack = new StringWriter();
      error.printStackTrace(new PrintWriter(stack));
      // Error Reporting reads the stack trace from stack_trace, or from the message when that is
      // absent; both are kept so the console's log view shows it inline too.
      text = message + "\n" + stack;
      line.addProperty("stack_trace", stack.toString());
      JsonObject context = new JsonObject();
      context.addProperty("service", function != null ? function : "avalo-infra");
      if (REVISION != null) {
        context.addProperty("version", REVISION);
      }
      line.add("serviceContext", context);
    }
    line.addProperty("message", text);
    if (function != null) {
      line.addProperty("function", function);
    }
    Trace trace = TRACE.get();
    if (trace != null) {
      line.addProperty("logging.googleapis.com/trace", trace.name());
      if (trace.spanId() != null) {
        line.addProperty("logging.googleapis.com/spanId", trace.spanId());
      }
      line.addProperty("logging.googleapis.com/trace_sampled", trace.sampled());
    }
    if (fields != null) {
      fields.forEach((k, v) -> line.add(k, Json.toTree(v)));
    }
    String rendered = line.toString();
    synchronized (Log.class) {
      out.println(rendered);
    }
  }
}
