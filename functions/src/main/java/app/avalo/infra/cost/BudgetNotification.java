package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Json;
import com.google.gson.JsonElement;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A Cloud Billing budget notification as Pub/Sub pushes it: {@code {"message": {"data": base64
 * JSON, "attributes": {billingAccountId, budgetId, schemaVersion}, "messageId", "publishTime", …},
 * "subscription", "deliveryAttempt"?}}. The data is the budget's state ({@code costAmount}, {@code
 * budgetAmount}, {@code costIntervalStart}, {@code currencyCode}, {@code budgetDisplayName},
 * thresholds).
 *
 * <p>The envelope and the message are read strictly (an unknown field is refused, naming it); the
 * data and the attributes are Cloud Billing's and gain fields over time, so fields it does not use
 * are ignored there — refusing them would make Pub/Sub redeliver every notification until it gives
 * up.
 */
record BudgetNotification(
    String subscription,
    String messageId,
    Instant publishTime,
    String billingAccountId,
    String budgetId,
    String budgetDisplayName,
    BigDecimal costAmount,
    BigDecimal budgetAmount,
    Instant costIntervalStart,
    String currencyCode) {
  private static final int MAX_DATA = 64 * 1024;
  private static final double MAX_AMOUNT = 1e12;

  /** Reads the push body, {@code done()} included: nothing else is in a push. */
  static BudgetNotification read(Fields body) {
    String subscription = body.string("subscription", 500);
    body.optionalLong("deliveryAttempt", 1, 1000);
    Fields message = body.object("message");
    String data = message.string("data", MAX_DATA);
    Fields attributes = message.object("attributes");
    String messageId = message.string("messageId", 200);
    message.optionalString("message_id", 200);
    Instant publishTime = message.instant("publishTime");
    message.optionalString("publish_time", 100);
    message.optionalString("orderingKey", 1000);
    message.done();
    body.done();

    String schemaVersion = attributes.string("schemaVersion", 20);
    if (!schemaVersion.equals("1.0")) {
      throw ApiException.invalidArgument(
          attributes.path("schemaVersion"), "must be 1.0 (got '" + schemaVersion + "')");
    }
    String account = attributes.string("billingAccountId", 100);
    String budgetId = attributes.id("budgetId");

    Fields state = Fields.of(decode(message.path("data"), data), message.path("data") + ".");
    return new BudgetNotification(
        subscription,
        messageId,
        publishTime,
        account,
        budgetId,
        state.optionalString("budgetDisplayName", 500).orElse(null),
        BigDecimal.valueOf(state.doubleValue("costAmount", -MAX_AMOUNT, MAX_AMOUNT)),
        BigDecimal.valueOf(state.doubleValue("budgetAmount", 0, MAX_AMOUNT)),
        state.instant("costIntervalStart"),
        currency(state));
  }

  private static JsonElement decode(String path, String base64) {
    String json;
    try {
      json = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidArgument(path, "must be base64");
    }
    try {
      return Json.parseStrict(new StringReader(json));
    } catch (RuntimeException e) {
      throw ApiException.invalidArgument(path, "must be base64 of a JSON object");
    }
  }

  private static String currency(Fields state) {
    String code = state.string("currencyCode", 3);
    if (!code.matches("[A-Z]{3}")) {
      throw ApiException.invalidArgument(
          state.path("currencyCode"), "must be an ISO 4217 code such as PLN");
    }
    return code;
  }
}
