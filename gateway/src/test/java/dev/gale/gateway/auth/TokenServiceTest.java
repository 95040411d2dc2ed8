package dev.gale.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Role;
import dev.gale.api.TokenRecord;
import dev.gale.gateway.testing.FakeScheduler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private final FakeScheduler store = new FakeScheduler();
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  private final InstantSource clock = () -> now.get();
  private final TokenService tokens = new TokenService(store, Duration.ofSeconds(60), clock);

  @Test
  void mintedSecretsHaveThePrefixAnd43Base64UrlCharacters() {
    String secret = tokens.mint("acme", Role.USER, null);
    assertThat(secret).matches("gale_[A-Za-z0-9_-]{43}");
    assertThat(tokens.mint("acme", Role.USER, null)).isNotEqualTo(secret);
  }

  @Test
  void onlyTheSha256HexOfTheSecretIsStored() throws Exception {
    String secret = tokens.mint("acme", Role.ADMIN, null);
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
    assertThat(store.tokens).containsOnlyKeys(expected);
    TokenRecord r = store.tokens.get(expected);
    assertThat(r.hash()).isEqualTo(expected).isEqualTo(TokenService.hash(secret));
    assertThat(r.toString()).doesNotContain(secret);
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.role()).isEqualTo(Role.ADMIN);
    assertThat(r.createdAt()).isEqualTo(now.get());
  }

  @Test
  void verifyFindsTheTokenWithItsRoleTenantAndPool() {
    String secret = tokens.mint("acme", Role.WORKER, "gpu");
    TokenRecord r = new TokenService(store).verify(secret).orElseThrow();
    assertThat(r.role()).isEqualTo(Role.WORKER);
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.pool()).isEqualTo("gpu");
  }

  @Test
  void unknownAndMalformedSecretsAreNotVerifiedAndMalformedOnesNeverReachTheStore() {
    assertThat(tokens.verify("gale_" + "x".repeat(43))).isEmpty();
    assertThat(store.tokenLookups.get()).isEqualTo(1);
    assertThat(tokens.verify("nope")).isEmpty();
    assertThat(tokens.verify(null)).isEmpty();
    assertThat(tokens.verify("gale_short")).isEmpty();
    assertThat(store.tokenLookups.get()).isEqualTo(1);
  }

  @Test
  void verifiedTokensAreAnsweredFromTheCacheUntilItExpires() {
    String secret = tokens.mint("acme", Role.USER, null);
    TokenService fresh = new TokenService(store, Duration.ofSeconds(60), clock);
    assertThat(fresh.cached(secret)).isEmpty();
    assertThat(fresh.verify(secret)).isPresent();
    assertThat(fresh.verify(secret)).isPresent();
    assertThat(fresh.cached(secret)).isPresent();
    assertThat(store.tokenLookups.get()).isEqualTo(1);

    now.set(now.get().plusSeconds(61));
    assertThat(fresh.cached(secret)).isEmpty();
    assertThat(fresh.verify(secret)).isPresent();
    assertThat(store.tokenLookups.get()).isEqualTo(2);
  }

  @Test
  void aPoolIsOnlyForWorkerTokensAndTenantsMustBePlainNames() {
    assertThatThrownBy(() -> tokens.mint("acme", Role.USER, "gpu"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("pool");
    assertThatThrownBy(() -> tokens.mint("", Role.USER, null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> tokens.mint("a b", Role.USER, null))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> tokens.mint("x".repeat(201), Role.USER, null))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> tokens.mint("acme", Role.WORKER, "bad pool"))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(store.tokens).isEmpty();
  }
}
