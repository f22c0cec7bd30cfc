package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log line fields Cloud Logging, Cloud Trace and Error Reporting read. */
class LogTest {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  @BeforeEach
  void capture() {
    Log.redirect(new PrintStream(buffer, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Log.unbind();
    Log.redirect(System.out);
  }

  private JsonObject lastLine() {
    String[] lines = buffer.toString(StandardCharsets.UTF_8).split("\n");
    return Json.parseStrict(lines[lines.length - 1]).getAsJsonObject();
  }

  @Test
  void errorLinesCarryStackTraceAndServiceContextForErrorReporting() {
    Log.bind("getRouting", null, "demo-avalo");
    Log.error("routing failed", Map.of("region", "EU"), new IllegalStateException("boom"));
    JsonObject line = lastLine();
    assertEquals("ERROR", line.get("severity").getAsString());
    assertTrue(
        line.get("stack_trace")
            .getAsString()
            .startsWith("java.lang.IllegalStateException: boom\n\tat "),
        line.toString());
    assertTrue(line.get("message").getAsString().contains("java.lang.IllegalStateException: boom"));
    assertEquals("getRouting", line.getAsJsonObject("serviceContext").get("service").getAsString());
    assertEquals("EU", line.get("region").getAsString());
  }

  @Test
  void infoLinesHaveNoErrorReportingFields() {
    Log.info("fine");
    JsonObject line = lastLine();
    assertFalse(line.has("stack_trace"));
    assertFalse(line.has("serviceContext"));
  }

  @Test
  void traceHeaderGivesTraceSpanInHexAndSampling() {
    Log.bind("getRouting", "105445aa7843bc8bf206b12000100000/1;o=1", "demo-avalo");
    Log.info("routed");
    JsonObject line = lastLine();
    assertEquals(
        "projects/demo-avalo/traces/105445aa7843bc8bf206b12000100000",
        line.get("logging.googleapis.com/trace").getAsString());
    assertEquals("0000000000000001", line.get("logging.googleapis.com/spanId").getAsString());
    assertTrue(line.get("logging.googleapis.com/trace_sampled").getAsBoolean());
  }

  @Test
  void traceHeaderWithoutSpanOrOptionsIsUnsampledAndMalformedOnesAreIgnored() {
    Log.Trace bare = Log.Trace.parse("abc123", "p");
    assertEquals("projects/p/traces/abc123", bare.name());
    assertNull(bare.spanId());
    assertFalse(bare.sampled());
    assertEquals("ffffffffffffffff", Log.Trace.parse("abc/18446744073709551615;o=0", "p").spanId());
    assertNull(Log.Trace.parse("not a trace/1", "p"));
    assertNull(Log.Trace.parse("abc/1", ""));
  }
}
