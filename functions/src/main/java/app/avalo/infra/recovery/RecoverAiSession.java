package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code recoverAiSession} (admins from the dashboard, now and then; audited): restores the AI
 * session {@code aiSessions/{sessionId}} to the newest verified backup or a named one, or undoes an
 * earlier recovery from its archive. The current state is archived first; {@code dryRun} only
 * reports the diff. Reports the elapsed time against the 15 s SLA. See {@link EntityRecovery}.
 */
public final class RecoverAiSession extends RecoverEntityFunction {
  public RecoverAiSession() {
    super();
  }

  RecoverAiSession(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  RecoveryUnit unit() {
    return RecoveryUnit.AI_SESSION;
  }
}
