package dev.gale.transfer.globus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A local stand-in for Globus Auth and the Globus Transfer API v0.10 on OkHttp's MockWebServer (no
 * Globus service is reachable from here). It answers with the documented request and response
 * shapes: the client-credentials token grant, {@code submission_id}, {@code transfer} (a transfer
 * document in, a {@code transfer_result} out), {@code task/<id>} documents that stay {@code ACTIVE}
 * for a few polls, {@code task/<id>/successful_transfers} paged by {@code marker}, {@code
 * task/<id>/cancel}, {@code operation/endpoint/<id>/ls} paged by {@code offset}/{@code limit}, and
 * {@code operation/endpoint/<id>/stat}; errors as {@code {"code", "message", "request_id",
 * "resource"}}. Each collection is a local directory, and a task really copies its files when it
 * completes. Scripted faults replace the next matching answer.
 */
public final class GlobusStandIn implements AutoCloseable {
  static final String CLIENT_ID = "7c6f5b2a-client";
  static final String CLIENT_SECRET = "globus-client-s3cr3t";
  private static final DateTimeFormatter MODIFIED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx").withZone(ZoneOffset.UTC);

  /** A scripted answer for the next request whose path matches. */
  record Fault(Predicate<RecordedRequest> matches, MockResponse response) {}

  final Map<String, Path> collections = new ConcurrentHashMap<>();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  public final List<JsonNode> submitted = new CopyOnWriteArrayList<>();
  public final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final Set<String> submissionIds = ConcurrentHashMap.newKeySet();
  private final Map<String, String> taskBySubmission = new ConcurrentHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final AtomicInteger tokenCount = new AtomicInteger();
  private final AtomicInteger requestIds = new AtomicInteger();
  private final MockWebServer server = new MockWebServer();

  /** Status polls a task stays ACTIVE before it completes. */
  public volatile int pollsUntilDone = 2;

  /** Items per page of {@code ls} (at most) and of {@code successful_transfers}. */
  volatile int pageSize = 2;

  /** When set, tasks end FAILED with this {@code fatal_error} code instead of copying. */
  volatile String failTasksWith;

  /** When set, active tasks report this {@code nice_status}. */
  volatile String niceStatus;

  private final class Task {
    final String id;
    final JsonNode document;
    int polls;
    String status = "ACTIVE";
    ObjectNode fatalError;
    long bytes;
    final List<ObjectNode> succeeded = new ArrayList<>();

    Task(String id, JsonNode document) {
      this.id = id;
      this.document = document;
    }
  }

  public GlobusStandIn() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            for (Fault f : faults) {
              if (f.matches().test(request) && faults.remove(f)) {
                return f.response();
              }
            }
            try {
              return answer(request);
            } catch (IOException | RuntimeException e) {
              return error(500, "ServiceUnavailable", "stand-in failed: " + e, request);
            }
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  URI authUrl() {
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  URI transferUrl() {
    return URI.create("http://127.0.0.1:" + server.getPort() + "/v0.10");
  }

  /** Options for a stager that talks to this stand-in, with quick polls. */
  public GlobusStagerOptions.Builder options() {
    return GlobusStagerOptions.builder()
        .authUrl(authUrl())
        .transferUrl(transferUrl())
        .clientCredentials(CLIENT_ID, CLIENT_SECRET);
  }

  /** Adds a collection backed by a directory; returns its id. */
  public String collection(Path root) {
    String id = UUID.randomUUID().toString();
    collections.put(id, root);
    return id;
  }

  /** Makes every token issued so far invalid (as when they expire). */
  void expireTokens() {
    validTokens.clear();
  }

  int tokensIssued() {
    return tokenCount.get();
  }

  /** The next request whose path contains {@code pathPart} gets an error document. */
  GlobusStandIn failNext(String pathPart, int status, String code, String... headers) {
    MockResponse.Builder b =
        new MockResponse.Builder()
            .code(status)
            .setHeader("Content-Type", "application/json")
            .body(errorBody(code, "scripted " + code, "/" + pathPart));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    faults.add(new Fault(r -> r.getUrl().encodedPath().contains(pathPart), b.build()));
    return this;
  }

  /** The next request whose path contains {@code pathPart} gets this body and status. */
  GlobusStandIn answerNext(String pathPart, int status, String body) {
    faults.add(
        new Fault(
            r -> r.getUrl().encodedPath().contains(pathPart),
            new MockResponse.Builder().code(status).body(body).build()));
    return this;
  }

  List<RecordedRequest> requests(String method, String pathPart) {
    return requests.stream()
        .filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().contains(pathPart))
        .toList();
  }

  private MockResponse answer(RecordedRequest r) throws IOException {
    String path = r.getUrl().encodedPath();
    if (path.equals("/v2/oauth2/token")) {
      return token(r);
    }
    if (!path.startsWith("/v0.10/")) {
      return error(404, "ClientError.NotFound", "no such resource", r);
    }
    String auth = r.getHeaders().get("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !validTokens.contains(auth.substring(7))) {
      return error(401, "AuthenticationFailed", "Token is not active", r);
    }
    String[] p = path.substring("/v0.10/".length()).split("/");
    String method = r.getMethod();
    if (method.equals("GET") && p.length == 1 && p[0].equals("submission_id")) {
      String id = UUID.randomUUID().toString();
      submissionIds.add(id);
      ObjectNode doc = Json.object();
      doc.put("value", id);
      return json(200, doc);
    }
    if (method.equals("POST") && p.length == 1 && p[0].equals("transfer")) {
      return submit(r);
    }
    if (p.length >= 2 && p[0].equals("task")) {
      Task t = tasks.get(p[1]);
      if (t == null) {
        return error(404, "TaskNotFound", "Task " + p[1] + " not found", r);
      }
      if (method.equals("GET") && p.length == 2) {
        return json(200, poll(t));
      }
      if (method.equals("GET") && p.length == 3 && p[2].equals("successful_transfers")) {
        return successfulTransfers(t, r.getUrl().queryParameter("marker"));
      }
      if (method.equals("POST") && p.length == 3 && p[2].equals("cancel")) {
        synchronized (t) {
          cancelled.add(t.id);
          if (t.status.equals("ACTIVE")) {
            t.status = "FAILED";
            t.fatalError = fatal("CANCELED", "The task was canceled by the user");
          }
        }
        ObjectNode doc = Json.object();
        doc.put("DATA_TYPE", "result");
        doc.put("code", "Canceled");
        doc.put("message", "The task has been cancelled successfully.");
        doc.put("request_id", nextRequestId());
        doc.put("resource", path);
        return json(200, doc);
      }
    }
    if (method.equals("GET")
        && p.length == 4
        && p[0].equals("operation")
        && p[1].equals("endpoint")) {
      Path root = collections.get(p[2]);
      if (root == null) {
        return error(404, "EndpointNotFound", "No such endpoint " + p[2], r);
      }
      String target = r.getUrl().queryParameter("path");
      Path file = resolve(root, target == null ? "/" : target);
      if (p[3].equals("stat")) {
        if (file == null || !Files.exists(file)) {
          return error(404, "NotFound", "Path not found, Error (list)\nMessage: No such file", r);
        }
        return json(200, fileDoc(file));
      }
      if (p[3].equals("ls")) {
        return ls(r, p[2], target, file);
      }
    }
    return error(405, "ClientError.BadRequest", "unsupported " + method + " " + path, r);
  }

  private MockResponse token(RecordedRequest r) {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    String form = r.getBody() == null ? "" : r.getBody().utf8();
    if (!expected.equals(r.getHeaders().get("Authorization"))) {
      return new MockResponse.Builder()
          .code(401)
          .body("{\"error\": \"invalid_client\", \"error_description\": \"bad client\"}")
          .build();
    }
    if (!form.contains("grant_type=client_credentials")
        || !form.contains("scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall")) {
      return new MockResponse.Builder()
          .code(400)
          .body("{\"error\": \"invalid_request\", \"error_description\": \"" + form + "\"}")
          .build();
    }
    String token = "tok-" + tokenCount.incrementAndGet() + "-" + UUID.randomUUID();
    validTokens.add(token);
    ObjectNode doc = Json.object();
    doc.put("access_token", token);
    doc.put("expires_in", 172800);
    doc.put("resource_server", "transfer.api.globus.org");
    doc.put("token_type", "Bearer");
    doc.put("scope", GlobusStagerOptions.TRANSFER_SCOPE);
    doc.putArray("other_tokens");
    return json(200, doc);
  }

  private MockResponse submit(RecordedRequest r) {
    JsonNode doc;
    try {
      doc = Json.mapper().readTree(r.getBody() == null ? "" : r.getBody().utf8());
    } catch (IOException e) {
      return error(400, "ClientError.BadRequest", "body is not JSON", r);
    }
    if (!"transfer".equals(doc.path("DATA_TYPE").asText())) {
      return error(400, "ClientError.BadRequest", "DATA_TYPE must be transfer", r);
    }
    String submission = doc.path("submission_id").asText("");
    if (!submissionIds.contains(submission)) {
      return error(400, "ClientError.BadRequest.InvalidSubmissionId", "unknown submission_id", r);
    }
    for (String side : List.of("source_endpoint", "destination_endpoint")) {
      if (!collections.containsKey(doc.path(side).asText())) {
        return error(404, "ClientError.NotFound", "No such endpoint " + doc.path(side), r);
      }
    }
    JsonNode items = doc.path("DATA");
    if (!items.isArray() || items.isEmpty()) {
      return error(
          400,
          "ClientError.BadRequest.NoTransferItems",
          "A transfer requires at least one item",
          r);
    }
    for (JsonNode item : items) {
      if (!"transfer_item".equals(item.path("DATA_TYPE").asText())
          || !item.hasNonNull("source_path")
          || !item.hasNonNull("destination_path")) {
        return error(400, "ClientError.BadRequest", "bad transfer_item " + item, r);
      }
    }
    String code = "Accepted";
    String taskId = taskBySubmission.get(submission);
    if (taskId == null) {
      taskId = UUID.randomUUID().toString();
      taskBySubmission.put(submission, taskId);
      tasks.put(taskId, new Task(taskId, doc));
      submitted.add(doc);
    } else {
      code = "Duplicate";
    }
    ObjectNode result = Json.object();
    result.put("DATA_TYPE", "transfer_result");
    result.put("code", code);
    result.put(
        "message",
        "The transfer has been accepted and a task has been created and queued for execution");
    result.put("request_id", nextRequestId());
    result.put("resource", "/transfer");
    result.put("submission_id", submission);
    result.put("task_id", taskId);
    ObjectNode link = result.putObject("task_link");
    link.put("DATA_TYPE", "link");
    link.put("href", "task/" + taskId + "?format=json");
    link.put("rel", "related");
    link.put("resource", "task");
    link.put("title", "related task");
    return json(code.equals("Accepted") ? 202 : 200, result);
  }

  private ObjectNode poll(Task t) throws IOException {
    synchronized (t) {
      if (t.status.equals("ACTIVE") && ++t.polls > pollsUntilDone) {
        complete(t);
      }
      ObjectNode doc = Json.object();
      doc.put("DATA_TYPE", "task");
      doc.put("task_id", t.id);
      doc.put("type", "TRANSFER");
      doc.put("status", t.status);
      doc.put("label", t.document.path("label").asText(null));
      doc.put("source_endpoint_id", t.document.path("source_endpoint").asText());
      doc.put("destination_endpoint_id", t.document.path("destination_endpoint").asText());
      doc.put("sync_level", t.document.path("sync_level").asText(null));
      doc.put("verify_checksum", t.document.path("verify_checksum").asBoolean());
      doc.put("deadline", t.document.path("deadline").asText(null));
      doc.put("bytes_transferred", t.bytes);
      doc.put("files", t.document.path("DATA").size());
      doc.put("files_transferred", t.succeeded.size());
      doc.put("subtasks_failed", t.status.equals("FAILED") ? 1 : 0);
      doc.put("is_ok", t.status.equals("FAILED") ? Boolean.FALSE : null);
      String nice = t.status.equals("ACTIVE") ? niceStatus : null;
      doc.put("nice_status", t.status.equals("ACTIVE") && nice == null ? "Queued" : nice);
      if (nice != null) {
        doc.put("nice_status_short_description", nice.toLowerCase().replace('_', ' '));
      }
      doc.set("fatal_error", t.fatalError);
      return doc;
    }
  }

  private void complete(Task t) throws IOException {
    if (failTasksWith != null) {
      t.status = "FAILED";
      t.fatalError = fatal(failTasksWith, "scripted failure " + failTasksWith);
      return;
    }
    Path srcRoot = collections.get(t.document.path("source_endpoint").asText());
    Path dstRoot = collections.get(t.document.path("destination_endpoint").asText());
    for (JsonNode item : t.document.path("DATA")) {
      Path from = resolve(srcRoot, item.path("source_path").asText());
      Path to = resolve(dstRoot, item.path("destination_path").asText());
      if (from == null || to == null || !Files.exists(from)) {
        t.status = "FAILED";
        t.fatalError =
            fatal(
                "FILE_NOT_FOUND",
                "No such file or directory: " + item.path("source_path").asText());
        return;
      }
      if (Files.isDirectory(from)) {
        if (!item.path("recursive").asBoolean()) {
          t.status = "FAILED";
          t.fatalError = fatal("IS_A_DIRECTORY", "source is a directory; use recursive");
          return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
          for (Path f : walk.filter(Files::isRegularFile).toList()) {
            copy(t, f, to.resolve(from.relativize(f).toString()), srcRoot, dstRoot);
          }
        }
      } else {
        copy(t, from, to, srcRoot, dstRoot);
      }
    }
    t.status = "SUCCEEDED";
  }

  private void copy(Task t, Path from, Path to, Path srcRoot, Path dstRoot) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    long size = Files.size(to);
    t.bytes += size;
    ObjectNode ok = Json.object();
    ok.put("DATA_TYPE", "successful_transfer");
    ok.put("source_path", "/" + srcRoot.relativize(from).toString().replace('\\', '/'));
    ok.put("destination_path", "/" + dstRoot.relativize(to).toString().replace('\\', '/'));
    ok.put("size", size);
    t.succeeded.add(ok);
  }

  private MockResponse successfulTransfers(Task t, String marker) {
    int from = marker == null ? 0 : Integer.parseInt(marker);
    ObjectNode doc = Json.object();
    doc.put("DATA_TYPE", "successful_transfers");
    doc.put("marker", from);
    ArrayNode data = doc.putArray("DATA");
    List<ObjectNode> all;
    synchronized (t) {
      all = List.copyOf(t.succeeded);
    }
    int to = Math.min(all.size(), from + pageSize);
    all.subList(from, to).forEach(data::add);
    if (to < all.size()) {
      doc.put("next_marker", Integer.toString(to));
    } else {
      doc.putNull("next_marker");
    }
    return json(200, doc);
  }

  private MockResponse ls(RecordedRequest r, String endpoint, String target, Path dir)
      throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return error(404, "ClientError.NotFound", "Directory " + target + " not found", r);
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.sorted().toList();
    }
    int offset = intParam(r, "offset", 0);
    int limit = Math.min(intParam(r, "limit", 100000), pageSize);
    ObjectNode doc = Json.object();
    doc.put("DATA_TYPE", "file_list");
    ArrayNode data = doc.putArray("DATA");
    int end = Math.min(entries.size(), offset + limit);
    for (Path e : entries.subList(Math.min(offset, end), end)) {
      data.add(fileDoc(e));
    }
    doc.putNull("absolute_path");
    doc.put("endpoint", endpoint);
    doc.put("path", target);
    doc.put("length", data.size());
    doc.put("offset", offset);
    doc.put("limit", limit);
    doc.put("total", entries.size());
    doc.put("rename_supported", true);
    doc.put("symlink_supported", false);
    return json(200, doc);
  }

  private static ObjectNode fileDoc(Path file) throws IOException {
    ObjectNode doc = Json.object();
    doc.put("DATA_TYPE", "file");
    doc.put("name", file.getFileName().toString());
    boolean dir = Files.isDirectory(file);
    doc.put("type", dir ? "dir" : "file");
    doc.put("size", dir ? 4096 : Files.size(file));
    doc.put("last_modified", MODIFIED.format(Files.getLastModifiedTime(file).toInstant()));
    doc.put("permissions", "0644");
    doc.put("user", "gale");
    doc.put("group", "gale");
    doc.putNull("link_target");
    return doc;
  }

  private static int intParam(RecordedRequest r, String name, int fallback) {
    String v = r.getUrl().queryParameter(name);
    return v == null ? fallback : Integer.parseInt(v);
  }

  /** A Globus path on a collection's directory, or null when it climbs out. */
  private static Path resolve(Path root, String globusPath) {
    String rel = globusPath.startsWith("/") ? globusPath.substring(1) : globusPath;
    Path p = root.resolve(rel).normalize();
    return p.startsWith(root) ? p : null;
  }

  private static ObjectNode fatal(String code, String description) {
    ObjectNode f = Json.object();
    f.put("code", code);
    f.put("description", description);
    return f;
  }

  private String nextRequestId() {
    return "req" + requestIds.incrementAndGet();
  }

  private MockResponse error(int status, String code, String message, RecordedRequest r) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(errorBody(code, message, r.getUrl().encodedPath()))
        .build();
  }

  private String errorBody(String code, String message, String resource) {
    ObjectNode doc = Json.object();
    doc.put("code", code);
    doc.put("message", message);
    doc.put("request_id", nextRequestId());
    doc.put("resource", resource);
    if (code.equals("ConsentRequired")) {
      doc.putArray("required_scopes")
          .add(
              GlobusStagerOptions.TRANSFER_SCOPE
                  + "[*https://auth.globus.org/scopes/x/data_access]");
    }
    return Json.write(doc);
  }

  private static MockResponse json(int status, JsonNode doc) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(Json.write(doc))
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
