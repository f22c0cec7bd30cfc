package app.avalo.infra.localstack.seed;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo data for the backups view: three wallets with transactions, two chats with messages, two
 * support tickets and two AI sessions (each created only if missing, with the field names {@code
 * docs/recovery.md} documents), then one backup of each tier through the real backup jobs, so the
 * view shows backups and a recovery can be tried at once.
 *
 * <p>Idempotent: existing demo documents are left alone. Cloud Storage is in memory in the local
 * stack, so every start writes fresh backups (a reused Firestore emulator may still index older
 * ones whose objects are gone; the next health check reports those).
 */
public final class RecoverySeed implements DemoSeed {
  @Override
  public String name() {
    return "recovery";
  }

  @Override
  public void seed(SeedContext context) {
    Firestore db = context.root().platform().firestore();
    Instant now = context.root().platform().clock().instant();
    long base = now.getEpochSecond() - 86_400;
    for (int u = 1; u <= 3; u++) {
      String userId = "demo-user-" + u;
      DocumentReference wallet = db.collection("wallet").document(userId);
      if (Firestores.await(wallet.get()).exists()) {
        continue;
      }
      WriteBatch batch = db.batch();
      long balance = 0;
      for (int i = 0; i < 5 * u; i++) {
        long amount = i % 3 == 2 ? -1_500L * u : 2_500L * u;
        balance += amount;
        Map<String, Object> tx = new LinkedHashMap<>();
        tx.put("userId", userId);
        tx.put("amount", amount);
        tx.put("type", amount < 0 ? "debit" : "credit");
        tx.put("createdAt", Timestamp.ofTimeSecondsAndNanos(base + i * 600L, 0));
        batch.set(db.collection("walletTransactions").document(userId + "-tx-" + i), tx);
      }
      batch.set(
          wallet,
          Map.of(
              "userId",
              userId,
              "balance",
              balance,
              "currency",
              "PLN",
              "updatedAt",
              Timestamp.ofTimeSecondsAndNanos(now.getEpochSecond(), 0)));
      Firestores.await(batch.commit());
    }
    for (int c = 1; c <= 2; c++) {
      String chatId = "demo-chat-" + c;
      DocumentReference chat = db.collection("chats").document(chatId);
      if (Firestores.await(chat.get()).exists()) {
        continue;
      }
      WriteBatch batch = db.batch();
      List<String> participants = List.of("demo-user-" + c, "demo-user-" + (c + 1));
      for (int m = 0; m < 8; m++) {
        batch.set(
            db.collection("messages").document(chatId + "-msg-" + m),
            Map.of(
                "chatId",
                chatId,
                "senderId",
                participants.get(m % 2),
                "text",
                "Demo message " + (m + 1),
                "sentAt",
                Timestamp.ofTimeSecondsAndNanos(base + m * 60L, 0)));
      }
      batch.set(
          chat,
          Map.of(
              "participants",
              participants,
              "createdAt",
              Timestamp.ofTimeSecondsAndNanos(base, 0),
              "lastMessageAt",
              Timestamp.ofTimeSecondsAndNanos(base + 7 * 60L, 0)));
      Firestores.await(batch.commit());
    }
    for (int t = 1; t <= 2; t++) {
      DocumentReference ticket = db.collection("supportTickets").document("demo-ticket-" + t);
      if (!Firestores.await(ticket.get()).exists()) {
        Firestores.await(
            ticket.set(
                Map.of(
                    "userId",
                    "demo-user-" + t,
                    "subject",
                    t == 1 ? "Refund for a call" : "Cannot top up",
                    "status",
                    t == 1 ? "open" : "pending",
                    "createdAt",
                    Timestamp.ofTimeSecondsAndNanos(base + t * 3600L, 0))));
      }
      DocumentReference session = db.collection("aiSessions").document("demo-session-" + t);
      if (!Firestores.await(session.get()).exists()) {
        Firestores.await(
            session.set(
                Map.of(
                    "userId",
                    "demo-user-" + t,
                    "companionId",
                    t == 1 ? "luna" : "orion",
                    "startedAt",
                    Timestamp.ofTimeSecondsAndNanos(base + t * 1800L, 0),
                    "turns",
                    6L * t)));
      }
    }
    for (String job :
        List.of("createHourlyBackup", "createDailyBackup", "createColdStorageBackup")) {
      context.callPrivate(job, "{}");
    }
  }
}
