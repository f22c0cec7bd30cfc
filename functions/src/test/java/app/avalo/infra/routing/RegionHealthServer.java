package app.avalo.infra.routing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real health endpoints for the probes to hit, on 127.0.0.1 only: {@code GET /health/{region}}
 * answers 200, 503, slowly or not at all, as the test sets it (for every vantage, or for probes
 * from one vantage: {@link HealthProber#VANTAGE_HEADER}). Records when each request arrived.
 */
final class RegionHealthServer implements AutoCloseable {
  enum Mode {
    OK,
    FAIL,
    SLOW,
    HANG
  }

  /** One request as it reached the server. */
  record Hit(String region, long arrivedNanos) {}

  private final HttpServer server;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "region-health-server");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  private final List<Hit> hits = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private volatile long slowMillis = 300;
  private volatile long hangMillis = 5_000;

  RegionHealthServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(pool);
    server.createContext(
        "/health/",
        exchange -> {
          String region = exchange.getRequestURI().getPath().substring("/health/".length());
          hits.add(new Hit(region, System.nanoTime()));
          mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          String vantage = exchange.getRequestHeaders().getFirst(HealthProber.VANTAGE_HEADER);
          Mode mode =
              modes.getOrDefault(region + "@" + vantage, modes.getOrDefault(region, Mode.OK));
          try {
            switch (mode) {
              case SLOW -> Thread.sleep(slowMillis);
              case HANG -> Thread.sleep(hangMillis);
              default -> {}
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = (mode == Mode.FAIL ? "unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
          try {
            exchange.sendResponseHeaders(mode == Mode.FAIL ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
          } catch (IOException e) {
            // the prober gave up on a hanging request and closed the connection: expected
          } finally {
            inFlight.decrementAndGet();
            exchange.close();
          }
        });
    server.start();
  }

  String url(String region) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health/" + region;
  }

  /** The most requests the server was handling at one moment. */
  int mostInFlight() {
    return mostInFlight.get();
  }

  void set(String region, Mode mode) {
    modes.put(region, mode);
  }

  /**
   * The answer {@code region} gives probes from {@code vantage} only (a partition between the two);
   * others still get the region-wide mode.
   */
  void set(String region, String vantage, Mode mode) {
    modes.put(region + "@" + vantage, mode);
  }

  void slowMillis(long millis) {
    slowMillis = millis;
  }

  void hangMillis(long millis) {
    hangMillis = millis;
  }

  List<Hit> hits() {
    return List.copyOf(hits);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
