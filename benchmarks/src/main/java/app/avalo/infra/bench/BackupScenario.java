package app.avalo.infra.bench;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backup export rate at two data sizes, and recoverWallet at both: recovery reads one partition, so
 * its time should stay flat while the backup grows tenfold.
 */
final class BackupScenario {
  private static final int USERS = 1000;

  private BackupScenario() {}

  static void run(Bench bench) throws Exception {
    Firestore db = bench.server().platform().firestore();
    int small = bench.quick() ? 2_000 : 10_000;
    int large = bench.quick() ? 10_000 : 100_000;
    Map<String, Object> raw = new LinkedHashMap<>();
    int written = 0;
    Instant scheduled = Instant.parse("2030-01-01T00:00:00Z");
    for (int target : new int[] {small, large}) {
      written = fill(db, written, target);
      scheduled = scheduled.plusSeconds(3600);
      long t0 = System.nanoTime();
      String backup =
          bench.ok("createHourlyBackup", "{\"scheduledFor\":\"" + scheduled + "\"}", null);
      double seconds = (System.nanoTime() - t0) / 1e9;
      JsonObject outcome = Json.parseStrict(backup).getAsJsonObject();
      if (!"succeeded".equals(outcome.get("outcome").getAsString())) {
        throw new IllegalStateException("backup did not succeed: " + backup);
      }
      double wallMs = 0;
      double reportedMs = 0;
      int trials = 3;
      for (int i = 0; i < trials; i++) {
        long r0 = System.nanoTime();
        String answer =
            bench.ok(
                "recoverWallet",
                "{\"data\":{\"userId\":\"bench-user-" + (17 + i * 101) + "\"}}",
                bench.adminToken());
        wallMs += (System.nanoTime() - r0) / 1e6;
        reportedMs +=
            Json.parseStrict(answer)
                .getAsJsonObject()
                .getAsJsonObject("result")
                .get("elapsedMs")
                .getAsDouble();
      }
      // The live state of a wallet comes from a query; the npm emulator answers it by scanning
      // the whole collection (it has no indexes), real Firestore from an index. Measured apart.
      double queryMs = 0;
      for (int i = 0; i < trials; i++) {
        long q0 = System.nanoTime();
        Firestores.await(
            db.collection("walletTransactions")
                .whereEqualTo("userId", "bench-user-" + (17 + i * 101))
                .get());
        queryMs += (System.nanoTime() - q0) / 1e6;
      }
      String size = String.format("%,d documents", target);
      bench
          .report()
          .row(
              "backup (hourly), " + size,
              "export rate",
              Report.rate(target / seconds, "docs"),
              "",
              "",
              "",
              "");
      bench
          .report()
          .row(
              "recoverWallet, backup of " + size,
              "mean time (wall / reported), " + trials + " wallets",
              Report.ms(wallMs / trials) + " / " + Report.ms(reportedMs / trials),
              "",
              "",
              "≪ 30 s SLA",
              Report.verdict(wallMs / trials < 30_000));
      bench
          .report()
          .row(
              "recoverWallet, backup of " + size,
              "of which: the live-state query on the emulator (full scan)",
              Report.ms(queryMs / trials),
              "",
              "",
              "",
              "");
      raw.put(
          Integer.toString(target),
          Map.of(
              "backupSeconds",
              seconds,
              "recoverWallMs",
              wallMs / trials,
              "liveQueryMs",
              queryMs / trials,
              "recoverReportedMs",
              reportedMs / trials,
              "summary",
              outcome.get("summary").toString()));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) raw.get(Integer.toString(small));
    @SuppressWarnings("unchecked")
    Map<String, Object> b = (Map<String, Object>) raw.get(Integer.toString(large));
    double whole = (double) b.get("recoverWallMs") / (double) a.get("recoverWallMs");
    double excluding =
        ((double) b.get("recoverWallMs") - (double) b.get("liveQueryMs"))
            / ((double) a.get("recoverWallMs") - (double) a.get("liveQueryMs"));
    bench
        .report()
        .row(
            "recoverWallet, " + small / 1000 + "k → " + large / 1000 + "k documents",
            "time growth, whole / excluding the emulator's live-state query",
            Report.times(whole) + " / " + Report.times(excluding),
            "",
            "",
            "flat (≤ 2×) excluding the scan",
            Report.verdict(excluding <= 2));
    bench
        .report()
        .note(
            "recoverWallet reads one backup shard per collection whatever the backup's size; the"
                + " live state it diffs against comes from a query (walletTransactions where userId"
                + " ==), which the npm emulator answers by scanning the collection (no indexes) and"
                + " real Firestore from an index.");
    bench.report().raw("backups", raw);
  }

  /**
   * Adds documents until {@code target} exist: per user a wallet and a users doc, the rest
   * transactions.
   */
  private static int fill(Firestore db, int from, int target) {
    WriteBatch batch = db.batch();
    int inBatch = 0;
    for (int i = from; i < target; i++) {
      int user = i % USERS;
      String uid = "bench-user-" + user;
      Map<String, Object> doc = new HashMap<>();
      if (i < USERS) {
        doc.put("balanceMinor", 10_000L + user);
        doc.put("currency", "PLN");
        doc.put("updatedAt", Timestamp.now());
        batch.set(db.collection("wallet").document(uid), doc);
      } else if (i < 2 * USERS) {
        doc.put("displayName", "Bench user " + user);
        doc.put("lastActiveAt", Timestamp.now());
        batch.set(db.collection("users").document(uid), doc);
      } else {
        doc.put("userId", uid);
        doc.put("amountMinor", (long) (i % 5000));
        doc.put("type", i % 3 == 0 ? "debit" : "credit");
        doc.put("createdAt", Timestamp.now());
        batch.set(db.collection("walletTransactions").document("bench-tx-" + i), doc);
      }
      if (++inBatch == 500) {
        Firestores.await(batch.commit());
        batch = db.batch();
        inBatch = 0;
      }
    }
    if (inBatch > 0) {
      Firestores.await(batch.commit());
    }
    return target;
  }
}
