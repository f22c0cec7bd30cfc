package app.avalo.infra.deploy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Quoting of command words for the printed plan: what {@code --dry-run} prints is runnable by bash
 * as is.
 */
final class Shell {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private Shell() {}

  static String quote(String word) {
    return SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  static String join(List<String> words) {
    StringBuilder out = new StringBuilder();
    for (String w : words) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(quote(w));
    }
    return out.toString();
  }
}
