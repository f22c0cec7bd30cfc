package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** A private temporary directory for one media job, deleted with everything in it on close. */
final class WorkDir implements AutoCloseable {
  private final Path path;

  private WorkDir(Path path) {
    this.path = path;
  }

  static WorkDir create(Path root, String purpose) {
    try {
      Files.createDirectories(root);
      return new WorkDir(Files.createTempDirectory(root, "avalo-" + purpose + "-"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory", e);
    }
  }

  Path path() {
    return path;
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Cloud Functions' /tmp is memory: a leak costs RAM, so say so loudly rather than hide it.
      Log.error("could not delete a media work directory", Map.of("path", path.toString()), e);
    }
  }
}
