package app.avalo.infra.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder in front of an emulator, to take it away mid-operation: {@link #cut()}
 * drops every connection and refuses new ones (as a stopped emulator would), {@link #restore()}
 * listens again on the same port. {@link #cutAfterBytes} cuts once that much has been forwarded.
 */
public final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile long cutAfter = Long.MAX_VALUE;
  private volatile ServerSocket server;

  public TcpProxy(String hostPort) throws IOException {
    String[] parts = hostPort.split(":");
    this.target = new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = s.getLocalPort();
    listen(s);
  }

  /** host:port clients connect to. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Bytes forwarded in both directions since the last {@link #resetCount()}. */
  public long bytes() {
    return forwarded.get();
  }

  public void resetCount() {
    forwarded.set(0);
  }

  /** Cuts the connection once {@code bytes} more have been forwarded. */
  public void cutAfterBytes(long bytes) {
    cutAfter = forwarded.get() + bytes;
  }

  public synchronized void cut() {
    cutAfter = Long.MAX_VALUE;
    ServerSocket s = server;
    server = null;
    closeQuietly(s);
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  public synchronized void restore() throws IOException {
    if (server == null) {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      listen(s);
    }
  }

  public boolean isCut() {
    return server == null;
  }

  private void listen(ServerSocket s) {
    server = s;
    Thread acceptor =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket client = s.accept();
                  Socket upstream = new Socket(target.getAddress(), target.getPort());
                  open.add(client);
                  open.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  return; // closed by cut()
                }
              }
            },
            "tcp-proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                  if (forwarded.addAndGet(n) >= cutAfter) {
                    cut();
                    return;
                  }
                }
              } catch (IOException e) {
                // connection closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    cut();
  }
}
