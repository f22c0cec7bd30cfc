package app.avalo.infra.routing;

import app.avalo.infra.platform.WireEnum;
import java.util.Locale;

/**
 * The app services a client asks routing about. Stateful ones ({@code chat}, {@code calls}, {@code
 * wallet}) are pinned per user, so a conversation, a call or a balance is served from one region;
 * the rest go wherever is fastest.
 */
public enum RoutedService implements WireEnum {
  CHAT(true),
  CALLS(true),
  WALLET(true),
  AI(false),
  EVENTS(false),
  FEED(false),
  MEDIA(false),
  SUPPORT(false);

  private final boolean pinned;

  RoutedService(boolean pinned) {
    this.pinned = pinned;
  }

  public boolean pinned() {
    return pinned;
  }

  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
