package dev.gale.transfer.staging;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.Urls;
import dev.gale.transfer.spi.ObjectInfo;
import dev.gale.transfer.spi.Stager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Stages a task's files on a node: inputs named by {@code {"$file": url}} in its args before it
 * runs, the function's {@code outputs} after it succeeds, and large results to {@code resultTo}.
 *
 * <pre>
 * stageIn:  find refs ── stat each URL (parallel) ── size limits ── fetch each (parallel):
 *           cache hit? copy from cache : download (into the cache when the store gives a version)
 *           ── args with each ref replaced by the local path
 * stageOut: each output path (inside the working directory) ── fill {arg} placeholders ── upload
 * offload:  result bytes ── spool file ── upload to resultTo/name ── {"$ref_url", size, sha256}
 * </pre>
 *
 * <p>Every failure is a {@link StagingException} (code {@code staging_failed}) whose message names
 * where in the args or outputs it happened, the redacted URL and the cause, and whose {@link
 * StagingException#reason()} tells a missing object from a refused path or a limit. An interrupt of
 * the calling thread cancels the transfers in flight and fails with reason {@code CANCELLED}.
 *
 * <p>One engine serves a whole node: {@link StagingOptions#parallelism()} transfers run at once
 * across all tasks, on the engine's own threads. Thread-safe; the calling threads block.
 */
public final class StagingEngine implements AutoCloseable {
  private final Stagers stagers;
  private final StagingOptions options;
  private final StagingCache cache;
  private final ExecutorService pool;

  /** An engine over the given stagers. Starts its threads; touches no files. */
  public StagingEngine(Stagers stagers, StagingOptions options) {
    this.stagers = stagers;
    this.options = options;
    this.cache =
        options.cacheDir() == null
            ? null
            : new StagingCache(options.cacheDir(), options.maxCacheBytes());
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            options.parallelism(),
            r -> {
              Thread t = new Thread(r, "gale-staging-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The options this engine runs with. */
  public StagingOptions options() {
    return options;
  }

  /** One distinct URL to fetch, and the refs that name it. */
  private record Planned(URI url, String name, List<FileRef> refs) {
    String where() {
      return refs.get(0).location();
    }
  }

  /**
   * Stages every {@code $file} in {@code args} into {@code workDir} (created if needed) and returns
   * the args with each ref replaced by the absolute local path. The same URL named twice is fetched
   * once. Args without refs come back as they are.
   */
  public StagedInputs stageIn(JsonNode args, Path workDir) {
    List<FileRef> refs = FileRefs.find(args);
    if (refs.isEmpty()) {
      return new StagedInputs(args, List.of());
    }
    Path dir = directory(workDir);
    List<Planned> plan = plan(refs);
    List<ObjectInfo> infos =
        all(plan.stream().map(p -> (Callable<ObjectInfo>) () -> stat(p)).toList());
    long known = 0;
    for (int i = 0; i < plan.size(); i++) {
      ObjectInfo info = infos.get(i);
      if (info.hasSize()) {
        requireSize(plan.get(i), info.size());
        known += info.size();
      }
    }
    if (known > options.maxTotalInputBytes()) {
      throw totalTooLarge(known);
    }
    List<Callable<StagedInputs.File>> fetches = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      ObjectInfo info = infos.get(i);
      fetches.add(() -> fetch(p, info, dir));
    }
    List<StagedInputs.File> files = all(fetches);
    long total = files.stream().mapToLong(StagedInputs.File::bytes).sum();
    if (total > options.maxTotalInputBytes()) {
      throw totalTooLarge(total);
    }
    Map<JsonPointer, String> paths = new LinkedHashMap<>();
    for (int i = 0; i < plan.size(); i++) {
      for (FileRef r : plan.get(i).refs()) {
        paths.put(r.at(), files.get(i).path().toString());
      }
    }
    return new StagedInputs(FileRefs.replace(args, paths), files);
  }

  /**
   * Uploads a function's outputs from {@code workDir} after a successful run, filling each {@code
   * {name}} in a destination from the top-level {@code args}.
   *
   * @param outputs the function's {@code outputs} array (see {@link OutputSpec}); null for none
   */
  public List<StagedOutput> stageOut(JsonNode outputs, JsonNode args, Path workDir) {
    List<OutputSpec> specs;
    try {
      specs = OutputSpec.parseAll(outputs);
    } catch (InvalidRequestException e) {
      throw new StagingException(Reason.INVALID, e.getMessage(), false, null);
    }
    return stageOut(specs, OutputSpec.variables(args), workDir);
  }

  /** Uploads outputs with the given placeholder values; files are uploaded in parallel. */
  public List<StagedOutput> stageOut(
      List<OutputSpec> outputs, Map<String, String> variables, Path workDir) {
    Path dir = directory(workDir);
    Path real = realPath(dir);
    List<Callable<StagedOutput>> uploads = new ArrayList<>();
    for (OutputSpec spec : outputs) {
      String where = "output " + spec.path();
      Path local = LocalNames.inside(dir, spec.path(), where);
      if (!Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
        if (spec.optional()) {
          continue;
        }
        throw new StagingException(
            Reason.NOT_FOUND,
            where + " was not produced (no such file in the working directory)",
            false,
            null);
      }
      if (!realPath(local).startsWith(real)) {
        throw new StagingException(
            Reason.INVALID, where + " leads outside the working directory", false, null);
      }
      URI to = Urls.parse(spec.destination(variables), where + "'s destination");
      Stager stager = stager(to, where);
      if (Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
        for (Path f : regularFiles(local)) {
          String rel =
              local.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
          URI child = Urls.child(to, rel);
          String relToDir = dir.relativize(f).toString();
          uploads.add(() -> upload(stager, f, child, relToDir));
        }
      } else {
        uploads.add(() -> upload(stager, local, to, spec.path()));
      }
    }
    return all(uploads);
  }

  /**
   * Uploads a result's JSON bytes to {@code resultTo}/{@code objectName} and returns the reference
   * that stands for it (see {@link ResultRefs}).
   */
  public ObjectNode offloadResult(byte[] json, String resultTo, String objectName) {
    URI prefix = Urls.parse(resultTo, "resultTo");
    URI to = Urls.child(prefix, LocalNames.requirePlain(objectName, "the result's object name"));
    Stager stager = stager(to, "resultTo");
    Path spool = null;
    try {
      Files.createDirectories(options.spoolDir());
      spool = Files.createTempFile(options.spoolDir(), "gale-result-", ".json");
      Files.write(spool, json);
      stager.stageOut(spool, to);
    } catch (IOException e) {
      throw new StagingException(
          "cannot spool a result for " + Stagers.redact(to) + ": " + e, false, e);
    } catch (StagingException e) {
      throw wrap("cannot offload the result to " + Stagers.redact(to), e);
    } finally {
      deleteQuietly(spool);
    }
    return ResultRefs.of(Stagers.redact(to), json.length, sha256(json));
  }

  /**
   * Reads back an offloaded result, checking its size and SHA-256.
   *
   * @throws StagingException with reason {@code TOO_LARGE} above {@code maxBytes}, {@code CORRUPT}
   *     when the bytes do not match the reference
   */
  public byte[] fetchResult(JsonNode ref, long maxBytes) {
    if (!ResultRefs.isRef(ref)) {
      throw new StagingException(Reason.INVALID, "not a result reference", false, null);
    }
    URI url = Urls.parse(ref.path(ResultRefs.REF_URL).asText(), "$ref_url");
    long size = ref.path("size").asLong();
    if (size > maxBytes) {
      throw new StagingException(
          Reason.TOO_LARGE,
          "the result at " + Stagers.redact(url) + " has " + size + " bytes, more than " + maxBytes,
          false,
          null);
    }
    Path spool = null;
    try {
      Files.createDirectories(options.spoolDir());
      spool = Files.createTempFile(options.spoolDir(), "gale-result-", ".json");
      stager(url, "$ref_url").stageIn(url, spool);
      byte[] bytes = Files.readAllBytes(spool);
      if (bytes.length != size || !sha256(bytes).equals(ref.path("sha256").asText())) {
        throw new StagingException(
            Reason.CORRUPT,
            "the result at " + Stagers.redact(url) + " does not match its size and sha256",
            false,
            null);
      }
      return bytes;
    } catch (IOException e) {
      throw new StagingException(
          "cannot read the result at " + Stagers.redact(url) + ": " + e, true, e);
    } finally {
      deleteQuietly(spool);
    }
  }

  /** Stops the engine's threads; transfers in flight are interrupted. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  private List<Planned> plan(List<FileRef> refs) {
    Map<String, List<FileRef>> byUrl = new LinkedHashMap<>();
    for (FileRef r : refs) {
      byUrl.computeIfAbsent(r.url().toString(), k -> new ArrayList<>()).add(r);
    }
    LocalNames names = LocalNames.forTask();
    Map<String, String> explicit = new LinkedHashMap<>();
    for (Map.Entry<String, List<FileRef>> e : byUrl.entrySet()) {
      String name = null;
      for (FileRef r : e.getValue()) {
        if (r.name() != null && name != null && !name.equals(r.name())) {
          throw new StagingException(
              Reason.INVALID,
              r.location()
                  + " gives "
                  + Stagers.redact(r.url())
                  + " the name '"
                  + r.name()
                  + "', another ref gives it '"
                  + name
                  + "'",
              false,
              null);
        }
        name = r.name() != null ? r.name() : name;
      }
      if (name != null) {
        explicit.put(e.getKey(), names.reserve(name, e.getValue().get(0).location() + ".name"));
      }
    }
    List<Planned> plan = new ArrayList<>();
    for (Map.Entry<String, List<FileRef>> e : byUrl.entrySet()) {
      URI url = e.getValue().get(0).url();
      String name = explicit.containsKey(e.getKey()) ? explicit.get(e.getKey()) : names.derive(url);
      plan.add(new Planned(url, name, e.getValue()));
    }
    return plan;
  }

  private ObjectInfo stat(Planned p) {
    try {
      return stager(p.url(), p.where()).stat(p.url());
    } catch (StagingException e) {
      throw wrap("cannot stage " + p.where() + " (" + Stagers.redact(p.url()) + ")", e);
    }
  }

  private StagedInputs.File fetch(Planned p, ObjectInfo info, Path dir) {
    String what = "cannot stage " + p.where() + " (" + Stagers.redact(p.url()) + ")";
    Path target = LocalNames.inside(dir, p.name(), p.where());
    Stager stager = stager(p.url(), p.where());
    boolean cached = false;
    try {
      if (cache != null
          && info.version() != null
          && (!info.hasSize() || info.size() <= options.maxCacheBytes())) {
        String key = StagingCache.key(p.url(), info.version());
        cached =
            cache.copyInto(
                key,
                target,
                file -> {
                  long n = stager.stageIn(p.url(), file);
                  try {
                    requireSize(p, n);
                    // the object may have been replaced between stat and download: never file
                    // new bytes under the old version
                    ObjectInfo after = stager.stat(p.url());
                    if (!Objects.equals(after.version(), info.version())) {
                      throw new StagingException(
                          Reason.FAILED,
                          "it changed while it was being staged; try again",
                          true,
                          null);
                    }
                    return n;
                  } catch (RuntimeException e) {
                    deleteQuietly(file);
                    throw e;
                  }
                });
      } else {
        stager.stageIn(p.url(), target);
      }
      long bytes = Files.size(target);
      if (bytes > options.maxInputBytes()) {
        deleteQuietly(target);
        requireSize(p, bytes);
      }
      return new StagedInputs.File(Stagers.redact(p.url()), target, bytes, cached);
    } catch (StagingException e) {
      throw e.getMessage().startsWith("cannot stage " + p.where()) ? e : wrap(what, e);
    } catch (IOException e) {
      throw new StagingException(what + ": " + e, false, e);
    }
  }

  private void requireSize(Planned p, long size) {
    if (size > options.maxInputBytes()) {
      throw new StagingException(
          Reason.TOO_LARGE,
          "cannot stage "
              + p.where()
              + " ("
              + Stagers.redact(p.url())
              + "): it has "
              + size
              + " bytes, more than the limit of "
              + options.maxInputBytes()
              + " per input",
          false,
          null);
    }
  }

  private StagingException totalTooLarge(long total) {
    return new StagingException(
        Reason.TOO_LARGE,
        "the task's inputs have "
            + total
            + " bytes, more than the limit of "
            + options.maxTotalInputBytes()
            + " per task",
        false,
        null);
  }

  private StagedOutput upload(Stager stager, Path file, URI to, String relative) {
    try {
      long bytes = stager.stageOut(file, to);
      return new StagedOutput(relative, Stagers.redact(to), bytes);
    } catch (StagingException e) {
      throw wrap("cannot stage out output " + relative + " to " + Stagers.redact(to), e);
    }
  }

  private Stager stager(URI url, String where) {
    try {
      return stagers.forUrl(url);
    } catch (StagingException e) {
      throw wrap("cannot stage " + where, e);
    }
  }

  /** Runs the calls on the pool; the results in order, or the first failure (others cancelled). */
  private <T> List<T> all(List<Callable<T>> calls) {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> c : calls) {
      futures.add(pool.submit(c));
    }
    List<T> results = new ArrayList<>();
    try {
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new StagingException(Reason.CANCELLED, "staging was interrupted", true, e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable cause = e.getCause();
      if (cause instanceof StagingException se) {
        throw se;
      }
      throw new StagingException("staging failed: " + cause, false, cause);
    }
  }

  private static StagingException wrap(String what, StagingException e) {
    return new StagingException(e.reason(), what + ": " + e.getMessage(), e.isRetryable(), e);
  }

  private static Path directory(Path workDir) {
    Path dir = workDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StagingException("cannot create the working directory " + dir + ": " + e, false, e);
    }
    return dir;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new StagingException("cannot resolve " + p + ": " + e, false, e);
    }
  }

  private static List<Path> regularFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      throw new StagingException("cannot list the output directory " + dir + ": " + e, false, e);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover spool or part file is harmless
      }
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
