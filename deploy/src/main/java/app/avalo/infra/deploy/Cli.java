package app.avalo.infra.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs gcloud/firebase (whatever is first on PATH), echoing each command to stderr as {@code +
 * command}.
 */
final class Cli {
  /** Exit code and output of one command. */
  record Result(int code, String out, String err) {
    boolean ok() {
      return code == 0;
    }

    /**
     * gcloud's answer for a resource that does not exist (NOT_FOUND / 404), as opposed to any other
     * failure.
     */
    boolean notFound() {
      return code != 0
          && (err.contains("NOT_FOUND") || err.contains("not found") || err.contains("404"));
    }
  }

  /** A command that failed where it must not. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(List<String> command, Result r) {
      super(
          "command failed (exit "
              + r.code()
              + "): "
              + Shell.join(command)
              + "\n"
              + r.err().strip());
    }
  }

  Result run(List<String> command) {
    System.err.println("+ " + Shell.join(command));
    try {
      Process p =
          new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      String e = new String(err.join(), StandardCharsets.UTF_8);
      if (code != 0 && !e.isBlank()) {
        System.err.println(e.strip());
      }
      return new Result(code, out, e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + command.get(0) + " (is it installed and on PATH?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Runs and insists on success. */
  Result must(List<String> command) {
    Result r = run(command);
    if (!r.ok()) {
      throw new Failure(command, r);
    }
    return r;
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
