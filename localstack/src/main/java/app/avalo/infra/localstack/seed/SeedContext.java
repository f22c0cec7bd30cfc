package app.avalo.infra.localstack.seed;

import app.avalo.infra.Root;
import com.google.gson.JsonElement;

/** What a {@link DemoSeed} may use: the running stack's {@link Root} and its functions. */
public interface SeedContext {
  /** The dev server's root (Firestore on the emulator, local storage, the wall clock). */
  Root root();

  /** The dev server's base URL, e.g. {@code http://127.0.0.1:5001}. */
  String baseUrl();

  /** Calls a callable function through the dev server as the demo admin; returns {@code result}. */
  JsonElement callAsAdmin(String function, String dataJson);

  /** Calls a private function (plain JSON body) through the dev server; returns the body. */
  JsonElement callPrivate(String function, String bodyJson);
}
