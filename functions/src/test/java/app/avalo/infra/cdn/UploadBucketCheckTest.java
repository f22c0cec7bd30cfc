package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.StorageException;
import org.junit.jupiter.api.Test;

class UploadBucketCheckTest {
  private static BucketInfo bucket(BucketInfo.PublicAccessPrevention pap, Boolean uniform) {
    return BucketInfo.newBuilder("p-uploads")
        .setIamConfiguration(
            BucketInfo.IamConfiguration.newBuilder()
                .setPublicAccessPrevention(pap)
                .setIsUniformBucketLevelAccessEnabled(uniform)
                .build())
        .build();
  }

  @Test
  void aPrivateBucketPasses() {
    UploadBucketCheck.requirePrivate(
        "p-uploads", n -> bucket(BucketInfo.PublicAccessPrevention.ENFORCED, true));
  }

  @Test
  void aBucketThatCouldBeMadePublicIsRefusedNamingTheBucketAndTheFix() {
    IllegalStateException inherited =
        assertThrows(
            IllegalStateException.class,
            () ->
                UploadBucketCheck.requirePrivate(
                    "p-uploads", n -> bucket(BucketInfo.PublicAccessPrevention.INHERITED, true)));
    assertTrue(
        inherited.getMessage().contains("UPLOAD_BUCKET p-uploads is not private")
            && inherited
                .getMessage()
                .contains("public access prevention is not enforced (INHERITED)")
            && inherited.getMessage().contains("--public-access-prevention"),
        inherited.getMessage());
    IllegalStateException acls =
        assertThrows(
            IllegalStateException.class,
            () ->
                UploadBucketCheck.requirePrivate(
                    "p-uploads", n -> bucket(BucketInfo.PublicAccessPrevention.ENFORCED, false)));
    assertTrue(acls.getMessage().contains("uniform bucket-level access is off"), acls.getMessage());
    IllegalStateException bare =
        assertThrows(
            IllegalStateException.class,
            () -> UploadBucketCheck.requirePrivate("p-uploads", n -> BucketInfo.of("p-uploads")));
    assertTrue(
        bare.getMessage().contains("unset") && bare.getMessage().contains("off"),
        bare.getMessage());
  }

  @Test
  void aMissingOrUnreadableBucketIsRefusedWithTheRoleToGrant() {
    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class,
            () -> UploadBucketCheck.requirePrivate("p-uploads", n -> null));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    IllegalStateException denied =
        assertThrows(
            IllegalStateException.class,
            () ->
                UploadBucketCheck.requirePrivate(
                    "p-uploads",
                    n -> {
                      throw new StorageException(
                          403,
                          "avalo-cdn@p.iam.gserviceaccount.com does not have storage.buckets.get"
                              + " access");
                    }));
    assertTrue(
        denied.getMessage().contains("storage.buckets.get")
            && denied.getMessage().contains("roles/storage.bucketViewer"),
        denied.getMessage());
  }
}
