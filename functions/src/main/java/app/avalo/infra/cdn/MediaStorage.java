package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The domain's Cloud Storage access: reading uploaded originals (size-checked before download) and
 * writing delivery objects with their {@code Cache-Control}, content type and owner metadata.
 *
 * <p>Where an object lives follows from its path, decided here only: {@code media/…} is public
 * media in {@code MEDIA_BUCKET} (served by the CDN at {@link #publicUrl}); {@code private/…} is
 * private media in the private {@code UPLOAD_BUCKET}, next to the originals, and is only ever
 * handed out as a short-lived signed URL — {@link #publicUrl} refuses it.
 */
final class MediaStorage {
  /** The root of private media objects (in the upload bucket). */
  static final String PRIVATE_ROOT = "private";

  private final Storage storage;
  private final String mediaBucket;
  private final String uploadBucket;
  private final String publicBaseUrl;
  private final SignedUrls signed;

  MediaStorage(
      Storage storage,
      String mediaBucket,
      String uploadBucket,
      String publicBaseUrl,
      SignedUrls signed) {
    this.storage = storage;
    this.mediaBucket = mediaBucket;
    this.uploadBucket = uploadBucket;
    this.publicBaseUrl = publicBaseUrl;
    this.signed = signed;
  }

  /** What was stored: the object path and its size. */
  record Stored(String path, long bytes) {}

  /** The uploaded original, after checking it exists and is 1..maxBytes long. */
  Blob upload(UploadPath path, String field, long maxBytes) {
    Blob blob = storage.get(BlobId.of(uploadBucket, path.value()));
    if (blob == null || !blob.exists()) {
      throw ApiException.notFound(field + ": no uploaded object at " + path.value());
    }
    Long size = blob.getSize();
    if (size == null || size == 0) {
      throw ApiException.invalidArgument(field, "the uploaded object is empty (0 bytes)");
    }
    if (size > maxBytes) {
      throw ApiException.invalidArgument(
          field, "the uploaded object is " + size + " bytes; the limit is " + maxBytes);
    }
    return blob;
  }

  boolean uploadExists(UploadPath path) {
    Blob blob = storage.get(BlobId.of(uploadBucket, path.value()));
    return blob != null && blob.exists();
  }

  byte[] readAll(Blob blob) {
    return storage.readAllBytes(blob.getBlobId());
  }

  void download(Blob blob, Path target) {
    try (ReadChannel in = storage.reader(blob.getBlobId());
        OutputStream out = Files.newOutputStream(target)) {
      in.setChunkSize(4 * 1024 * 1024);
      ByteBuffer buffer = ByteBuffer.allocate(1024 * 1024);
      while (in.read(buffer) >= 0) {
        buffer.flip();
        out.write(buffer.array(), 0, buffer.limit());
        buffer.clear();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not download " + blob.getName(), e);
    }
  }

  /**
   * Deletes an original after its job ended either way; a failure is logged, not thrown over the
   * job's result.
   */
  void deleteUploadQuietly(UploadPath path) {
    try {
      storage.delete(BlobId.of(uploadBucket, path.value()));
    } catch (StorageException e) {
      Log.error("could not delete an uploaded original", Map.of("path", path.value()), e);
    }
  }

  Stored put(
      String path,
      byte[] bytes,
      String contentType,
      CachePolicy cache,
      Map<String, String> metadata) {
    storage.create(info(path, contentType, cache, metadata), bytes);
    return new Stored(path, bytes.length);
  }

  Stored putFile(
      String path, Path file, String contentType, CachePolicy cache, Map<String, String> metadata) {
    try (WriteChannel out = storage.writer(info(path, contentType, cache, metadata));
        InputStream in = Files.newInputStream(file)) {
      in.transferTo(Channels.newOutputStream(out));
      return new Stored(path, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("could not store " + path, e);
    }
  }

  /** Object paths under {@code prefix} (a media or private prefix). */
  List<String> list(String prefix) {
    return listIn(bucketFor(prefix), prefix);
  }

  /** The caller's uploaded originals under {@code uploads/{uid}/}. */
  List<String> listUploads(String uid) {
    return listIn(uploadBucket, UploadPath.USER_ROOT + "/" + uid + "/");
  }

  /** Deletes the objects at {@code paths}; returns how many existed. Failures propagate. */
  int delete(Collection<String> paths) {
    int deleted = 0;
    for (String path : paths) {
      if (storage.delete(BlobId.of(bucketFor(path), path))) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes uploaded originals (paths under {@code uploads/}); returns how many existed. */
  int deleteUploads(Collection<String> paths) {
    int deleted = 0;
    for (String path : paths) {
      if (storage.delete(BlobId.of(uploadBucket, path))) {
        deleted++;
      }
    }
    return deleted;
  }

  private List<String> listIn(String bucket, String prefix) {
    List<String> paths = new ArrayList<>();
    for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
      paths.add(blob.getName());
    }
    return paths;
  }

  /**
   * Deletes objects after a failed job; failures are logged (the job's own error is what matters).
   */
  void deleteQuietly(Collection<String> paths) {
    for (String path : paths) {
      try {
        storage.delete(BlobId.of(bucketFor(path), path));
      } catch (StorageException e) {
        Log.error("could not delete a partial media object", Map.of("path", path), e);
      }
    }
  }

  /** The CDN URL of a public object; never of a private one. */
  String publicUrl(String path) {
    if (isPrivate(path)) {
      throw new IllegalStateException("private media has no public URL: " + path);
    }
    return publicBaseUrl + "/" + path;
  }

  /** A short-lived V4 signed URL of a private object (the caller checked who may see it). */
  SignedUrls.Signed signed(String path) {
    return signed.read(bucketFor(path), path);
  }

  static boolean isPrivate(String path) {
    return path.startsWith(PRIVATE_ROOT + "/");
  }

  private String bucketFor(String path) {
    return isPrivate(path) ? uploadBucket : mediaBucket;
  }

  String mediaBucket() {
    return mediaBucket;
  }

  private BlobInfo info(
      String path, String contentType, CachePolicy cache, Map<String, String> metadata) {
    return BlobInfo.newBuilder(BlobId.of(bucketFor(path), path))
        .setContentType(contentType)
        .setCacheControl(isPrivate(path) ? cache.privateHeader() : cache.header())
        .setMetadata(metadata)
        .build();
  }
}
