package app.avalo.infra.platform;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

/**
 * Structured logs on stdout in the format Cloud Logging parses: one JSON object per line with
 * {@code severity}, {@code message} and the request's trace, so a function's lines group under
 * its request in the console.
 */
public final class Log {
  private static final ThreadLocal<String> TRACE = new ThreadLocal<>();
  private static final ThreadLocal<String> FUNCTION = new ThreadLocal<>();
  private static volatile PrintStream out = System.out;

  private Log() {}

  /** Binds the current thread's log lines to a request (from {@code X-Cloud-Trace-Context}). */
  public static void bind(String function, String traceHeader, String projectId) {
    FUNCTION.set(function);
    if (traceHeader != null && !traceHeader.isBlank() && projectId != null && !projectId.isBlank()) {
      String traceId = traceHeader.split("/", 2)[0];
      TRACE.set("projects/" + projectId + "/traces/" + traceId);
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

  private static void write(String severity, String message, Map<String, ?> fields, Throwable error) {
    JsonObject line = new JsonObject();
    line.addProperty("severity", severity);
    line.addProperty("time", Instant.now().toString());
    String text = message;
    if (error != null) {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      // Error Reporting picks up a stack trace appended to the message.
      text = message + "\n" + trace;
    }
    line.addProperty("message", text);
    String function = FUNCTION.get();
    if (function != null) {
      line.addProperty("function", function);
    }
    String trace = TRACE.get();
    if (trace != null) {
      line.addProperty("logging.googleapis.com/trace", trace);
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
