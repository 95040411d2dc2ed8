package dev.gale.gateway.auth;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Role;
import dev.gale.api.TokenRecord;
import dev.gale.scheduler.Scheduler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Mints and verifies bearer tokens. A secret is {@code gale_} followed by 43 base64url characters
 * (256 random bits); only its SHA-256, as lower-case hex, is stored ({@link Scheduler#putToken}),
 * so a leaked store reveals no usable secret.
 *
 * <p>Verification is on every request's path, so verified hashes are cached for a short time
 * ({@link #DEFAULT_CACHE_TTL}); tokens are never revoked, so a cached entry cannot go stale in a
 * way that grants more than the store would. Unknown secrets are not cached.
 *
 * <p><b>Threading.</b> Thread-safe. {@link #mint} and {@link #verify} may call the scheduler and
 * block: never call them on an event loop. {@link #cached} and {@link #hash} never block.
 */
public final class TokenService {
  /** How long a verified token is answered from memory. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);

  /** Prefix of every secret. */
  public static final String PREFIX = "gale_";

  private static final Pattern SECRET = Pattern.compile("gale_[A-Za-z0-9_-]{43}");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,199}");
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final int MAX_CACHED = 100_000;

  private final Scheduler scheduler;
  private final Duration cacheTtl;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(TokenRecord token, Instant expires) {}

  /** A service on this scheduler's token store, caching for {@link #DEFAULT_CACHE_TTL}. */
  public TokenService(Scheduler scheduler) {
    this(scheduler, DEFAULT_CACHE_TTL, InstantSource.system());
  }

  /**
   * A service with an explicit cache lifetime and clock (for tests).
   *
   * @param cacheTtl how long verified tokens stay cached; zero disables the cache
   */
  public TokenService(Scheduler scheduler, Duration cacheTtl, InstantSource clock) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Creates a token and stores its hash. The returned secret is the only copy.
   *
   * @param tenant the tenant it acts for: 1–200 of letters, digits and {@code . _ @ -}
   * @param role what it may do
   * @param pool for a worker token, the only pool it may serve, or null for any; must be null for
   *     other roles
   * @return the secret, {@code gale_<43 base64url characters>}
   * @throws InvalidRequestException naming the field when tenant or pool is invalid
   */
  public String mint(String tenant, Role role, String pool) {
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw invalid(
          "tenant",
          "tenant must be 1-200 characters of letters, digits and . _ @ - (starting with a"
              + " letter or digit)");
    }
    if (role == null) {
      throw invalid("role", "role must be one of user, worker, admin");
    }
    if (pool != null) {
      if (role != Role.WORKER) {
        throw invalid("pool", "pool may only be given for worker tokens");
      }
      if (!POOL.matcher(pool).matches()) {
        throw invalid(
            "pool", "pool must be 1-100 characters of letters, digits and . _ - (no leading mark)");
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    TokenRecord record = new TokenRecord(hash(secret), tenant, role, pool, clock.instant());
    scheduler.putToken(record);
    remember(record);
    return secret;
  }

  /**
   * Stores a secret chosen by the operator (from a Kubernetes Secret, say) as a token; idempotent.
   * Lets a deployment know its admin token before the service starts.
   *
   * @throws InvalidRequestException when the secret is not of the form {@code gale_<43 base64url
   *     characters>}, or the tenant is invalid
   */
  public void register(String secret, String tenant, Role role) {
    if (!wellFormed(secret)) {
      throw invalid(
          "token", "a token must be gale_ followed by 43 base64url characters (see gale token)");
    }
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw invalid("tenant", "tenant must be 1-200 characters of letters, digits and . _ @ -");
    }
    if (scheduler.findToken(hash(secret)).isPresent()) {
      return;
    }
    TokenRecord record = new TokenRecord(hash(secret), tenant, role, null, clock.instant());
    scheduler.putToken(record);
    remember(record);
  }

  /**
   * The token behind a secret, from the cache or the store.
   *
   * @return empty when the secret is malformed or unknown
   */
  public Optional<TokenRecord> verify(String secret) {
    if (!wellFormed(secret)) {
      return Optional.empty();
    }
    String hash = hash(secret);
    TokenRecord hit = lookup(hash);
    if (hit != null) {
      return Optional.of(hit);
    }
    Optional<TokenRecord> found = scheduler.findToken(hash);
    found.ifPresent(this::remember);
    return found;
  }

  /**
   * The token behind a secret if it is in the cache; never blocks. Empty means "not cached", not
   * "unknown": call {@link #verify} off the event loop to decide.
   */
  public Optional<TokenRecord> cached(String secret) {
    if (!wellFormed(secret)) {
      return Optional.empty();
    }
    return Optional.ofNullable(lookup(hash(secret)));
  }

  /** True when the secret has the shape of a minted one (checked before any hashing or lookup). */
  public static boolean wellFormed(String secret) {
    return secret != null && SECRET.matcher(secret).matches();
  }

  /** Lower-case hex SHA-256 of the secret's UTF-8 bytes: the stored form. */
  public static String hash(String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private TokenRecord lookup(String hash) {
    Cached c = cache.get(hash);
    if (c == null) {
      return null;
    }
    if (clock.instant().isAfter(c.expires())) {
      cache.remove(hash, c);
      return null;
    }
    return c.token();
  }

  private void remember(TokenRecord record) {
    if (cacheTtl.isZero() || cacheTtl.isNegative()) {
      return;
    }
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(record.hash(), new Cached(record, clock.instant().plus(cacheTtl)));
  }

  private static InvalidRequestException invalid(String field, String message) {
    return new InvalidRequestException(
        "invalid_request", message, dev.gale.api.Json.object().put("field", field));
  }
}
