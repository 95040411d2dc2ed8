package dev.gale.transfer.globus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.spi.DirectCopy;
import dev.gale.transfer.spi.ListedObject;
import dev.gale.transfer.spi.ObjectInfo;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.spi.StagingFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code globus://<collection-id>/<path>} URLs through the Globus Transfer API v0.10 (over OkHttp,
 * see {@link GlobusApi}).
 *
 * <p>A Globus transfer moves data between two collections, never through this process. So staging
 * in means a transfer from the URL's collection into this node's own collection ({@link
 * GlobusStagerOptions#localEndpoint()}), whose root is the local directory {@link
 * GlobusStagerOptions#localRoot()}: the target must lie below that root, and Globus writes a hidden
 * part file beside it that is moved over the target once the task has {@code SUCCEEDED} and the
 * size matches. Staging out is the reverse; a source outside the root is first copied into {@code
 * <localRoot>/.gale-outbox/}. Copies between two remote collections ({@link DirectCopy}) are one
 * transfer task between them.
 *
 * <p>Each transfer: {@code GET /submission_id}, {@code POST /transfer} with a transfer document
 * ({@code DATA_TYPE: transfer}, one {@code transfer_item}, {@code sync_level}, {@code
 * verify_checksum}, {@code label}, {@code deadline}), then {@code GET /task/<id>} at growing
 * intervals until {@code SUCCEEDED} or {@code FAILED} (its {@code fatal_error} becomes the
 * message), an active task's {@code nice_status} is one to fail fast on, or the task timeout passes
 * (the task is then cancelled). An interrupted thread cancels the task too.
 *
 * <p>The version of a file is its {@code last_modified} (second resolution) and size, as {@code
 * stat} gives them. Thread-safe; {@link #close()} releases the HTTP client.
 */
public final class GlobusStager implements Stager, DirectCopy, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GlobusStager.class);
  private static final DateTimeFormatter DEADLINE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);
  private static final int LS_PAGE = 1000;
  private static final String OUTBOX = ".gale-outbox";

  private final GlobusStagerOptions options;
  private final Waits waits;
  private final OkHttpClient client;
  private final GlobusApi api;

  /** A stager with the given options. Does no I/O. */
  public GlobusStager(GlobusStagerOptions options) {
    this(options, Waits.system());
  }

  GlobusStager(GlobusStagerOptions options, Waits waits) {
    this.options = options;
    this.waits = waits;
    this.client =
        new OkHttpClient.Builder()
            .connectTimeout(options.connectTimeout())
            .readTimeout(options.readTimeout())
            .writeTimeout(options.readTimeout())
            .build();
    this.api = new GlobusApi(options, client, waits);
  }

  /** The options this stager runs with. */
  public GlobusStagerOptions options() {
    return options;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("globus");
  }

  @Override
  public long stageIn(URI source, Path target) {
    GlobusUrl from = GlobusUrl.of(source);
    Path root = localRoot(source);
    ObjectInfo info = describe(from, source);
    Path part = null;
    try {
      Path dir = target.toAbsolutePath().normalize().getParent();
      Files.createDirectories(dir);
      // not created here: an existing destination would let a sync_level skip the copy
      part = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
      transfer(from, local(root, part, source), false, DirectCopy.CopyProgress.none(), source);
      if (!Files.exists(part)) {
        throw new StagingException(
            Reason.FAILED,
            "Globus reported success for "
                + Stagers.redact(source)
                + " but "
                + part
                + " did not appear: is localRoot "
                + root
                + " really the root of collection "
                + options.localEndpoint()
                + "?",
            false,
            null);
      }
      long size = Files.size(part);
      if (info.hasSize() && size != info.size()) {
        throw new StagingException(
            Reason.CORRUPT,
            "staging in "
                + Stagers.redact(source)
                + " gave "
                + size
                + " bytes, expected "
                + info.size(),
            true,
            null);
      }
      StagingFiles.commit(part, target);
      part = null;
      return size;
    } catch (IOException e) {
      throw new StagingException(
          "cannot write " + target + " while staging in " + Stagers.redact(source) + ": " + e,
          false,
          e);
    } finally {
      StagingFiles.discard(part);
    }
  }

  @Override
  public long stageOut(Path source, URI destination) {
    GlobusUrl to = GlobusUrl.of(destination);
    Path root = localRoot(destination);
    long size = StagingFiles.sizeOfSource(source, Stagers.redact(destination));
    Path staged = null;
    Path outboxDir = null;
    try {
      Path real = source.toRealPath();
      if (real.startsWith(root.toRealPath())) {
        staged = real;
      } else {
        outboxDir =
            Files.createDirectories(root.resolve(OUTBOX).resolve(UUID.randomUUID().toString()));
        staged = outboxDir.resolve(source.getFileName().toString());
        Files.copy(source, staged, StandardCopyOption.REPLACE_EXISTING);
      }
      transfer(
          local(root, staged, destination), to, false, DirectCopy.CopyProgress.none(), destination);
      return size;
    } catch (IOException e) {
      throw new StagingException(
          "cannot prepare " + source + " for " + Stagers.redact(destination) + ": " + e, false, e);
    } finally {
      if (outboxDir != null) {
        StagingFiles.discard(staged);
        StagingFiles.discard(outboxDir);
      }
    }
  }

  /**
   * {@code GET /operation/endpoint/<id>/stat}: size, and last_modified with the size as version.
   */
  @Override
  public ObjectInfo stat(URI url) {
    return describe(GlobusUrl.of(url), url);
  }

  @Override
  public boolean supportsListing() {
    return true;
  }

  /** Walks the directory with {@code ls}, page by page; symbolic links are not followed. */
  @Override
  public List<ListedObject> list(URI prefix) {
    GlobusUrl top = GlobusUrl.of(prefix);
    String topPath = top.path().endsWith("/") ? top.path() : top.path() + "/";
    List<ListedObject> found = new ArrayList<>();
    Deque<String> dirs = new ArrayDeque<>();
    dirs.add(topPath);
    while (!dirs.isEmpty()) {
      String dir = dirs.poll();
      List<JsonNode> entries;
      try {
        entries = api.ls(top.endpoint(), dir, LS_PAGE);
      } catch (StagingException e) {
        throw wrap("cannot list", prefix, e);
      }
      for (JsonNode e : entries) {
        String name = e.path("name").asText("");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
          continue;
        }
        String type = e.path("type").asText("");
        String path = dir + name;
        if (type.equals("dir")) {
          dirs.add(path + "/");
        } else if (type.equals("file")) {
          found.add(
              new ListedObject(
                  path.substring(topPath.length()),
                  top.withPath(path).toUri(),
                  e.path("size").asLong(-1)));
        }
      }
    }
    found.sort(Comparator.comparing(ListedObject::relativePath));
    return found;
  }

  @Override
  public boolean copiesDirectly(URI source, URI destination) {
    return "globus".equalsIgnoreCase(source.getScheme())
        && "globus".equalsIgnoreCase(destination.getScheme());
  }

  /**
   * One transfer task from collection to collection; progress follows the task's {@code
   * bytes_transferred}, {@code files_transferred} and {@code files}. The bytes are the sum of the
   * sizes in the task's {@code successful_transfers} (all pages), or its {@code bytes_transferred}.
   */
  @Override
  public long copyDirectly(URI source, URI destination, boolean recursive, CopyProgress progress) {
    GlobusUrl from = GlobusUrl.of(source);
    GlobusUrl to = GlobusUrl.of(destination);
    String taskId = transfer(from, to, recursive, progress, source);
    long sum = 0;
    boolean sized = true;
    List<JsonNode> done = api.successfulTransfers(taskId);
    for (JsonNode t : done) {
      if (!t.hasNonNull("size")) {
        sized = false;
        break;
      }
      sum += t.path("size").asLong();
    }
    if (!sized || done.isEmpty()) {
      sum = api.task(taskId).path("bytes_transferred").asLong(0);
    }
    progress.update(sum, sum, done.size(), done.size());
    return sum;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private ObjectInfo describe(GlobusUrl at, URI url) {
    JsonNode doc;
    try {
      doc = api.stat(at.endpoint(), at.path());
    } catch (StagingException e) {
      throw wrap("cannot read", url, e);
    }
    if (!"file".equals(doc.path("type").asText("file"))) {
      throw new StagingException(
          Reason.INVALID,
          "not a file but a " + doc.path("type").asText() + ": " + Stagers.redact(url),
          false,
          null);
    }
    long size = doc.path("size").asLong(-1);
    String modified = doc.path("last_modified").asText(null);
    return new ObjectInfo(size, modified == null ? null : modified + "/" + size);
  }

  /** Submits one transfer and waits for it; the task id when it SUCCEEDED. */
  private String transfer(
      GlobusUrl from, GlobusUrl to, boolean recursive, CopyProgress progress, URI named) {
    String taskId;
    try {
      ObjectNode doc = Json.object();
      doc.put("DATA_TYPE", "transfer");
      doc.put("submission_id", api.submissionId());
      doc.put("source_endpoint", from.endpoint());
      doc.put("destination_endpoint", to.endpoint());
      doc.put("label", options.label());
      if (options.syncLevel() != null) {
        doc.put("sync_level", options.syncLevel());
      }
      doc.put("verify_checksum", options.verifyChecksum());
      doc.put("deadline", DEADLINE.format(waits.now().plus(options.taskTimeout())));
      ArrayNode data = doc.putArray("DATA");
      ObjectNode item = data.addObject();
      item.put("DATA_TYPE", "transfer_item");
      item.put("source_path", from.path());
      item.put("destination_path", to.path());
      item.put("recursive", recursive);
      taskId = api.submitTransfer(doc);
    } catch (StagingException e) {
      throw wrap("cannot submit the transfer of", named, e);
    }
    log.debug("{} -> {}: Globus task {}", from, to, taskId);
    try {
      await(taskId, progress, named);
      return taskId;
    } catch (TaskFailed e) {
      throw e;
    } catch (StagingException e) {
      // the wait ended before the task did (interrupt, timeout, fail-fast status): stop it
      boolean interrupted = Thread.interrupted();
      api.cancel(taskId);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  private void await(String taskId, CopyProgress progress, URI named) {
    var deadline = waits.now().plus(options.taskTimeout());
    Duration wait = options.pollInitial();
    String what = "Globus task " + taskId + " for " + Stagers.redact(named);
    while (true) {
      JsonNode task;
      try {
        task = api.task(taskId);
      } catch (StagingException e) {
        throw wrap("lost track of the transfer of", named, e);
      }
      progress.update(
          task.path("bytes_transferred").asLong(0),
          -1,
          task.path("files_transferred").asLong(0),
          task.path("files").asLong(-1));
      String status = task.path("status").asText("");
      if (status.equals("SUCCEEDED")) {
        return;
      }
      if (status.equals("FAILED")) {
        throw failedTask(what, task);
      }
      String nice = task.path("nice_status").asText("");
      if (options.failFastStatuses().contains(nice)) {
        String details = task.path("nice_status_short_description").asText(nice);
        throw new StagingException(
            reasonOf(nice),
            what + " stopped making progress: " + nice + " (" + details + ")",
            false,
            null);
      }
      if (!waits.now().isBefore(deadline)) {
        throw new StagingException(
            Reason.FAILED,
            what
                + " did not finish within "
                + options.taskTimeout()
                + " (status "
                + status
                + (nice.isEmpty() ? "" : ", " + nice)
                + ")",
            true,
            null);
      }
      Retries.sleep(waits, wait, what);
      wait =
          wait.multipliedBy(2).compareTo(options.pollMax()) > 0
              ? options.pollMax()
              : wait.multipliedBy(2);
    }
  }

  /** The task itself ended as FAILED; nothing to cancel. */
  private static final class TaskFailed extends StagingException {
    TaskFailed(Reason reason, String message, boolean retryable) {
      super(reason, message, retryable, null);
    }
  }

  private static StagingException failedTask(String what, JsonNode task) {
    JsonNode fatal = task.path("fatal_error");
    String code = fatal.path("code").asText(task.path("nice_status").asText("UNKNOWN"));
    String description = fatal.path("description").asText("");
    Reason reason = reasonOf(code);
    boolean retryable =
        code.equals("EXPIRED")
            || code.equals("CONNECT_FAILED")
            || code.equals("ENDPOINT_TOO_BUSY")
            || code.equals("TIMEOUT");
    return new TaskFailed(
        reason,
        what
            + " FAILED: "
            + code
            + (description.isEmpty() ? "" : ": " + GlobusApi.clip(description)),
        retryable);
  }

  private static Reason reasonOf(String code) {
    return switch (code) {
      case "FILE_NOT_FOUND" -> Reason.NOT_FOUND;
      case "PERMISSION_DENIED", "NO_CREDENTIALS", "AUTH" -> Reason.DENIED;
      case "VERIFY_CHECKSUM", "EXTERNAL_CHECKSUM_MISMATCH", "FILE_SIZE_CHANGED" -> Reason.CORRUPT;
      case "CANCELED" -> Reason.CANCELLED;
      case "IS_A_DIRECTORY", "NOT_A_FILE", "NOT_A_DIRECTORY", "INVALID_PATH_NAME" -> Reason.INVALID;
      default -> Reason.FAILED;
    };
  }

  private static StagingException wrap(String doing, URI url, StagingException e) {
    StagingException w =
        new StagingException(
            e.reason(),
            doing + " " + Stagers.redact(url) + ": " + e.getMessage(),
            e.isRetryable(),
            e);
    return w;
  }

  private Path localRoot(URI url) {
    if (!options.hasLocalEndpoint()) {
      throw new StagingException(
          Reason.INVALID,
          "cannot stage "
              + Stagers.redact(url)
              + ": this node has no Globus collection"
              + " (set the globus stager's localEndpoint and localRoot)",
          false,
          null);
    }
    return options.localRoot();
  }

  /** The location of a local file on this node's collection. */
  private GlobusUrl local(Path root, Path file, URI named) {
    Path abs = file.toAbsolutePath().normalize();
    Path realRoot;
    Path realFile;
    try {
      realRoot = root.toRealPath();
      realFile = abs.getParent().toRealPath().resolve(abs.getFileName());
    } catch (IOException e) {
      throw new StagingException(
          Reason.INVALID,
          "cannot resolve " + abs + " for " + Stagers.redact(named) + ": " + e,
          false,
          e);
    }
    if (!realFile.startsWith(realRoot)) {
      throw new StagingException(
          Reason.INVALID,
          "cannot stage "
              + Stagers.redact(named)
              + " to or from "
              + abs
              + ": it is not below the local Globus collection root "
              + root,
          false,
          null);
    }
    StringBuilder path = new StringBuilder();
    for (Path segment : realRoot.relativize(realFile)) {
      path.append('/').append(segment);
    }
    return new GlobusUrl(options.localEndpoint(), path.length() == 0 ? "/" : path.toString());
  }
}
