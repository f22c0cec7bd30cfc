package app.avalo.infra.alerting;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A silence, as in Alertmanager: while it is active ({@code startsAt <= now < endsAt}) no
 * notification of an alert matching all its matchers is delivered. Matchers compare one of an
 * alert's labels ({@link Label}) with a value, exactly or as a regular expression matching the
 * whole value, or their negations ({@code =}, {@code =~}, {@code !=}, {@code !~}).
 */
record Silence(
    String id,
    List<Matcher> matchers,
    Instant startsAt,
    Instant endsAt,
    String createdBy,
    String comment) {

  static final int MAX_MATCHERS = 10;
  static final Duration MAX_DURATION = Duration.ofDays(7);

  boolean activeAt(Instant now) {
    return !startsAt.isAfter(now) && endsAt.isAfter(now);
  }

  boolean silences(AlertMessage m) {
    return matchers.stream().allMatch(x -> x.matches(m));
  }

  /** A {@code createSilence} request: matchers, how long, and why. */
  record Request(List<Matcher> matchers, Duration duration, String comment) {
    static Request read(Fields data) {
      List<Fields> items = data.objects("matchers", MAX_MATCHERS);
      List<Matcher> matchers = items.stream().map(Matcher::read).toList();
      long minutes = data.longValue("durationMinutes", 1, MAX_DURATION.toMinutes());
      String comment = data.string("comment", 500);
      data.done();
      if (matchers.isEmpty()) {
        throw ApiException.invalidArgument(
            "matchers", "needs at least one matcher (a silence of everything is not allowed)");
      }
      if (comment.isBlank()) {
        throw ApiException.invalidArgument("comment", "must say why alerts are silenced");
      }
      return new Request(matchers, Duration.ofMinutes(minutes), comment.strip());
    }
  }
}
