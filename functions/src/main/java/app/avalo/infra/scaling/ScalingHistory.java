package app.avalo.infra.scaling;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Json;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pages through {@code scalingEvents} newest first. The cursor is opaque to callers: the last
 * event's time and id plus the filters it was issued for (a cursor reused with other filters is
 * refused rather than silently skipping or repeating events).
 */
final class ScalingHistory {
  /** One page: {@code nextCursor} is null on the last page. */
  record Page(List<Map<String, Object>> events, String nextCursor) {}

  /** What to list. */
  record Filter(LogicalService service, Instant from, Instant to) {
    String key() {
      return (service == null ? "*" : service.id()) + "|" + from + "|" + to;
    }
  }

  private final ScalingStore store;

  ScalingHistory(ScalingStore store) {
    this.store = store;
  }

  Page page(HistoryQuery query) {
    Filter filter = query.filter();
    Instant afterAt = null;
    String afterId = null;
    if (query.cursor() != null) {
      JsonObject c = decode(query.cursor());
      if (!Objects.equals(c.get("f").getAsString(), filter.key())) {
        throw ApiException.invalidArgument(
            "cursor", "was issued for other filters (service/from/to)");
      }
      afterAt = Instant.parse(c.get("at").getAsString());
      afterId = c.get("id").getAsString();
    }
    ScalingStore.EventPage page =
        store.events(filter.service(), filter.from(), filter.to(), query.limit(), afterAt, afterId);
    List<Map<String, Object>> events = page.events().stream().map(StoredEvent::view).toList();
    String next = null;
    if (page.more()) {
      StoredEvent last = page.events().get(page.events().size() - 1);
      next = encode(last.at(), last.id(), filter.key());
    }
    return new Page(events, next);
  }

  static String encode(Instant at, String id, String filterKey) {
    JsonObject c = new JsonObject();
    c.addProperty("at", at.toString());
    c.addProperty("id", id);
    c.addProperty("f", filterKey);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Json.write(c).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject decode(String cursor) {
    try {
      String json = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      JsonObject c = JsonParser.parseString(json).getAsJsonObject();
      Instant.parse(c.get("at").getAsString());
      if (c.get("id").getAsString().isEmpty() || !c.has("f")) {
        throw new IllegalArgumentException("incomplete");
      }
      return c;
    } catch (RuntimeException e) {
      throw ApiException.invalidArgument("cursor", "is not a cursor from getScalingHistory");
    }
  }
}
