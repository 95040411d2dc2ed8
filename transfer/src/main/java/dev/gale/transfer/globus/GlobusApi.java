package dev.gale.transfer.globus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.http.OkHttpCalls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The calls of the Globus Transfer API v0.10 that staging needs, with its error handling.
 *
 * <p>Every call carries a bearer token from {@link GlobusAuth}; a 401 fetches a new token and
 * repeats the call once. 429, 5xx and I/O errors are retried (see {@link Retries}), honouring
 * {@code Retry-After}. Other errors become a {@link StagingException} whose message quotes the
 * API's error {@code code} and {@code message} (its error document is {@code {"code", "message",
 * "request_id", "resource"}}) and whose reason follows the status and code: 404 or a {@code
 * *NotFound} code is {@code NOT_FOUND}; 401, 403, {@code ConsentRequired} and {@code
 * PermissionDenied} are {@code DENIED}; 400 is {@code INVALID}; a 409 conflict is {@code FAILED}
 * without retry.
 */
final class GlobusApi {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_MESSAGE = 300;

  private final GlobusStagerOptions options;
  private final OkHttpClient client;
  private final GlobusAuth auth;
  private final Waits waits;
  private final HttpUrl base;

  GlobusApi(GlobusStagerOptions options, OkHttpClient client, Waits waits) {
    this.options = options;
    this.client = client;
    this.waits = waits;
    this.auth = new GlobusAuth(options, client, waits);
    this.base = HttpUrl.get(options.transferUrl().toString());
  }

  /** {@code GET /submission_id}: a fresh id that makes a submission idempotent. */
  String submissionId() {
    JsonNode doc = call("GET", url("submission_id"), null);
    String id = doc.path("value").asText(null);
    if (id == null) {
      throw new StagingException("Globus GET submission_id: the answer has no value", true, null);
    }
    return id;
  }

  /**
   * {@code POST /transfer} with a transfer document. An {@code Accepted} or {@code Duplicate} (the
   * same submission id sent again after a lost answer) result gives the task id.
   */
  String submitTransfer(ObjectNode document) {
    JsonNode result = call("POST", url("transfer"), document);
    String code = result.path("code").asText("");
    String taskId = result.path("task_id").asText(null);
    if (taskId == null || !(code.equals("Accepted") || code.equals("Duplicate"))) {
      throw new StagingException(
          Reason.FAILED,
          "Globus did not accept the transfer: "
              + code
              + " "
              + clip(result.path("message").asText("")),
          false,
          null);
    }
    return taskId;
  }

  /** {@code GET /task/<id>}: the task document. */
  JsonNode task(String taskId) {
    return call("GET", url("task", taskId), null);
  }

  /** {@code POST /task/<id>/cancel}; failures are ignored (the task may have ended already). */
  void cancel(String taskId) {
    try {
      call("POST", url("task", taskId, "cancel"), Json.object());
    } catch (RuntimeException ignored) {
      // best effort: the deadline sent with the task ends it anyway
    }
  }

  /**
   * {@code GET /task/<id>/successful_transfers}, every page: the API pages with {@code marker}, and
   * a page's {@code next_marker} is null on the last one.
   */
  List<JsonNode> successfulTransfers(String taskId) {
    List<JsonNode> all = new ArrayList<>();
    String marker = null;
    do {
      HttpUrl.Builder u = url("task", taskId, "successful_transfers").newBuilder();
      if (marker != null) {
        u.addQueryParameter("marker", marker);
      }
      JsonNode page = call("GET", u.build(), null);
      page.path("DATA").forEach(all::add);
      JsonNode next = page.get("next_marker");
      marker = next == null || next.isNull() ? null : next.asText();
    } while (marker != null);
    return all;
  }

  /** {@code GET /operation/endpoint/<id>/stat?path=}: one file document. */
  JsonNode stat(String endpoint, String path) {
    HttpUrl u =
        url("operation", "endpoint", endpoint, "stat")
            .newBuilder()
            .addQueryParameter("path", path)
            .build();
    return call("GET", u, null);
  }

  /**
   * {@code GET /operation/endpoint/<id>/ls?path=&offset=&limit=}, every page: the file documents of
   * one directory. Pages follow {@code offset} until {@code offset + length} reaches {@code total}
   * (or a page comes back empty).
   */
  List<JsonNode> ls(String endpoint, String path, int pageSize) {
    List<JsonNode> all = new ArrayList<>();
    int offset = 0;
    while (true) {
      HttpUrl u =
          url("operation", "endpoint", endpoint, "ls")
              .newBuilder()
              .addQueryParameter("path", path)
              .addQueryParameter("offset", Integer.toString(offset))
              .addQueryParameter("limit", Integer.toString(pageSize))
              .build();
      JsonNode page = call("GET", u, null);
      JsonNode data = page.path("DATA");
      data.forEach(all::add);
      int length = page.path("length").asInt(data.size());
      offset += length;
      JsonNode total = page.get("total");
      if (length == 0 || total == null || !total.canConvertToInt() || offset >= total.asInt()) {
        return all;
      }
    }
  }

  private HttpUrl url(String... segments) {
    HttpUrl.Builder b = base.newBuilder();
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  /** One API call with token refresh, retries and error mapping; the parsed JSON answer. */
  private JsonNode call(String method, HttpUrl url, JsonNode body) {
    String what = "Globus " + method + " " + relative(url);
    Retries retries = new Retries(options, waits, what);
    boolean refreshed = false;
    while (true) {
      String token = auth.token();
      Request request =
          new Request.Builder()
              .url(url)
              .header("Authorization", "Bearer " + token)
              .header("Accept", "application/json")
              .method(method, body == null ? null : RequestBody.create(Json.writeBytes(body), JSON))
              .build();
      try (Response response = OkHttpCalls.execute(client.newCall(request))) {
        int status = response.code();
        String text = response.body().string();
        if (response.isSuccessful()) {
          return parse(text, what);
        }
        ApiError error = ApiError.of(status, text);
        if (status == 401 && !refreshed) {
          refreshed = true;
          auth.invalidate(token);
          continue;
        }
        if (status == 429 || status >= 500) {
          retries.failed(error.describe(), Retries.retryAfter(response.header("Retry-After")));
          continue;
        }
        throw new StagingException(
            error.reason(), what + " answered " + error.describe(), false, null);
      } catch (SocketTimeoutException e) {
        retries.failed(e.toString(), null);
      } catch (InterruptedIOException e) {
        Thread.currentThread().interrupt();
        throw new StagingException(Reason.CANCELLED, what + " was interrupted", true, e);
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new StagingException(Reason.CANCELLED, what + " was interrupted", true, e);
        }
        retries.failed(e.toString(), null);
      }
    }
  }

  private String relative(HttpUrl url) {
    String path = url.encodedPath();
    String basePath = base.encodedPath();
    if (path.startsWith(basePath)) {
      path = path.substring(basePath.length());
    }
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /** Parses a JSON answer; garbage from a proxy is a retryable failure, not a parser exception. */
  static JsonNode parse(String text, String what) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new StagingException(
          Reason.FAILED, what + " answered with something that is not JSON", true, null);
    }
  }

  static String clip(String s) {
    String oneLine = s.strip();
    int nl = oneLine.indexOf('\n');
    if (nl >= 0) {
      oneLine = oneLine.substring(0, nl).strip() + " …";
    }
    return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "…";
  }

  /** A Transfer API error document and what it means for us. */
  record ApiError(int status, String code, String message, String requestId, String scopes) {
    static ApiError of(int status, String body) {
      try {
        JsonNode doc = Json.mapper().readTree(body);
        List<String> scopes = new ArrayList<>();
        doc.path("required_scopes").forEach(s -> scopes.add(s.asText()));
        doc.path("authorization_parameters")
            .path("required_scopes")
            .forEach(s -> scopes.add(s.asText()));
        return new ApiError(
            status,
            doc.path("code").asText(""),
            doc.path("message").asText(""),
            doc.path("request_id").asText(""),
            String.join(" ", scopes));
      } catch (IOException | RuntimeException e) {
        return new ApiError(status, "", "", "", "");
      }
    }

    Reason reason() {
      if (status == 404 || code.equals("NotFound") || code.endsWith(".NotFound")) {
        return Reason.NOT_FOUND;
      }
      if (status == 401
          || status == 403
          || code.contains("ConsentRequired")
          || code.contains("PermissionDenied")) {
        return Reason.DENIED;
      }
      if (status == 400) {
        return Reason.INVALID;
      }
      return Reason.FAILED;
    }

    String describe() {
      StringBuilder b = new StringBuilder().append(status);
      if (!code.isEmpty()) {
        b.append(' ').append(code);
      }
      if (code.contains("ConsentRequired")) {
        b.append(" (the service account must consent to the collection's data_access scope");
        b.append(scopes.isEmpty() ? ")" : ": " + scopes + ")");
      }
      if (status == 409) {
        b.append(" (conflict)");
      }
      if (!message.isEmpty()) {
        b.append(": ").append(clip(message));
      }
      if (!requestId.isEmpty()) {
        b.append(" [request ").append(requestId).append(']');
      }
      return b.toString();
    }
  }
}
