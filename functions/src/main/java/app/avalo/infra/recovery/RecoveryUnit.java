package app.avalo.infra.recovery;

import app.avalo.infra.platform.WireEnum;
import java.time.Duration;
import java.util.List;

/**
 * What one recovery restores: a root document (owned by its id) and, for wallets and chats, the
 * documents owned by it in a second collection — with the time the restore must finish in.
 *
 * <ul>
 *   <li>wallet: {@code wallet/{userId}} and {@code walletTransactions} where {@code userId} — 30 s
 *   <li>chat: {@code chats/{chatId}} and {@code messages} where {@code chatId} — 10 s
 *   <li>support ticket: {@code supportTickets/{ticketId}} — 60 s
 *   <li>AI session: {@code aiSessions/{sessionId}} — 15 s
 * </ul>
 */
enum RecoveryUnit implements WireEnum {
  WALLET(
      "wallet",
      "userId",
      CriticalCollection.WALLET,
      CriticalCollection.WALLET_TRANSACTIONS,
      Duration.ofSeconds(30)),
  CHAT(
      "chat",
      "chatId",
      CriticalCollection.CHATS,
      CriticalCollection.MESSAGES,
      Duration.ofSeconds(10)),
  SUPPORT_TICKET(
      "supportTicket",
      "ticketId",
      CriticalCollection.SUPPORT_TICKETS,
      null,
      Duration.ofSeconds(60)),
  AI_SESSION(
      "aiSession", "sessionId", CriticalCollection.AI_SESSIONS, null, Duration.ofSeconds(15));

  private final String wire;
  private final String inputField;
  private final CriticalCollection root;
  private final CriticalCollection owned;
  private final Duration sla;

  RecoveryUnit(
      String wire,
      String inputField,
      CriticalCollection root,
      CriticalCollection owned,
      Duration sla) {
    this.wire = wire;
    this.inputField = inputField;
    this.root = root;
    this.owned = owned;
    this.sla = sla;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** The request field naming the entity ({@code userId}, {@code chatId}, …). */
  String inputField() {
    return inputField;
  }

  CriticalCollection root() {
    return root;
  }

  /** The collection of documents the root owns through a field, or null. */
  CriticalCollection owned() {
    return owned;
  }

  List<CriticalCollection> collections() {
    return owned == null ? List.of(root) : List.of(root, owned);
  }

  Duration sla() {
    return sla;
  }

  static RecoveryUnit fromWire(String wire) {
    return WireEnum.parse(RecoveryUnit.class, wire)
        .orElseThrow(() -> new IllegalArgumentException("no recovery unit " + wire));
  }
}
