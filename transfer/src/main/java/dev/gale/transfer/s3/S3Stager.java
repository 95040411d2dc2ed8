package dev.gale.transfer.s3;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.Urls;
import dev.gale.transfer.spi.ListedObject;
import dev.gale.transfer.spi.ObjectInfo;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.spi.StagingFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.FileTransformerConfiguration;
import software.amazon.awssdk.core.FileTransformerConfiguration.FailureBehavior;
import software.amazon.awssdk.core.FileTransformerConfiguration.FileWriteOption;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code s3://bucket/key} URLs over the AWS SDK for Java v2 (async clients on Netty).
 *
 * <p>Uploads go through the SDK's Java multipart client: a file larger than {@link
 * S3StagerOptions#multipartThresholdBytes()} is sent as parts of {@link
 * S3StagerOptions#partSizeBytes()}, up to {@link S3StagerOptions#maxConcurrency()} at once.
 * Downloads use a second, non-multipart client (the multipart one fetches by part number, which not
 * every S3-compatible store supports): a HEAD gives size and ETag, then a small object comes in one
 * GET and a large one in ranged GETs written in place into a part file, {@code maxConcurrency} at a
 * time, each pinned to the ETag with {@code If-Match} so that an object replaced mid-way fails
 * instead of mixing two versions. The part file is moved over the target when all bytes are there.
 *
 * <p>Clients are created on first use (the constructor does no I/O) and shared by all transfers;
 * {@link #close()} releases them. Thread-safe.
 */
public final class S3Stager implements Stager, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3Stager.class);

  private final S3StagerOptions options;
  private final Object lock = new Object();
  private S3Clients clients;
  private boolean closed;

  /** A stager with the given options. Does no I/O. */
  public S3Stager(S3StagerOptions options) {
    this.options = options;
  }

  /** The options this stager runs with. */
  public S3StagerOptions options() {
    return options;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public long stageIn(URI source, Path target) {
    S3Location from = S3Location.of(source);
    S3Clients c = clients();
    HeadObjectResponse head =
        await(c.plain().headObject(b -> b.bucket(from.bucket()).key(from.key())), "read", from);
    long size = head.contentLength();
    Path part = null;
    try {
      part = StagingFiles.newPartFile(target);
      if (size <= options.multipartThresholdBytes()) {
        GetObjectRequest request = get(from, head.eTag()).build();
        await(
            c.plain()
                .getObject(
                    request,
                    AsyncResponseTransformer.toFile(
                        part, FileTransformerConfiguration.defaultCreateOrReplaceExisting())),
            "read",
            from);
      } else {
        rangedDownload(c, from, head.eTag(), size, part);
      }
      long got = Files.size(part);
      if (got != size) {
        throw new StagingException(
            "cannot read " + from + ": got " + got + " of " + size + " bytes", true, null);
      }
      StagingFiles.commit(part, target);
      part = null;
      return size;
    } catch (IOException e) {
      throw new StagingException(
          "cannot write " + target + " while staging in " + from + ": " + e, false, e);
    } finally {
      StagingFiles.discard(part);
    }
  }

  @Override
  public long stageOut(Path source, URI destination) {
    S3Location to = S3Location.of(destination);
    long size = StagingFiles.sizeOfSource(source, to);
    PutObjectRequest request =
        PutObjectRequest.builder().bucket(to.bucket()).key(to.key()).contentLength(size).build();
    await(clients().multipart().putObject(request, AsyncRequestBody.fromFile(source)), "write", to);
    return size;
  }

  /** A HEAD request: the object's size and its ETag as the version. */
  @Override
  public ObjectInfo stat(URI url) {
    S3Location at = S3Location.of(url);
    HeadObjectResponse head =
        await(clients().plain().headObject(b -> b.bucket(at.bucket()).key(at.key())), "read", at);
    return new ObjectInfo(head.contentLength(), head.eTag());
  }

  @Override
  public boolean supportsListing() {
    return true;
  }

  /**
   * ListObjectsV2 below the prefix, page by page. The prefix ends at a {@code /} boundary: {@code
   * s3://b/data} lists the keys that start with {@code data/}. Keys ending in {@code /} (folder
   * markers) are left out; a prefix with no keys gives an empty list.
   */
  @Override
  public List<ListedObject> list(URI prefix) {
    S3Location at = S3Location.prefixOf(prefix);
    String keyPrefix = at.key().isEmpty() || at.key().endsWith("/") ? at.key() : at.key() + "/";
    URI base = URI.create("s3://" + at.bucket() + "/");
    S3Clients c = clients();
    List<ListedObject> found = new ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page =
          await(
              c.plain()
                  .listObjectsV2(
                      b ->
                          b.bucket(at.bucket())
                              .prefix(keyPrefix.isEmpty() ? null : keyPrefix)
                              .continuationToken(continuation)),
              "list",
              at);
      for (S3Object o : page.contents()) {
        if (o.key().endsWith("/") || o.key().length() <= keyPrefix.length()) {
          continue;
        }
        String rel = o.key().substring(keyPrefix.length());
        try {
          found.add(new ListedObject(rel, Urls.child(base, o.key()), o.size()));
        } catch (StagingException e) {
          log.warn("{}: skipping key {} that cannot be a relative path", at, o.key());
        }
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    found.sort(Comparator.comparing(ListedObject::relativePath));
    return found;
  }

  /** Closes the SDK clients and their HTTP client; later calls fail. Idempotent. */
  @Override
  public void close() {
    S3Clients toClose;
    synchronized (lock) {
      closed = true;
      toClose = clients;
      clients = null;
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  private S3Clients clients() {
    synchronized (lock) {
      if (closed) {
        throw new StagingException("the S3 stager is closed", false, null);
      }
      if (clients == null) {
        clients = S3Clients.create(options);
      }
      return clients;
    }
  }

  private void rangedDownload(S3Clients c, S3Location from, String etag, long size, Path part) {
    long partSize = options.partSizeBytes();
    Semaphore window = new Semaphore(options.maxConcurrency());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<CompletableFuture<GetObjectResponse>> inFlight = new ArrayList<>();
    log.debug("{}: {} bytes in ranges of {}", from, size, partSize);
    try {
      for (long start = 0; start < size && failure.get() == null; start += partSize) {
        long end = Math.min(size, start + partSize) - 1;
        window.acquire();
        String expectedRange = "bytes " + start + "-" + end + "/" + size;
        FileTransformerConfiguration inPlace =
            FileTransformerConfiguration.builder()
                .fileWriteOption(FileWriteOption.WRITE_TO_POSITION)
                .position(start)
                .failureBehavior(FailureBehavior.LEAVE)
                .build();
        CompletableFuture<GetObjectResponse> f =
            c.plain()
                .getObject(
                    get(from, etag).range("bytes=" + start + "-" + end).build(),
                    AsyncResponseTransformer.toFile(part, inPlace));
        f.whenComplete(
            (response, error) -> {
              if (error == null && !expectedRange.equals(response.contentRange())) {
                error =
                    new IllegalStateException(
                        "asked for "
                            + expectedRange
                            + ", got Content-Range "
                            + response.contentRange());
              }
              if (error != null) {
                failure.compareAndSet(null, error);
              }
              window.release();
            });
        inFlight.add(f);
      }
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      inFlight.forEach(f -> f.cancel(true));
      throw new StagingException(Reason.CANCELLED, "reading " + from + " was interrupted", true, e);
    } catch (ExecutionException e) {
      failure.compareAndSet(null, e.getCause());
    }
    Throwable first = failure.get();
    if (first != null) {
      inFlight.forEach(f -> f.cancel(true));
      throw failed("read", from, first);
    }
  }

  private static GetObjectRequest.Builder get(S3Location from, String etag) {
    GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(from.bucket()).key(from.key());
    return etag == null ? b : b.ifMatch(etag);
  }

  private static <T> T await(CompletableFuture<T> future, String verb, S3Location where) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StagingException(
          Reason.CANCELLED, verb + " " + where + " was interrupted", true, e);
    } catch (ExecutionException | CancellationException e) {
      throw failed(verb, where, e.getCause() == null ? e : e.getCause());
    }
  }

  /** An SDK failure as a StagingException: what, where, the S3 error code and whether to retry. */
  static StagingException failed(String verb, S3Location where, Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof StagingException se) {
      return se;
    }
    String prefix = "cannot " + verb + " " + where + ": ";
    if (e instanceof AwsServiceException s) {
      int status = s.statusCode();
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      String what = status == 404 ? "not found" : "refused";
      String detail = code == null || code.isBlank() ? "" : " " + code;
      boolean retryable = status >= 500 || status == 429 || status == 408 || status == 412;
      Reason reason =
          switch (status) {
            case 404 -> Reason.NOT_FOUND;
            case 401, 403 -> Reason.DENIED;
            default -> Reason.FAILED;
          };
      return new StagingException(
          reason, prefix + what + detail + " (HTTP " + status + ")", retryable, e);
    }
    if (e instanceof SdkClientException) {
      return new StagingException(prefix + e.getMessage(), true, e);
    }
    return new StagingException(prefix + e, true, e);
  }

  /** How long the S3 clients wait for a pooled connection when all are busy. */
  static final Duration CONNECTION_ACQUIRE_TIMEOUT = Duration.ofMinutes(5);
}
