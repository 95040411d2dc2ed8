package dev.gale.gateway.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.BackPressureException;
import dev.gale.api.ConflictException;
import dev.gale.api.ErrorInfo;
import dev.gale.api.ForbiddenException;
import dev.gale.api.GaleException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.PayloadTooLargeException;
import dev.gale.api.UnauthorizedException;
import dev.gale.api.UnavailableException;
import dev.gale.transfer.StagingException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one table that turns failures into HTTP answers. {@link GaleException} subclasses map by
 * class (the nearest mapped superclass wins); Vert.x's own failures (a body over the limit, no
 * route, a wrong method, undecodable JSON) map by status. Anything else is a bug: it gets 500
 * {@code internal} with a generic message and a reference that also appears in the log, never a
 * stack trace.
 */
final class HttpErrors {

  /** Status for each exception family. */
  static final Map<Class<? extends GaleException>, Integer> STATUS_BY_TYPE = statusTable();

  private HttpErrors() {}

  private static Map<Class<? extends GaleException>, Integer> statusTable() {
    Map<Class<? extends GaleException>, Integer> m = new LinkedHashMap<>();
    m.put(InvalidRequestException.class, 400);
    m.put(UnauthorizedException.class, 401);
    m.put(ForbiddenException.class, 403);
    m.put(NotFoundException.class, 404);
    m.put(ConflictException.class, 409);
    m.put(PayloadTooLargeException.class, 413);
    m.put(BackPressureException.class, 429);
    m.put(UnavailableException.class, 503);
    return Map.copyOf(m);
  }

  /**
   * An HTTP error answer.
   *
   * @param status HTTP status
   * @param error the body's {@code error} object
   * @param retryAfterSeconds value of {@code Retry-After}, or null for none
   * @param unexpected true when the failure is a bug that must be logged with its stack trace
   */
  public record HttpError(
      int status, ErrorInfo error, Integer retryAfterSeconds, boolean unexpected) {

    /** The JSON body: {@code {"error": {code, message, details?}}}. */
    public byte[] body() {
      ObjectNode root = Json.object();
      root.set("error", Json.mapper().valueToTree(error));
      return Json.writeBytes(root);
    }
  }

  /**
   * Maps a routing failure.
   *
   * @param failure the exception the route failed with, or null
   * @param statusCode the status it failed with when there is no exception (-1 if none)
   * @param maxBodyBytes the body limit in force, quoted in the 413 message
   */
  public static HttpError map(Throwable failure, int statusCode, long maxBodyBytes) {
    Throwable f = unwrap(failure);
    if (f instanceof StagingException st) {
      return new HttpError(statusOf(st.reason()), st.toErrorInfo(), null, false);
    }
    if (f instanceof GaleException g) {
      Integer status = statusOf(g.getClass());
      if (status != null) {
        Integer retryAfter =
            g instanceof BackPressureException bp ? Math.max(1, bp.retryAfterSeconds()) : null;
        return new HttpError(status, g.toErrorInfo(), retryAfter, false);
      }
      return internal();
    }
    if (f instanceof DecodeException || f instanceof JsonProcessingException) {
      return new HttpError(
          400, ErrorInfo.of("invalid_json", "body is not valid JSON"), null, false);
    }
    if (f instanceof HttpException h) {
      return byStatus(h.getStatusCode(), maxBodyBytes);
    }
    if (f == null && statusCode > 0) {
      return byStatus(statusCode, maxBodyBytes);
    }
    return internal();
  }

  /** The status of a staging failure, by its reason (a missing object is 404, ...). */
  static int statusOf(StagingException.Reason reason) {
    return switch (reason) {
      case NOT_FOUND -> 404;
      case DENIED -> 403;
      case INVALID, UNSUPPORTED -> 400;
      case TOO_LARGE -> 413;
      case CANCELLED -> 409;
      case CORRUPT, FAILED -> 502;
    };
  }

  /** The status of an exception class: its own table entry or its nearest mapped superclass's. */
  static Integer statusOf(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Integer s = STATUS_BY_TYPE.get(c);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable f = t;
    while ((f instanceof java.util.concurrent.CompletionException
            || f instanceof java.util.concurrent.ExecutionException)
        && f.getCause() != null) {
      f = f.getCause();
    }
    return f;
  }

  private static HttpError byStatus(int status, long maxBodyBytes) {
    return switch (status) {
      case 400 -> new HttpError(400, ErrorInfo.of("invalid_request", "bad request"), null, false);
      case 401 ->
          new HttpError(
              401, ErrorInfo.of("unauthorized", "a valid bearer token is required"), null, false);
      case 403 -> new HttpError(403, ErrorInfo.of("forbidden", "not allowed"), null, false);
      case 404 -> new HttpError(404, ErrorInfo.of("not_found", "no such resource"), null, false);
      case 405 ->
          new HttpError(
              405,
              ErrorInfo.of("method_not_allowed", "method not allowed on this path"),
              null,
              false);
      case 413 ->
          new HttpError(
              413,
              ErrorInfo.of(
                  "too_large", "request body exceeds the limit of " + maxBodyBytes + " bytes"),
              null,
              false);
      case 415 ->
          new HttpError(
              415, ErrorInfo.of("unsupported_media_type", "unsupported content type"), null, false);
      case 503 ->
          new HttpError(503, ErrorInfo.of("unavailable", "service unavailable"), null, false);
      default ->
          status >= 400 && status < 500
              ? new HttpError(
                  status, ErrorInfo.of("invalid_request", "request refused"), null, false)
              : internal();
    };
  }

  private static HttpError internal() {
    String ref = UUID.randomUUID().toString();
    ObjectNode details = Json.object().put("reference", ref);
    return new HttpError(
        500,
        new ErrorInfo("internal", "internal error; quote the reference when reporting it", details),
        null,
        true);
  }
}
