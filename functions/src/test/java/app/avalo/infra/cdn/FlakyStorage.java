package app.avalo.infra.cdn;

import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A view of a Storage whose object writes under a prefix fail the way a Storage outage does
 * (StorageException 503) — after {@code succeedFirst} successful writes, while {@code failures}
 * lasts. Everything else goes to the real (in-memory) Storage.
 */
final class FlakyStorage {
  private FlakyStorage() {}

  static Storage failingWrites(
      Storage real, String prefix, int succeedFirst, AtomicInteger failures) {
    AtomicInteger writes = new AtomicInteger();
    return (Storage)
        Proxy.newProxyInstance(
            Storage.class.getClassLoader(),
            new Class<?>[] {Storage.class},
            (proxy, method, args) -> {
              if ((method.getName().equals("writer") || method.getName().equals("create"))
                  && args != null
                  && args.length > 0
                  && args[0] instanceof BlobInfo info
                  && info.getName().startsWith(prefix)
                  && writes.incrementAndGet() > succeedFirst
                  && failures.getAndDecrement() > 0) {
                throw new StorageException(503, "backend unavailable (injected)");
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
