package app.avalo.infra.alerting;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Fields;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher, as in Alertmanager: the label's value equals {@code value} ({@code =}), or the
 * regular expression matches the whole value ({@code =~}); {@code negate} turns them into {@code
 * !=} and {@code !~}.
 */
record Matcher(Label name, String value, boolean regex, boolean negate) {
  static final int MAX_VALUE = 200;

  Matcher {
    if (regex) {
      Pattern.compile(value);
    }
  }

  boolean matches(AlertMessage m) {
    String actual = name.of(m);
    boolean hit = regex ? Pattern.compile(value).matcher(actual).matches() : value.equals(actual);
    return hit != negate;
  }

  /** A matcher of a request ({@code {name, value, regex?, negate?}}), naming the bad field. */
  static Matcher read(Fields item) {
    Label name = item.enumValue("name", Label.class);
    String value = item.string("value", MAX_VALUE);
    boolean regex = item.optionalBool("regex").orElse(false);
    boolean negate = item.optionalBool("negate").orElse(false);
    item.done();
    if (regex) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw ApiException.invalidArgument(item.path("value"), "is not a valid regular expression");
      }
    }
    return new Matcher(name, value, regex, negate);
  }

  static Matcher read(DocReader d) {
    return new Matcher(
        d.enumValue("name", Label.class),
        d.string("value"),
        d.optionalBool("regex").orElse(false),
        d.optionalBool("negate").orElse(false));
  }

  Map<String, Object> write() {
    return DocWriter.create()
        .field("name", name)
        .field("value", value)
        .field("regex", regex)
        .field("negate", negate)
        .map();
  }

  static Matcher equal(Label name, String value) {
    return new Matcher(name, value, false, false);
  }

  static Matcher regex(Label name, String value) {
    return new Matcher(name, value, true, false);
  }
}
