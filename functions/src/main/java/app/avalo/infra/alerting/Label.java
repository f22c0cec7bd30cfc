package app.avalo.infra.alerting;

import app.avalo.infra.platform.WireEnum;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What routing, silences and inhibition match on: an alert's source, key and severity, and the
 * labels its raiser gave it ({@code service}, {@code region}, {@code metric}; empty when absent).
 */
enum Label implements WireEnum {
  SOURCE,
  KEY,
  SEVERITY,
  SERVICE,
  REGION,
  METRIC;

  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Label> fromWire(String name) {
    return Arrays.stream(values()).filter(l -> l.wire().equals(name)).findFirst();
  }

  /** The label names, for error messages. */
  static String wires() {
    return Arrays.stream(values()).map(Label::wire).collect(Collectors.joining(", "));
  }

  /** The alert's value of this label, {@code ""} when it has none (as Alertmanager reads it). */
  String of(AlertMessage m) {
    return switch (this) {
      case SOURCE -> m.source();
      case KEY -> m.key();
      case SEVERITY -> m.severity().wire();
      case SERVICE, REGION, METRIC -> m.labels().getOrDefault(wire(), "");
    };
  }
}
