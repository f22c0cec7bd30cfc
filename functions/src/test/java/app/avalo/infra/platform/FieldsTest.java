package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FieldsTest {
  private static Fields of(String json) {
    return Fields.of(Json.parseStrict(json));
  }

  private static ApiException refused(Executable read) {
    ApiException e = assertThrows(ApiException.class, read);
    assertEquals(Status.INVALID_ARGUMENT, e.status());
    return e;
  }

  private static String field(ApiException e) {
    return String.valueOf(((Map<?, ?>) e.details()).get("field"));
  }

  @Test
  void missingRequiredFieldIsNamed() {
    ApiException e = refused(() -> of("{}").string("service", 10));
    assertEquals("service", field(e));
    assertTrue(e.getMessage().contains("required"));
  }

  @Test
  void wrongTypesAreRefusedWithTheFieldName() {
    assertEquals("n", field(refused(() -> of("{\"n\":\"5\"}").longValue("n", 0, 10))));
    assertEquals("s", field(refused(() -> of("{\"s\":5}").string("s", 10))));
    assertEquals("b", field(refused(() -> of("{\"b\":\"true\"}").bool("b"))));
    assertEquals("o", field(refused(() -> of("{\"o\":[]}").object("o"))));
  }

  @Test
  void nestedFieldsAreNamedByPath() {
    Fields location = of("{\"location\":{\"lat\":200,\"lng\":0}}").object("location");
    assertEquals("location.lat", field(refused(() -> location.doubleValue("lat", -90, 90))));
    Fields items = of("{\"samples\":[{\"ms\":1},{\"ms\":-1}]}");
    List<Fields> samples = items.objects("samples", 10);
    assertEquals("samples[1].ms", field(refused(() -> samples.get(1).longValue("ms", 0, 1000))));
  }

  @Test
  void rangesAndWholeNumbersAreEnforced() {
    assertEquals(7L, of("{\"n\":7}").longValue("n", 0, 10));
    assertEquals(7L, of("{\"n\":7.0}").longValue("n", 0, 10));
    refused(() -> of("{\"n\":7.5}").longValue("n", 0, 10));
    refused(() -> of("{\"n\":11}").longValue("n", 0, 10));
    refused(() -> of("{\"n\":1e400}").doubleValue("n", 0, 10));
    // Below min by less than a double can show: it rounds to -0.0, which must not pass min 0.
    assertEquals("n", field(refused(() -> of("{\"n\":-1e-400}").doubleValue("n", 0, 10))));
    refused(() -> of("{\"n\":10.000000000000000000001}").doubleValue("n", 0, 10));
    assertEquals(0.0, of("{\"n\":-0}").doubleValue("n", 0, 10));
    assertEquals(10.0, of("{\"n\":10}").doubleValue("n", 0, 10));
    assertEquals(0.1, of("{\"n\":0.1}").doubleValue("n", 0.1, 1));
    refused(() -> of("{\"n\":99999999999999999999999}").longValue("n", 0, Long.MAX_VALUE));
  }

  @Test
  void androidInt64ValueWrappersAreNumbers() {
    String wrapped =
        "{\"n\":{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":\"9007199254740993\"}}";
    assertEquals(9007199254740993L, of(wrapped).longValue("n", 0, Long.MAX_VALUE));
    refused(
        () ->
            of("{\"n\":{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":\"1.5\"}}")
                .longValue("n", 0, 10));
    refused(
        () ->
            of("{\"n\":{\"@type\":\"type.googleapis.com/google.protobuf.StringValue\",\"value\":\"1\"}}")
                .longValue("n", 0, 10));
    refused(
        () ->
            of("{\"n\":{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":1}}")
                .longValue("n", 0, 10));
  }

  @Test
  void unknownFieldsAreRefusedByDone() {
    Fields f = of("{\"service\":\"chat\",\"servcie\":\"x\"}");
    f.string("service", 10);
    ApiException e = refused(f::done);
    assertEquals("servcie", field(e));
  }

  @Test
  void idsRefusePathCharacters() {
    assertEquals("user_1-a:b", of("{\"id\":\"user_1-a:b\"}").id("id"));
    refused(() -> of("{\"id\":\"../etc\"}").id("id"));
    refused(() -> of("{\"id\":\"a/b\"}").id("id"));
    refused(() -> of("{\"id\":\"..\"}").id("id"));
    refused(() -> of("{\"id\":\"__name__\"}").id("id"));
    refused(() -> of("{\"id\":\"" + "x".repeat(129) + "\"}").id("id"));
  }

  enum Service implements WireEnum {
    CHAT,
    VIDEO_BANDWIDTH;

    @Override
    public String wire() {
      return Fields.wireName(this);
    }
  }

  @Test
  void enumsAndChoices() {
    assertEquals(
        Service.VIDEO_BANDWIDTH, of("{\"s\":\"video-bandwidth\"}").enumValue("s", Service.class));
    assertEquals(
        Service.VIDEO_BANDWIDTH, of("{\"s\":\"video_bandwidth\"}").enumValue("s", Service.class));
    refused(() -> of("{\"s\":\"VIDEO_BANDWIDTH\"}").enumValue("s", Service.class));
    ApiException e = refused(() -> of("{\"s\":\"sms\"}").enumValue("s", Service.class));
    assertTrue(e.getMessage().contains("chat, video-bandwidth"), e.getMessage());
    refused(() -> of("{\"s\":\"x\"}").oneOf("s", List.of("a", "b")));
  }

  @Test
  void instantsAcceptIsoAndEpochMillis() {
    assertEquals(
        Instant.parse("2026-01-31T12:00:00Z"),
        of("{\"at\":\"2026-01-31T12:00:00Z\"}").instant("at"));
    assertEquals(
        Instant.ofEpochMilli(1_700_000_000_000L), of("{\"at\":1700000000000}").instant("at"));
    refused(() -> of("{\"at\":\"yesterday\"}").instant("at"));
  }

  @Test
  void dataMustBeAnObjectAndNullMeansEmpty() {
    assertEquals("data", field(refused(() -> Fields.of(Json.parseStrict("\"x\"")))));
    Fields empty = Fields.of(Json.parseStrict("null"));
    empty.done();
  }

  @Test
  void stringsAreBoundedAndNotBlank() {
    refused(() -> of("{\"s\":\"   \"}").string("s", 10));
    refused(() -> of("{\"s\":\"" + "é".repeat(11) + "\"}").string("s", 10));
    assertEquals("żółć", of("{\"s\":\"żółć\"}").string("s", 10));
  }

  @Test
  void textThatDisplaysOtherThanItReadsIsRefused() {
    // NUL, other C0/C1 controls, bidirectional overrides and isolates, unpaired surrogates.
    for (String escaped :
        List.of(
            "a\\u0000b",
            "\\u0007",
            "x\\u001b[31m",
            "\\u0085",
            "\\u202eevil",
            "\\u2066x\\u2069",
            "\\ud83d",
            "\\ude00x")) {
      ApiException e = refused(() -> of("{\"s\":\"" + escaped + "\"}").string("s", 100));
      assertEquals("s", field(e), escaped);
    }
    // Line breaks, tabs, emoji (a surrogate pair), combining marks and right-to-left script are
    // text.
    String text = "line one\nline two\ttabbed \ud83d\ude00 e\u0301 \u05e9\u05dc\u05d5\u05dd";
    assertEquals(text, of("{\"s\":" + Json.GSON.toJson(text) + "}").string("s", 100));
  }
}
