package app.avalo.infra.platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads configuration from environment variables and collects every problem, so a cold start fails
 * once with the full list instead of one variable at a time.
 */
public final class ConfigReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public ConfigReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public boolean isSet(String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }

  /** The raw value or null. */
  public String raw(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String required(String name, String what) {
    String v = raw(name);
    if (v == null) {
      problems.add(name + " is missing (" + what + ")");
      return "";
    }
    return v;
  }

  public String optional(String name, String defaultValue) {
    String v = raw(name);
    return v == null ? defaultValue : v;
  }

  public int intValue(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
  }

  public long longValue(String name, long defaultValue, long min, long max) {
    String v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(
        name + " must be a whole number from " + min + " to " + max + " (got '" + v + "')");
    return defaultValue;
  }

  public boolean bool(String name, boolean defaultValue) {
    String v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> {
        return true;
      }
      case "false", "0", "no" -> {
        return false;
      }
      default -> {
        problems.add(name + " must be true or false (got '" + v + "')");
        return defaultValue;
      }
    }
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type, E defaultValue) {
    String v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    for (E c : type.getEnumConstants()) {
      if (Fields.wireName(c).equals(v.toLowerCase(Locale.ROOT)) || c.name().equalsIgnoreCase(v)) {
        return c;
      }
    }
    problems.add(
        name
            + " must be one of "
            + Arrays.stream(type.getEnumConstants()).map(Fields::wireName).toList()
            + " (got '"
            + v
            + "')");
    return defaultValue;
  }

  /** A comma-separated list. */
  public List<String> list(String name, List<String> defaultValue) {
    String v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public void problem(String description) {
    problems.add(description);
  }

  /** Throws one error listing every problem found so far, if any. */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid configuration ("
              + problems.size()
              + " problem"
              + (problems.size() == 1 ? "" : "s")
              + "):\n  - "
              + String.join("\n  - ", problems));
    }
  }
}
