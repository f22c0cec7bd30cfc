package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code recoverChat} (admins from the dashboard, now and then; audited): restores the chat {@code
 * chats/{chatId}} and its {@code messages} (by {@code chatId}) to the newest verified backup or a
 * named one, or undoes an earlier recovery from its archive. The current state is archived first;
 * {@code dryRun} only reports the diff. Reports the elapsed time against the 10 s SLA. See {@link
 * EntityRecovery}.
 */
public final class RecoverChat extends RecoverEntityFunction {
  public RecoverChat() {
    super();
  }

  RecoverChat(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  RecoveryUnit unit() {
    return RecoveryUnit.CHAT;
  }
}
