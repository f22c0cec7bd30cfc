package app.avalo.infra.localstack.seed;

import app.avalo.infra.Root;
import app.avalo.infra.cost.BillingPeriod;
import app.avalo.infra.cost.CostLedger;
import app.avalo.infra.cost.CostMetrics;
import app.avalo.infra.cost.CostService;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Cost demo data: app activity ({@code users}, {@code chats}, {@code calls}, {@code payments}) in
 * this month and the last, and cost events booked through the real ledger so that this month's
 * budgets show every state — AI near 75 % (warning), video over 80 % (throttled), Firestore over 70
 * % (warning on a critical service), the rest ok — plus one abusive user (3 000 PLN of AI today,
 * above the fraud ceiling; everyone else spends a few złoty) for fraud detection, and last month's
 * report. Bulk and bandwidth costs are not attributed to users, as in production where only
 * per-request costs carry a user id.
 *
 * <p>Idempotent: documents have fixed ids and every cost event an {@code eventId} scoped to its
 * month, so a restart on the same emulator books nothing twice.
 */
public final class CostSeed implements DemoSeed {
  private static final int USERS = 80;
  private static final int PAYMENTS = 1000;
  private static final long WHALE_AI_MINOR = 3_000_00L;

  @Override
  public String name() {
    return "cost";
  }

  @Override
  public void seed(SeedContext context) {
    Platform app = context.root().platform();
    Instant now = app.clock().instant();
    BillingPeriod current = BillingPeriod.of(now);
    BillingPeriod previous = current.previous();
    context.root().cost().seedDefaults();
    appActivity(app.firestore(), current, now, "cur");
    appActivity(app.firestore(), previous, previous.end().minusSeconds(1), "prev");

    // Last month, booked with a clock in its middle; somewhat cheaper, so month-over-month shows
    // growth.
    Instant middle = previous.start().plus(previous.length().dividedBy(2));
    Platform lastMonth =
        Platform.builder(app.config().env())
            .firestore(app.firestore())
            .storage(app.storage())
            .catalog(app.catalog())
            .clock(Clock.fixed(middle, ZoneOffset.UTC))
            .build();
    costs(Root.builder(lastMonth).build().cost().ledger(), previous, 0.8);
    costs(context.root().cost().ledger(), current, 1.0);

    context
        .root()
        .cost()
        .ledger()
        .recordAi(
            "demo-user-whale",
            "gpt-4o",
            2_000_000,
            800_000,
            "companion",
            WHALE_AI_MINOR,
            "seed-" + current.id() + "-" + BillingPeriod.dayId(now) + "-whale");
    context.callPrivate("generateMonthlyReport", "{}");
    context.callPrivate("detectFraudAbuse", "{}");
  }

  /**
   * Users active, chats started, calls and payments spread over the part of {@code period} before
   * {@code until}.
   */
  private static void appActivity(Firestore db, BillingPeriod period, Instant until, String tag) {
    Random random = new Random(tag.hashCode());
    long span = Math.max(1, Duration.between(period.start(), until).toSeconds());
    WriteBatch batch = db.batch();
    int inBatch = 0;
    for (int i = 0; i < 240 + PAYMENTS; i++) {
      Instant at = period.start().plusSeconds((long) (random.nextDouble() * span));
      String id;
      Map<String, Object> doc = new HashMap<>();
      if (i < USERS) {
        // this month's active users keep their ids; last month adds users who have not been back
        // since
        if (tag.equals("prev") && i % 4 != 0) {
          continue;
        }
        id =
            tag.equals("cur")
                ? String.format("demo-user-%02d", i)
                : String.format("demo-lapsed-%02d", i);
        doc.put("displayName", "Demo user " + i);
        doc.put("lastActiveAt", Firestores.timestamp(at));
        batch.set(db.collection(CostMetrics.USERS).document(id), doc);
      } else if (i < 180) {
        doc.put("createdAt", Firestores.timestamp(at));
        doc.put(
            "members",
            List.of(
                String.format("demo-user-%02d", i % USERS),
                String.format("demo-user-%02d", (i * 7) % USERS)));
        batch.set(db.collection(CostMetrics.CHATS).document("demo-" + tag + "-chat-" + i), doc);
      } else if (i < 240) {
        doc.put("startedAt", Firestores.timestamp(at));
        doc.put("durationSeconds", 30L + random.nextInt(1800));
        doc.put("video", random.nextBoolean());
        batch.set(db.collection(CostMetrics.CALLS).document("demo-" + tag + "-call-" + i), doc);
      } else {
        doc.put("createdAt", Firestores.timestamp(at));
        // coin packs from 19.99 to 499.99 PLN, small ones most common
        long[] packs = {19_99, 19_99, 49_99, 49_99, 99_99, 199_99, 499_99};
        doc.put("amountMinor", packs[random.nextInt(packs.length)]);
        doc.put("currency", "PLN");
        doc.put("status", i % 15 == 0 ? "failed" : CostMetrics.PAYMENT_SUCCEEDED);
        doc.put("userId", String.format("demo-user-%02d", i % USERS));
        batch.set(
            db.collection(CostMetrics.PAYMENTS).document("demo-" + tag + "-payment-" + i), doc);
      }
      if (++inBatch == 400) {
        Firestores.await(batch.commit());
        batch = db.batch();
        inBatch = 0;
      }
    }
    Firestores.await(batch.commit());
  }

  /**
   * This month at {@code scale} 1.0: AI ≈ 69 % of 50 000 PLN (75 % with the whale), video ≈ 85 % of
   * 30 000 (throttled), WebRTC 30 %, push 40 %, Cloud Functions 50 %, Firestore 72 %, Storage 20 %,
   * CDN unbudgeted.
   */
  private static void costs(CostLedger ledger, BillingPeriod period, double scale) {
    String p = "seed-" + period.id() + "-";
    Random random = new Random(period.id().hashCode());
    String[] models = {"gpt-4o-mini", "gpt-4o", "claude-3.5-haiku", "gemini-2.0-flash"};
    long aiMinor = 0;
    for (int i = 0; i < 200; i++) {
      CostLedger.Recorded r =
          ledger.recordAi(
              user(i),
              models[i % models.length],
              500 + random.nextInt(20_000),
              100 + random.nextInt(4_000),
              i % 3 == 0 ? "companion" : "chat-assist",
              null,
              p + "ai-" + i);
      aiMinor += r.costMinor();
    }
    // Bulk AI usage (moderation batch jobs, invoiced, no user) up to the target.
    long aiTarget = (long) ((37_500_00L - WHALE_AI_MINOR) * scale);
    for (int i = 0; i < 20 && aiMinor < aiTarget; i++) {
      long part = (aiTarget - aiMinor) / (20 - i);
      ledger.recordCost(CostService.AI, part, null, p + "ai-bulk-" + i);
      aiMinor += part;
    }
    long gib = 1L << 30;
    for (int i = 0; i < 40; i++) {
      ledger.recordBandwidth(
          CostService.VIDEO,
          (long) (2_000 * gib * scale),
          i % 2 == 0 ? "europe-west10" : "europe-central2",
          null,
          p + "video-" + i);
    }
    for (int i = 0; i < 25; i++) {
      ledger.recordBandwidth(
          CostService.WEBRTC, (long) (500 * gib * scale), "europe-west10", null, p + "webrtc-" + i);
    }
    for (int i = 0; i < 50; i++) {
      ledger.recordBandwidth(
          CostService.CDN,
          (long) (200 * gib * scale),
          i % 5 == 0 ? "asia-southeast1" : "europe-west10",
          null,
          p + "cdn-" + i);
    }
    infra(ledger, CostService.PUSH, (long) (2_000_00L * scale), p);
    infra(ledger, CostService.CLOUD_FUNCTIONS, (long) (7_500_00L * scale), p);
    infra(ledger, CostService.FIRESTORE, (long) (7_200_00L * scale), p);
    infra(ledger, CostService.STORAGE, (long) (1_600_00L * scale), p);
  }

  /** Infrastructure costs arrive as daily amounts (as a billing-export import would book them). */
  private static void infra(
      CostLedger ledger, CostService service, long totalMinor, String prefix) {
    for (int day = 0; day < 10; day++) {
      ledger.recordCost(service, totalMinor / 10, null, prefix + service.wire() + "-" + day);
    }
  }

  private static String user(int i) {
    return String.format("demo-user-%02d", i % USERS);
  }
}
