package app.avalo.infra.alerting;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.WireEnum;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A silence, as in Alertmanager: while it is active ({@code startsAt <= now < endsAt}) no
 * notification of an alert matching all its matchers is delivered. Matchers compare an alert's
 * {@code source}, {@code key} or {@code severity} with a value, exactly or as a regular expression
 * matching the whole value ({@code =} and {@code =~}).
 */
record Silence(
    String id,
    List<Matcher> matchers,
    Instant startsAt,
    Instant endsAt,
    String createdBy,
    String comment) {

  /** What a matcher looks at. */
  enum Label implements WireEnum {
    SOURCE,
    KEY,
    SEVERITY;

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    String of(AlertMessage m) {
      return switch (this) {
        case SOURCE -> m.source();
        case KEY -> m.key();
        case SEVERITY -> m.severity().wire();
      };
    }
  }

  record Matcher(Label name, String value, boolean regex) {
    boolean matches(AlertMessage m) {
      String actual = name.of(m);
      return regex ? Pattern.compile(value).matcher(actual).matches() : value.equals(actual);
    }
  }

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
      List<Matcher> matchers =
          items.stream()
              .map(
                  item -> {
                    Label name = item.enumValue("name", Label.class);
                    String value = item.string("value", 200);
                    boolean regex = item.optionalBool("regex").orElse(false);
                    item.done();
                    if (regex) {
                      try {
                        Pattern.compile(value);
                      } catch (PatternSyntaxException e) {
                        throw ApiException.invalidArgument(
                            item.path("value"), "is not a valid regular expression");
                      }
                    }
                    return new Matcher(name, value, regex);
                  })
              .toList();
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
