package app.avalo.infra.recovery;

import com.google.cloud.storage.StorageClass;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a backup's objects are written. Closing the returned stream commits the object. The
 * production sink is {@link BackupStorage}; tests wrap it to fail part-way through a backup.
 */
interface ShardSink {
  OutputStream create(String object, StorageClass storageClass, String contentType)
      throws IOException;
}
