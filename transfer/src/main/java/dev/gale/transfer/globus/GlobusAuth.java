package dev.gale.transfer.globus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.http.OkHttpCalls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Access tokens for the Transfer API from Globus Auth's client-credentials grant ({@code POST
 * /v2/oauth2/token} with the client id and secret as HTTP Basic credentials). A token is reused
 * until a minute before it expires or until the Transfer API refuses it.
 */
final class GlobusAuth {
  private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);
  private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);

  private final GlobusStagerOptions options;
  private final OkHttpClient client;
  private final Waits waits;
  private final HttpUrl tokenUrl;
  private String token;
  private Instant expires = Instant.MIN;

  GlobusAuth(GlobusStagerOptions options, OkHttpClient client, Waits waits) {
    this.options = options;
    this.client = client;
    this.waits = waits;
    HttpUrl base = HttpUrl.get(options.authUrl().toString());
    this.tokenUrl = base.newBuilder().addPathSegments("v2/oauth2/token").build();
  }

  /** A valid access token, fetched when there is none or it is about to expire. */
  synchronized String token() {
    if (token != null && waits.now().isBefore(expires.minus(EXPIRY_MARGIN))) {
      return token;
    }
    fetch();
    return token;
  }

  /** Forgets {@code refused} so that the next {@link #token()} fetches a new one. */
  synchronized void invalidate(String refused) {
    if (refused != null && refused.equals(token)) {
      token = null;
    }
  }

  private void fetch() {
    String what = "Globus Auth token request for client " + options.clientId();
    Retries retries = new Retries(options, waits, what);
    while (true) {
      Request request =
          new Request.Builder()
              .url(tokenUrl)
              .header(
                  "Authorization",
                  Credentials.basic(
                      options.clientId(), options.clientSecret(), StandardCharsets.UTF_8))
              .post(
                  new FormBody.Builder()
                      .add("grant_type", "client_credentials")
                      .add("scope", GlobusStagerOptions.TRANSFER_SCOPE)
                      .build())
              .build();
      try (Response response = OkHttpCalls.execute(client.newCall(request))) {
        String body = response.body().string();
        if (response.isSuccessful()) {
          JsonNode doc = GlobusApi.parse(body, what);
          String access = doc.path("access_token").asText(null);
          if (access == null || access.isEmpty()) {
            throw new StagingException(
                Reason.FAILED, what + ": the answer has no access_token", true, null);
          }
          token = access;
          expires = waits.now().plusSeconds(doc.path("expires_in").asLong(3600));
          return;
        }
        if (RETRYABLE.contains(response.code())) {
          retries.failed(
              "answer " + response.code(), Retries.retryAfter(response.header("Retry-After")));
          continue;
        }
        throw new StagingException(
            Reason.DENIED,
            what + " was refused: " + response.code() + " " + oauthError(body),
            false,
            null);
      } catch (InterruptedIOException e) {
        if (e instanceof java.net.SocketTimeoutException) {
          retries.failed(e.toString(), null);
        } else {
          Thread.currentThread().interrupt();
          throw new StagingException(Reason.CANCELLED, what + " was interrupted", true, e);
        }
      } catch (IOException e) {
        retries.failed(e.toString(), null);
      }
    }
  }

  // {"error": "invalid_client", "error_description": "..."} (RFC 6749 §5.2)
  private static String oauthError(String body) {
    try {
      JsonNode doc = Json.readTree(body);
      String error = doc.path("error").asText("");
      String description = doc.path("error_description").asText("");
      String s = (error + (description.isEmpty() ? "" : ": " + description)).trim();
      return s.isEmpty() ? "(no error given)" : s;
    } catch (RuntimeException e) {
      return "(no error given)";
    }
  }
}
