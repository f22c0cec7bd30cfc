package app.avalo.infra.platform;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An enum that crosses the wire (request fields, stored documents, responses) under a stable name.
 * Requests read it with {@link Fields#enumValue}; stored values with {@link #parse}.
 */
public interface WireEnum {
  /** The name on the wire, e.g. {@code cloud-functions}, {@code chat}, {@code hourly}. */
  String wire();

  /** The constant whose {@link #wire()} is {@code wire}, if any. */
  static <E extends Enum<E> & WireEnum> Optional<E> parse(Class<E> type, String wire) {
    if (wire == null) {
      return Optional.empty();
    }
    return Arrays.stream(type.getEnumConstants()).filter(c -> c.wire().equals(wire)).findFirst();
  }

  /** Every wire name, in declaration order. */
  static <E extends Enum<E> & WireEnum> List<String> wireNames(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).toList();
  }
}
