package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code recoverSupportTicket} (admins from the dashboard, now and then; audited): restores the
 * ticket {@code supportTickets/{ticketId}} to the newest verified backup or a named one, or undoes
 * an earlier recovery from its archive. The current state is archived first; {@code dryRun} only
 * reports the diff. Reports the elapsed time against the 60 s SLA. See {@link EntityRecovery}.
 */
public final class RecoverSupportTicket extends RecoverEntityFunction {
  public RecoverSupportTicket() {
    super();
  }

  RecoverSupportTicket(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  RecoveryUnit unit() {
    return RecoveryUnit.SUPPORT_TICKET;
  }
}
