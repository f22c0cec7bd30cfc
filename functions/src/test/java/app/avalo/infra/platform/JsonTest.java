package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{a:1}",
        "{'a':1}",
        "{\"a\":1} x",
        "{\"a\":1,}",
        "// c\n{}",
        "{\"a\":NaN}",
        "",
        "{\"a\":"
      })
  void lenientOrBrokenJsonIsRefused(String body) {
    ApiException e = assertThrows(ApiException.class, () -> Json.parseStrict(body));
    assertEquals(Status.INVALID_ARGUMENT, e.status());
  }

  @Test
  void deepNestingIsRefusedWithoutStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    ApiException e = assertThrows(ApiException.class, () -> Json.parseStrict(deep));
    assertEquals(Status.INVALID_ARGUMENT, e.status());
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Json.parseStrict(ok);
  }

  @Test
  void instantsAreWrittenAsIsoStrings() {
    assertEquals("\"2026-11-27T06:00:00Z\"", Json.write(Instant.parse("2026-11-27T06:00:00Z")));
  }
}
