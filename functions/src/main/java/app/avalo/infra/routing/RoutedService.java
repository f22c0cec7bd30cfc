package app.avalo.infra.routing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The app services a client asks routing about. Stateful ones ({@code chat}, {@code calls},
 * {@code wallet}) are pinned per user, so a conversation, a call or a balance is served from one
 * region; the rest go wherever is fastest.
 */
public enum RoutedService {
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

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static List<String> wireNames() {
    return Arrays.stream(values()).map(RoutedService::wire).toList();
  }

  static RoutedService fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
