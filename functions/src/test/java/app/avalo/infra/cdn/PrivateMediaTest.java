package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Private photos: stored with the private media (never in the public bucket, never under the
 * owner's uid), answered with verified V4 signed URLs to the owner and admins only; everyone else
 * gets the same NOT_FOUND as for an asset that does not exist. Public photos keep CDN URLs.
 */
class PrivateMediaTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();
  @RegisterExtension final TestBed bed = CdnFixtures.bed(purger, tasks).build();
  private final AuthEmulator.User owner = AuthEmulator.newUser();
  private final AuthEmulator.User stranger = AuthEmulator.newUser();
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  private JsonObject upload(String visibility) throws Exception {
    String jpeg =
        Base64.getEncoder().encodeToString(MediaFixtures.jpeg(MediaFixtures.quadrants(700, 500)));
    var response =
        FakeExchange.post()
            .bearer(owner.idToken())
            .data(
                visibility == null
                    ? CdnFixtures.json("data", jpeg)
                    : CdnFixtures.json("data", jpeg, "visibility", visibility))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(200, response.status(), response.body());
    return response.result().getAsJsonObject();
  }

  private FakeExchange.Response get(AuthEmulator.User caller, String assetId) throws Exception {
    return FakeExchange.post()
        .bearer(caller.idToken())
        .data(CdnFixtures.json("assetId", assetId, "width", 300))
        .send(new GetProgressiveImage(bed.platform, bed.root.cdn()));
  }

  @Test
  void aPrivatePhotoIsStoredPrivatelyAndAnsweredWithSignedUrls() throws Exception {
    JsonObject result = upload("private");
    String assetId = result.get("assetId").getAsString();

    assertEquals("private", result.get("visibility").getAsString());
    assertTrue(Instant.parse(result.get("expiresAt").getAsString()).isAfter(Instant.now()));
    for (JsonElement v : result.getAsJsonArray("variants")) {
      String path = CdnFixtures.signedObject(bed, v.getAsJsonObject().get("url").getAsString());
      assertTrue(path.startsWith("private/images/" + assetId + "/"), path);
      assertFalse(path.contains(owner.uid()), "no uid in the object path: " + path);
      assertTrue(CdnFixtures.blob(bed, path).getCacheControl().startsWith("private, "), path);
    }
    assertEquals(
        12,
        CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, "private/images/" + assetId + "/").size());
    assertTrue(
        CdnFixtures.objects(bed, "media/").isEmpty(),
        "nothing of a private photo is in the public bucket");

    var mine = get(owner, assetId);
    assertEquals(200, mine.status(), mine.body());
    JsonObject view = mine.result().getAsJsonObject();
    assertEquals("private", view.get("visibility").getAsString());
    assertTrue(
        CdnFixtures.signedObject(bed, view.get("url").getAsString()).endsWith("/s300.avif")
            || CdnFixtures.signedObject(bed, view.get("url").getAsString()).endsWith("/s300.webp"),
        view.toString());
    for (String entry : view.get("srcset").getAsString().split(", ")) {
      CdnFixtures.signedObject(bed, entry.substring(0, entry.lastIndexOf(' ')));
    }
    assertTrue(Instant.parse(view.get("expiresAt").getAsString()).isAfter(Instant.now()));

    var asAdmin = get(admin, assetId);
    assertEquals(200, asAdmin.status(), asAdmin.body());
    CdnFixtures.signedObject(bed, asAdmin.result().getAsJsonObject().get("url").getAsString());
  }

  @Test
  void someoneElseCannotTellAPrivatePhotoFromAMissingOne() throws Exception {
    String assetId = upload("private").get("assetId").getAsString();

    var hidden = get(stranger, assetId);
    var missing = get(stranger, "img_doesnotexist");

    assertEquals(404, hidden.status(), hidden.body());
    assertEquals("NOT_FOUND", hidden.errorStatus());
    assertEquals(
        missing.errorMessage().replace("img_doesnotexist", assetId), hidden.errorMessage());
    assertFalse(hidden.body().contains("https://"), "no URL leaks: " + hidden.body());
  }

  @Test
  void aPublicPhotoKeepsItsCdnUrlsForEveryone() throws Exception {
    JsonObject result = upload(null);
    String assetId = result.get("assetId").getAsString();
    assertEquals("public", result.get("visibility").getAsString());
    assertFalse(result.has("expiresAt"));
    var seen = get(stranger, assetId);
    assertEquals(200, seen.status(), seen.body());
    String url = seen.result().getAsJsonObject().get("url").getAsString();
    assertTrue(url.startsWith(CdnFixtures.CDN + "/media/images/" + assetId + "/"), url);
    assertFalse(url.contains("X-Goog-Signature"), url);
    assertTrue(CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, "private/").isEmpty());
  }

  @Test
  void visibilityIsValidatedAndRefusalsWriteNothing() throws Exception {
    String jpeg =
        Base64.getEncoder().encodeToString(MediaFixtures.jpeg(MediaFixtures.quadrants(64, 64)));
    var response =
        FakeExchange.post()
            .bearer(owner.idToken())
            .data(CdnFixtures.json("data", jpeg, "visibility", "friends"))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(400, response.status(), response.body());
    assertTrue(response.errorMessage().contains("visibility"), response.errorMessage());
    assertEquals(List.of(), CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, ""));
    assertEquals(List.of(), CdnFixtures.objects(bed, ""));
  }
}
