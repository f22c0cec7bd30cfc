package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code recoverWallet} (admins from the dashboard, now and then; audited): restores the wallet
 * {@code wallet/{userId}} and its {@code walletTransactions} (by {@code userId}) to the newest
 * verified backup or a named one, or undoes an earlier recovery from its archive. The current state
 * is archived first; {@code dryRun} only reports the diff. Reports the elapsed time against the 30
 * s SLA. See {@link EntityRecovery}.
 */
public final class RecoverWallet extends RecoverEntityFunction {
  public RecoverWallet() {
    super();
  }

  RecoverWallet(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  RecoveryUnit unit() {
    return RecoveryUnit.WALLET;
  }
}
