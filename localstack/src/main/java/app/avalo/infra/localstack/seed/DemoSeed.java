package app.avalo.infra.localstack.seed;

/**
 * Demo data one domain contributes to the local stack, so a newcomer sees every view populated.
 * Seeds run once at dev-server start, in registration order ({@code DemoSeeds}), and must be
 * idempotent (the Firestore emulator may be reused across restarts).
 */
public interface DemoSeed {
  /** A short name for logs, e.g. {@code routing}. */
  String name();

  void seed(SeedContext context) throws Exception;
}
