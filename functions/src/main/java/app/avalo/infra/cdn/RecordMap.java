package app.avalo.infra.cdn;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record as the map the platform's map-taking APIs want (a job summary {@code JobRunner} stores
 * on the run record and returns, a log line's fields): components in declaration order, nulls kept
 * as the hand-built maps had them, nested records as maps, lists and maps converted element by
 * element. The records must be readable from this package (not {@code private}).
 */
final class RecordMap {
  private RecordMap() {}

  static Map<String, Object> of(Record record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      try {
        out.put(c.getName(), value(c.getAccessor().invoke(record)));
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + c, e);
      }
    }
    return out;
  }

  private static Object value(Object v) {
    if (v instanceof Record r) {
      return of(r);
    }
    if (v instanceof Collection<?> items) {
      return items.stream().map(RecordMap::value).toList();
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, x) -> out.put(k, value(x)));
      return out;
    }
    return v;
  }
}
