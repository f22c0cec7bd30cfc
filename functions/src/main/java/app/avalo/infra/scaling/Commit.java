package app.avalo.infra.scaling;

import app.avalo.infra.platform.WireEnum;
import java.util.Locale;

/** How committing a decision went. */
public enum Commit implements WireEnum {
  COMMITTED,
  /** Another evaluation of the service committed first; this one changed nothing. */
  SUPERSEDED,
  /** This scheduled evaluation was already recorded (a redelivery). */
  DUPLICATE;

  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
