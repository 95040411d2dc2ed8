package dev.gale.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.BackPressureException;
import dev.gale.api.ConflictException;
import dev.gale.api.ForbiddenException;
import dev.gale.api.GaleException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.PayloadTooLargeException;
import dev.gale.api.UnauthorizedException;
import dev.gale.api.UnavailableException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.handler.HttpException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpErrorsTest {

  static Stream<Arguments> galeExceptions() {
    return Stream.of(
        Arguments.of(new InvalidRequestException("name is required"), 400, "invalid_request"),
        Arguments.of(new InvalidRequestException("invalid_json", "bad", null), 400, "invalid_json"),
        Arguments.of(
            new InvalidRequestException("unknown_artifact", "no", null), 400, "unknown_artifact"),
        Arguments.of(new UnauthorizedException("no token"), 401, "unauthorized"),
        Arguments.of(new ForbiddenException("no"), 403, "forbidden"),
        Arguments.of(new NotFoundException("no task"), 404, "not_found"),
        Arguments.of(new ConflictException("finished"), 409, "conflict"),
        Arguments.of(new PayloadTooLargeException("big"), 413, "too_large"),
        Arguments.of(new BackPressureException("full", 3), 429, "back_pressure"),
        Arguments.of(new UnavailableException("down"), 503, "unavailable"));
  }

  @ParameterizedTest
  @MethodSource("galeExceptions")
  void eachExceptionFamilyMapsToOneStatusAndKeepsItsCode(GaleException e, int status, String code) {
    HttpErrors.HttpError m = HttpErrors.map(e, -1, 100);
    assertThat(m.status()).isEqualTo(status);
    assertThat(m.error().code()).isEqualTo(code);
    assertThat(m.error().message()).isEqualTo(e.getMessage());
    assertThat(m.unexpected()).isFalse();
  }

  @Test
  void everyConcreteExceptionOfTheApiHasAStatus() {
    assertThat(HttpErrors.STATUS_BY_TYPE).hasSize(8);
    galeExceptions()
        .forEach(a -> assertThat(HttpErrors.statusOf(a.get()[0].getClass())).isNotNull());
  }

  @Test
  void backPressureCarriesRetryAfter() {
    assertThat(HttpErrors.map(new BackPressureException("full", 7), -1, 1).retryAfterSeconds())
        .isEqualTo(7);
    assertThat(HttpErrors.map(new NotFoundException("x"), -1, 1).retryAfterSeconds()).isNull();
  }

  @Test
  void subclassesMapLikeTheirNearestMappedParent() {
    class Narrower extends NotFoundException {
      Narrower() {
        super("narrow");
      }
    }
    assertThat(HttpErrors.map(new Narrower(), -1, 1).status()).isEqualTo(404);
  }

  @Test
  void wrappedFailuresAreUnwrapped() {
    assertThat(HttpErrors.map(new CompletionException(new ConflictException("x")), -1, 1).status())
        .isEqualTo(409);
  }

  @Test
  void aBodyOverTheLimitIs413TooLargeQuotingTheLimit() {
    HttpErrors.HttpError byStatus = HttpErrors.map(null, 413, 1024);
    assertThat(byStatus.status()).isEqualTo(413);
    assertThat(byStatus.error().code()).isEqualTo("too_large");
    assertThat(byStatus.error().message()).contains("1024");
    assertThat(HttpErrors.map(new HttpException(413), -1, 1).status()).isEqualTo(413);
  }

  @Test
  void vertxDecodeFailuresAreInvalidJson() {
    HttpErrors.HttpError m = HttpErrors.map(new DecodeException("Unexpected end"), -1, 1);
    assertThat(m.status()).isEqualTo(400);
    assertThat(m.error().code()).isEqualTo("invalid_json");
  }

  @Test
  void unmatchedRoutesAndMethodsAreClientErrors() {
    assertThat(HttpErrors.map(null, 404, 1).error().code()).isEqualTo("not_found");
    assertThat(HttpErrors.map(null, 405, 1).error().code()).isEqualTo("method_not_allowed");
    assertThat(HttpErrors.map(null, 400, 1).status()).isEqualTo(400);
  }

  @Test
  void anythingElseIsAGeneric500WithAReferenceAndNoInternals() {
    HttpErrors.HttpError m =
        HttpErrors.map(new IllegalStateException("secret internals at Foo.java:12"), -1, 1);
    assertThat(m.status()).isEqualTo(500);
    assertThat(m.unexpected()).isTrue();
    assertThat(m.error().code()).isEqualTo("internal");
    String body = new String(m.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body)
        .doesNotContain("secret")
        .doesNotContain("IllegalState")
        .doesNotContain("Foo.java");
    assertThat(Json.readTree(body).at("/error/details/reference").asText()).isNotBlank();
    assertThat(HttpErrors.map(null, -1, 1).status()).isEqualTo(500);
    assertThat(HttpErrors.map(null, 500, 1).status()).isEqualTo(500);
  }

  @Test
  void theBodyHasTheErrorShape() {
    byte[] body = HttpErrors.map(new NotFoundException("no task t1.0"), -1, 1).body();
    var tree = Json.readTree(body);
    assertThat(tree.at("/error/code").asText()).isEqualTo("not_found");
    assertThat(tree.at("/error/message").asText()).isEqualTo("no task t1.0");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "NOT_FOUND,404",
    "DENIED,403",
    "INVALID,400",
    "UNSUPPORTED,400",
    "TOO_LARGE,413",
    "CANCELLED,409",
    "CORRUPT,502",
    "FAILED,502"
  })
  void stagingFailuresMapByReason(dev.gale.transfer.StagingException.Reason reason, int status) {
    HttpErrors.HttpError m =
        HttpErrors.map(
            new dev.gale.transfer.StagingException(reason, "cannot stage s3://b/k", false, null),
            -1,
            1);
    assertThat(m.status()).isEqualTo(status);
    assertThat(m.error().code()).isEqualTo("staging_failed");
    assertThat(m.error().details().get("reason").asText()).isEqualTo(reason.wireName());
  }
}
