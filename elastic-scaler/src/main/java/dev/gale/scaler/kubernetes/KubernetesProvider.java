package dev.gale.scaler.kubernetes;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.ProviderException;
import dev.gale.scaler.spi.Provider;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block = one pod (restart policy {@code Never}) running the block command, labelled {@code
 * app.kubernetes.io/managed-by=gale}, {@code gale.dev/pool=<pool>}, {@code gale.dev/block=<id>}.
 * The block id is the pod's name: {@code gale-<pool>-<instance>-<n>}, where {@code <instance>} is
 * random per provider, so ids are never reused, not even after the scaler restarts.
 *
 * <p><b>Submit</b> creates a Secret {@code <id>-env} with the command's environment (the worker
 * token), then the pod, whose variables are {@code secretKeyRef}s to it, then makes the pod the
 * Secret's owner so that Kubernetes deletes the Secret with the pod.
 *
 * <p><b>Status</b> lists the pool's pods with one label-selector call (never one call per block)
 * and translates each through {@link PodStates}. A pod that is gone is {@code CANCELLED} when this
 * provider deleted it, else {@code MISSING} (deleted from outside, or never ours). A block that
 * fails while its pod is still pending (an image that cannot be pulled) has its pod deleted, so
 * that a terminal state stays terminal.
 *
 * <p><b>Cancel</b> lists the pool's pods, then deletes the asked ones that exist with the grace
 * period (the worker gets SIGTERM, drains, then SIGKILL) and their Secrets; a 404 (already gone) is
 * fine. Ids that are not pods of this pool are ignored, so a stray id can never delete another pod.
 * A pod that had already ended by itself is deleted too (clean-up), but its block keeps the state
 * it ended in.
 *
 * <p>The API client is built on first use, not at construction ({@link ApiConnector}). Failed calls
 * become {@link ProviderException}s with the HTTP status and the API server's message ({@link
 * ApiErrors}). Thread-safe.
 */
public final class KubernetesProvider implements Provider {
  /** The provider key. */
  public static final String KEY = "kubernetes";

  private static final Logger log = LoggerFactory.getLogger(KubernetesProvider.class);
  private static final int POOL_SLUG = 30;

  private final String pool;
  private final KubernetesOptions options;
  private final PodTemplate template;
  private final ApiConnector connector;
  private final InstantSource clock;
  private final String idPrefix;
  private final String poolPrefix;
  private final Set<String> secrets;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, Instant> submitted = new ConcurrentHashMap<>();
  private final Map<String, Instant> cancelled = new ConcurrentHashMap<>();
  private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();
  private final Map<String, BlockStatus> finished = new ConcurrentHashMap<>();
  private volatile ApiConnector.Connection connection;

  /**
   * A provider; does no I/O.
   *
   * @param pool the pool its blocks serve (a valid label value, see {@link
   *     KubernetesOptions#parse})
   * @param options the validated options
   * @param command what each block's pod runs
   */
  public KubernetesProvider(String pool, KubernetesOptions options, BlockCommand command) {
    this(pool, options, command, ApiConnector.fromEnvironment(options), InstantSource.system());
  }

  KubernetesProvider(
      String pool,
      KubernetesOptions options,
      BlockCommand command,
      ApiConnector connector,
      InstantSource clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.options = Objects.requireNonNull(options, "options");
    this.template = new PodTemplate(pool, options, Objects.requireNonNull(command, "command"));
    this.connector = connector;
    this.clock = clock;
    this.poolPrefix = "gale-" + KubernetesNames.slug(pool, POOL_SLUG) + "-";
    this.idPrefix = poolPrefix + randomTag() + "-";
    this.secrets = new HashSet<>(command.env().values());
  }

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public String submit(BlockRequest request) {
    if (request.nodes() != 1) {
      throw new ProviderException(
          "a kubernetes block is one pod: nodesPerBlock must be 1, got " + request.nodes(),
          false,
          null);
    }
    String id = idPrefix + seq.incrementAndGet();
    ApiConnector.Connection c = connection();
    CoreV1Api api = new CoreV1Api(c.client());
    String ns = c.namespace();
    Set<String> mask = new HashSet<>(secrets);
    mask.addAll(template.envValues(id, request));
    V1Secret secret = template.secret(id, request);
    V1Secret createdSecret = null;
    if (secret != null) {
      try {
        createdSecret = api.createNamespacedSecret(ns, secret).execute();
      } catch (ApiException e) {
        throw ApiErrors.of(
            "create secret " + secret.getMetadata().getName() + " in namespace " + ns, e, mask);
      }
    }
    V1Pod pod;
    try {
      pod = api.createNamespacedPod(ns, template.pod(id, request)).execute();
    } catch (ApiException e) {
      if (createdSecret != null) {
        deleteSecret(api, ns, id, mask);
      }
      throw ApiErrors.of("create pod " + id + " in namespace " + ns, e, mask);
    }
    submitted.put(id, clock.instant());
    if (createdSecret != null) {
      own(api, ns, createdSecret, pod, mask);
    }
    log.info("block {} of pool {} submitted as pod {}/{}", id, pool, ns, id);
    return id;
  }

  /** The pod's name, which is the block id. */
  @Override
  public Optional<String> jobId(String blockId) {
    return submitted.containsKey(blockId) ? Optional.of(blockId) : Optional.empty();
  }

  /**
   * Adopts a pod of this pool created by another instance (status and cancel find pods by label, so
   * nothing else is needed). Does no I/O; a pod that is gone reports {@code MISSING} at the next
   * status.
   */
  @Override
  public boolean adopt(BlockRecord record) {
    if (!record.id().startsWith(poolPrefix)) {
      return false;
    }
    if (submitted.putIfAbsent(record.id(), record.submittedAt()) == null) {
      log.info("block {} of pool {}: adopted pod {}", record.id(), pool, record.id());
    }
    return true;
  }

  @Override
  public Map<String, BlockStatus> status(Collection<String> ids) {
    Map<String, BlockStatus> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    Map<String, V1Pod> pods = listPods("list pods");
    Instant now = clock.instant();
    for (String id : ids) {
      V1Pod pod = pods.get(id);
      if (pod == null) {
        out.put(id, gone(id, now));
        continue;
      }
      BlockStatus s = present(id, pod, now);
      out.put(id, s);
      if (s.isTerminal() && !cancelled.containsKey(id) && !PodStates.ended(pod)) {
        reap(id, s);
      }
    }
    return out;
  }

  /**
   * Deletes the pod of a block that failed before its pod ended (an image that cannot be pulled):
   * the kubelet would keep trying, and a worker starting later would belong to no block.
   */
  private void reap(String id, BlockStatus failed) {
    finished.putIfAbsent(id, failed);
    ApiConnector.Connection c = connection();
    CoreV1Api api = new CoreV1Api(c.client());
    try {
      api.deleteNamespacedPod(id, c.namespace()).execute();
      log.info("block {} of pool {} {}: pod deleted", id, pool, failed.message());
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        log.warn(
            "pool {}: cannot delete pod {} of failed block: {}",
            pool,
            id,
            ApiErrors.of("delete pod " + id, e, secrets).getMessage());
        return;
      }
    }
    deleteSecret(api, c.namespace(), id, secrets);
  }

  @Override
  public void cancel(Collection<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    Map<String, V1Pod> pods = listPods("list pods to cancel");
    ApiConnector.Connection c = connection();
    CoreV1Api api = new CoreV1Api(c.client());
    String ns = c.namespace();
    Instant now = clock.instant();
    ProviderException failure = null;
    for (String id : new LinkedHashSet<>(ids)) {
      V1Pod pod = pods.get(id);
      if (pod == null
          || (cancelled.containsKey(id) && pod.getMetadata().getDeletionTimestamp() != null)) {
        continue; // gone, never ours, or already being deleted by us
      }
      BlockStatus s = PodStates.translate(pod, now, options.imagePullGrace());
      boolean endedByItself = s.isTerminal() && !cancelled.containsKey(id);
      try {
        api.deleteNamespacedPod(id, ns)
            .gracePeriodSeconds((int) options.gracePeriod().toSeconds())
            .execute();
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          ProviderException p =
              ApiErrors.of("delete pod " + id + " in namespace " + ns, e, secrets);
          if (failure == null) {
            failure = p;
          } else {
            failure.addSuppressed(p);
          }
          continue;
        }
      }
      if (endedByItself) {
        // a finished block keeps the state it ended in; deleting its pod only cleans up
        finished.put(id, s);
      } else {
        cancelled.putIfAbsent(id, now);
      }
      log.info("block {} of pool {}: pod {}/{} deleted", id, pool, ns, id);
      deleteSecret(api, ns, id, secrets);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private BlockStatus present(String id, V1Pod pod, Instant now) {
    missingSince.remove(id);
    BlockStatus ended = finished.get(id);
    if (ended != null) {
      return ended;
    }
    BlockStatus s = PodStates.translate(pod, now, options.imagePullGrace());
    Instant cancelledAt = cancelled.get(id);
    if (cancelledAt != null) {
      if (s.isTerminal()) {
        return new BlockStatus(
            BlockState.CANCELLED,
            "cancelled; pod ended " + s.state() + (s.message() == null ? "" : ": " + s.message()),
            cancelledAt);
      }
      return new BlockStatus(s.state(), "stopping (pod deleted, grace period running)", s.since());
    }
    if (!s.isTerminal() && pod.getMetadata().getDeletionTimestamp() != null) {
      return new BlockStatus(
          s.state(),
          "pod being deleted outside Gale" + (s.message() == null ? "" : "; " + s.message()),
          s.since());
    }
    return s;
  }

  private BlockStatus gone(String id, Instant now) {
    BlockStatus ended = finished.get(id);
    if (ended != null) {
      return ended;
    }
    Instant cancelledAt = cancelled.get(id);
    if (cancelledAt != null) {
      return new BlockStatus(BlockState.CANCELLED, "cancelled; pod deleted", cancelledAt);
    }
    Instant since = missingSince.computeIfAbsent(id, k -> now);
    String message =
        submitted.containsKey(id)
            ? "pod " + id + " was deleted outside Gale"
            : "no pod " + id + " in pool " + pool;
    return new BlockStatus(BlockState.MISSING, message, since);
  }

  /** The pool's pods by block id, with one list call. */
  private Map<String, V1Pod> listPods(String what) {
    ApiConnector.Connection c = connection();
    List<V1Pod> items;
    try {
      items =
          new CoreV1Api(c.client())
              .listNamespacedPod(c.namespace())
              .labelSelector(template.poolSelector())
              .execute()
              .getItems();
    } catch (ApiException e) {
      throw ApiErrors.of(what + " of pool " + pool + " in namespace " + c.namespace(), e, secrets);
    }
    Map<String, V1Pod> byId = new HashMap<>();
    for (V1Pod p : items) {
      Map<String, String> labels = p.getMetadata().getLabels();
      String id = labels == null ? null : labels.get(PodTemplate.BLOCK_LABEL);
      if (id != null) {
        byId.put(id, p);
      }
    }
    return byId;
  }

  private void own(CoreV1Api api, String ns, V1Secret secret, V1Pod pod, Set<String> mask) {
    String name = secret.getMetadata().getName();
    try {
      api.replaceNamespacedSecret(name, ns, PodTemplate.ownedBy(secret, pod)).execute();
    } catch (ApiException e) {
      // the pod runs regardless; cancel deletes the Secret explicitly
      log.warn(
          "pool {}: cannot make pod {} the owner of secret {}: {}",
          pool,
          pod.getMetadata().getName(),
          name,
          ApiErrors.of("update secret " + name, e, mask).getMessage());
    }
  }

  private void deleteSecret(CoreV1Api api, String ns, String id, Set<String> mask) {
    String name = PodTemplate.secretName(id);
    try {
      api.deleteNamespacedSecret(name, ns).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        log.warn(
            "pool {}: cannot delete secret {}: {}",
            pool,
            name,
            ApiErrors.of("delete secret " + name, e, mask).getMessage());
      }
    }
  }

  private ApiConnector.Connection connection() {
    ApiConnector.Connection c = connection;
    if (c == null) {
      synchronized (this) {
        c = connection;
        if (c == null) {
          c = connector.connect();
          log.info(
              "pool {}: kubernetes API {} ({}), namespace {}",
              pool,
              c.client().getBasePath(),
              c.source(),
              c.namespace());
          connection = c;
        }
      }
    }
    return c;
  }

  private static String randomTag() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder b = new StringBuilder(6);
    b.append(alphabet.charAt(r.nextInt(26)));
    for (int i = 1; i < 6; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
