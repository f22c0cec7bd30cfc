package app.avalo.infra.localstack;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Local Emulator Suite's ports from {@code firebase.json}'s {@code emulators} block (Firestore
 * 8080, Auth 9099, functions 5001, Hosting 5000), which {@code bin/dev} uses where they are free,
 * so the apps' usual {@code connectFunctionsEmulator(functions, "127.0.0.1", 5001)} works
 * unchanged.
 */
final class EmulatorPorts {
  private EmulatorPorts() {}

  /** Emulator name to port, for every entry of the block that names one. */
  static Map<String, Integer> read(Path firebaseJson) throws IOException {
    Map<String, Integer> ports = new LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(firebaseJson)) {
      JsonElement emulators = JsonParser.parseReader(reader).getAsJsonObject().get("emulators");
      if (emulators != null && emulators.isJsonObject()) {
        for (Map.Entry<String, JsonElement> e : emulators.getAsJsonObject().entrySet()) {
          if (e.getValue().isJsonObject()) {
            JsonObject emulator = e.getValue().getAsJsonObject();
            if (emulator.has("port")) {
              ports.put(e.getKey(), emulator.get("port").getAsInt());
            }
          }
        }
      }
    }
    return ports;
  }

  static boolean isFree(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** A port free on loopback now. */
  static int anyFree() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code wanted} when it is free, else a free port, saying so on stderr. */
  static int freeOrAny(int wanted, String name) throws IOException {
    if (isFree(wanted)) {
      return wanted;
    }
    int other = anyFree();
    System.err.println(
        "note: port "
            + wanted
            + " (firebase.json emulators."
            + name
            + ") is taken; using "
            + other);
    return other;
  }
}
