package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.collection;
import static app.avalo.infra.recovery.RecoveryFixtures.hourlyBackupNow;
import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.objects;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWallet;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static app.avalo.infra.recovery.RecoveryFixtures.withAdapters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.Timestamp;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Chats, tickets and AI sessions; bad input and callers that may not recover anything. */
class EntityRecoveryTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed("2026-03-01T10:00:00Z").build();

  private JsonObject recover(ApiFunction function, String data) throws Exception {
    return bed.callAsAdminOk(function, data).getAsJsonObject();
  }

  private void chat(String chatId, int messages) {
    var batch = bed.db.batch();
    batch.set(
        bed.db.collection("chats").document(chatId),
        Map.of(
            "participants",
            List.of("a", "b"),
            "createdAt",
            Timestamp.ofTimeSecondsAndNanos(1_780_000_000L, 0)));
    for (int i = 0; i < messages; i++) {
      batch.set(
          bed.db.collection("messages").document(chatId + "-m" + i),
          Map.of(
              "chatId",
              chatId,
              "senderId",
              "a",
              "text",
              "message " + i + " ✉",
              "sentAt",
              Timestamp.ofTimeSecondsAndNanos(1_780_000_000L + i, 0)));
    }
    Firestores.await(batch.commit());
  }

  @Test
  void aChatIsRestoredWithItsMessagesOnly() throws Exception {
    chat("chat-1", 4);
    chat("chat-2", 2);
    hourlyBackupNow(bed);
    Firestores.await(bed.db.collection("messages").document("chat-1-m0").delete());
    Firestores.await(bed.db.collection("messages").document("chat-1-m1").update("text", "edited"));
    Firestores.await(bed.db.collection("messages").document("chat-2-m0").update("text", "keep me"));

    JsonObject result =
        recover(new RecoverChat(bed.platform, bed.root.recovery()), json("chatId", "chat-1"));

    assertEquals("chat", result.get("kind").getAsString());
    assertEquals(10_000, result.get("slaMs").getAsLong());
    assertEquals(1, result.getAsJsonObject("summary").get("added").getAsInt());
    assertEquals(1, result.getAsJsonObject("summary").get("changed").getAsInt());
    assertEquals("message 1 ✉", collection(bed, "messages").get("chat-1-m1").get("text"));
    assertTrue(collection(bed, "messages").containsKey("chat-1-m0"));
    assertEquals("keep me", collection(bed, "messages").get("chat-2-m0").get("text"));
  }

  @Test
  void aMessageMovedToAnotherChatIsBroughtBack() throws Exception {
    chat("chat-3", 2);
    hourlyBackupNow(bed);
    Firestores.await(
        bed.db.collection("messages").document("chat-3-m1").update("chatId", "chat-elsewhere"));

    JsonObject result =
        recover(new RecoverChat(bed.platform, bed.root.recovery()), json("chatId", "chat-3"));

    assertEquals(1, result.getAsJsonObject("summary").get("changed").getAsInt());
    assertEquals("chat-3", collection(bed, "messages").get("chat-3-m1").get("chatId"));
  }

  @Test
  void ticketsAndAiSessionsAreRestored() throws Exception {
    Firestores.await(
        bed.db
            .collection("supportTickets")
            .document("t-1")
            .set(Map.of("userId", "u1", "subject", "Refund", "status", "open")));
    Firestores.await(
        bed.db
            .collection("aiSessions")
            .document("s-1")
            .set(Map.of("userId", "u1", "companionId", "luna", "turns", 12L)));
    hourlyBackupNow(bed);
    Firestores.await(bed.db.collection("supportTickets").document("t-1").delete());
    Firestores.await(bed.db.collection("aiSessions").document("s-1").update("turns", 0L));

    JsonObject ticket =
        recover(
            new RecoverSupportTicket(bed.platform, bed.root.recovery()), json("ticketId", "t-1"));
    JsonObject session =
        recover(new RecoverAiSession(bed.platform, bed.root.recovery()), json("sessionId", "s-1"));

    assertEquals(60_000, ticket.get("slaMs").getAsLong());
    assertEquals(15_000, session.get("slaMs").getAsLong());
    assertEquals("Refund", collection(bed, "supportTickets").get("t-1").get("subject"));
    assertEquals(12L, collection(bed, "aiSessions").get("s-1").get("turns"));
  }

  @Test
  void aRecoverySlowerThanItsSlaSaysSoAndRaisesAWarning() throws Exception {
    chat("chat-slow", 1);
    hourlyBackupNow(bed);
    // Each look at the monotonic clock sees 11 s pass: start to end is over the chat's 10 s.
    AtomicLong nanos = new AtomicLong();
    var slow = withAdapters(bed, UnaryOperator.identity(), () -> nanos.addAndGet(11_000_000_000L));

    JsonObject result =
        recover(new RecoverChat(slow.platform, slow.root.recovery()), json("chatId", "chat-slow"));

    assertFalse(result.get("withinSla").getAsBoolean());
    assertTrue(result.get("elapsedMs").getAsLong() > 10_000, result.toString());
    var alert =
        Firestores.await(
                bed.db
                    .collection("systemAlerts")
                    .whereEqualTo("source", "recovery")
                    .whereEqualTo("key", "sla:chat")
                    .get())
            .getDocuments();
    assertEquals(1, alert.size());
    assertEquals("warning", alert.get(0).getString("severity"));
    String archiveId = result.getAsJsonObject("archive").get("archiveId").getAsString();
    assertEquals(
        false,
        Firestores.await(bed.db.collection("recoveryArchives").document(archiveId).get())
            .getBoolean("withinSla"));
  }

  @Test
  void withoutAnyBackupThereIsNothingToRecoverFrom() throws Exception {
    FakeExchange.Response response = recoverWallet(bed, json("userId", "u1"));
    assertEquals("FAILED_PRECONDITION", response.errorStatus(), response.body());
    assertTrue(response.errorMessage().contains("no verified backup"), response.errorMessage());
  }

  record Case(String data, String status, String field) {}

  @Test
  void badInputIsRefusedClearlyAndWritesNothing() throws Exception {
    wallet(bed, "u1", 1, 1);
    hourlyBackupNow(bed);
    List<Case> cases =
        List.of(
            new Case(json(), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", ""), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", "   "), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", "a/b"), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", ".."), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", "__name__"), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", 12), "INVALID_ARGUMENT", "userId"),
            new Case(json("userId", "u1", "backupId", "latest"), "INVALID_ARGUMENT", "backupId"),
            new Case(
                json("userId", "u1", "backupId", "hourly-2026/../x"),
                "INVALID_ARGUMENT",
                "backupId"),
            new Case(
                json("userId", "u1", "backupId", "hourly-20261399T000000Z"),
                "INVALID_ARGUMENT",
                "backupId"),
            new Case(json("userId", "u1", "archiveId", "../rcv"), "INVALID_ARGUMENT", "archiveId"),
            new Case(
                json("userId", "u1", "backupId", "hourly-20260301T100000Z", "archiveId", "rcv-1"),
                "INVALID_ARGUMENT",
                "archiveId"),
            new Case(json("userId", "u1", "dryRun", "yes"), "INVALID_ARGUMENT", "dryRun"),
            new Case(json("userId", "u1", "chatId", "c1"), "INVALID_ARGUMENT", "chatId"));
    for (Case c : cases) {
      long writes = Emulators.firestoreWriteCount();
      FakeExchange.Response response = recoverWallet(bed, c.data());
      assertEquals(c.status(), response.errorStatus(), c.data() + " → " + response.body());
      assertEquals(
          c.field(),
          response
              .json()
              .getAsJsonObject("error")
              .getAsJsonObject("details")
              .get("field")
              .getAsString(),
          c.data());
      assertEquals(writes, Emulators.firestoreWriteCount(), c.data() + " wrote something");
    }
    // Well-formed but unknown: NOT_FOUND; only the platform's audit record of the attempt is
    // written.
    for (String data :
        List.of(
            json("userId", "u1", "backupId", "daily-20250101T020000Z"),
            json("userId", "u1", "archiveId", "rcv-nothing"))) {
      long writes = Emulators.firestoreWriteCount();
      FakeExchange.Response response = recoverWallet(bed, data);
      assertEquals("NOT_FOUND", response.errorStatus(), response.body());
      assertEquals(writes + 1, Emulators.firestoreWriteCount(), data);
    }
    assertEquals(
        0, Firestores.await(bed.db.collection(RecoveryArchiveStore.COLLECTION).get()).size());
    assertTrue(objects(bed, RecoveryArchives.OBJECT_PREFIX).isEmpty());
  }

  @Test
  void onlyAdminsMayRecover() throws Exception {
    List<BiFunction<Platform, RecoveryModule, ApiFunction>> functions =
        List.of(
            RecoverWallet::new, RecoverChat::new, RecoverSupportTicket::new, RecoverAiSession::new);
    AuthEmulator.User user = AuthEmulator.newUser();
    for (var function : functions) {
      ApiFunction f = function.apply(bed.platform, bed.root.recovery());
      assertEquals(401, FakeExchange.post().data(json("userId", "u1")).send(f).status());
      assertEquals(
          403,
          FakeExchange.post().bearer(user.idToken()).data(json("userId", "u1")).send(f).status());
    }
    assertFalse(bed.platform.catalog().byName("recoverWallet").orElseThrow().isJob());
    assertTrue(bed.platform.catalog().byName("recoverWallet").orElseThrow().audited());
  }
}
