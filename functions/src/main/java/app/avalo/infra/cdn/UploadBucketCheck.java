package app.avalo.infra.cdn;

import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import java.util.function.Function;

/**
 * The cold-start check that the upload bucket really is private (on Cloud Functions only):
 * originals carry GPS EXIF and private media lives there, so a bucket without enforced public
 * access prevention and uniform bucket-level access (no per-object ACL can open an object) is
 * refused before the first request. Reading the bucket's metadata ({@code storage.buckets.get})
 * needs a role with that permission for the cdn runtime account — {@code roles/storage.objectAdmin}
 * does not include it; deploy.json grants {@code roles/storage.bucketViewer} (bucket metadata
 * only).
 */
final class UploadBucketCheck {
  private UploadBucketCheck() {}

  /**
   * Throws with a message naming the bucket and what is wrong; returns quietly for a private
   * bucket.
   */
  static void requirePrivate(String bucket, Function<String, BucketInfo> metadata) {
    BucketInfo info;
    try {
      info = metadata.apply(bucket);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "UPLOAD_BUCKET "
              + bucket
              + ": its metadata could not be read to check that it "
              + "is private (the cdn runtime account needs storage.buckets.get on it, e.g. "
              + "roles/storage.bucketViewer): "
              + e.getMessage(),
          e);
    }
    if (info == null) {
      throw new IllegalStateException("UPLOAD_BUCKET " + bucket + " does not exist");
    }
    BucketInfo.IamConfiguration iam = info.getIamConfiguration();
    StringBuilder problems = new StringBuilder();
    if (iam == null
        || iam.getPublicAccessPrevention() != BucketInfo.PublicAccessPrevention.ENFORCED) {
      problems
          .append(" public access prevention is not enforced (")
          .append(iam == null ? "unset" : iam.getPublicAccessPrevention())
          .append(");");
    }
    if (iam == null || !Boolean.TRUE.equals(iam.isUniformBucketLevelAccessEnabled())) {
      problems.append(" uniform bucket-level access is off;");
    }
    if (problems.length() > 0) {
      throw new IllegalStateException(
          "UPLOAD_BUCKET "
              + bucket
              + " is not private:"
              + problems
              + " uploaded originals and private media would be exposable (gcloud storage buckets"
              + " update gs://"
              + bucket
              + " --public-access-prevention --uniform-bucket-level-access)");
    }
  }

  /** The production read: only the IAM configuration of the bucket. */
  static Function<String, BucketInfo> from(Storage storage) {
    return name ->
        storage.get(name, Storage.BucketGetOption.fields(Storage.BucketField.IAMCONFIGURATION));
  }
}
