package dev.gale.scaler.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scaler.ProviderException;
import io.kubernetes.client.openapi.ApiException;
import java.util.Collection;

/**
 * Turns a failed Kubernetes API call into a {@link ProviderException} whose message says what was
 * attempted, the HTTP status and the API server's own message (from its {@code Status} body).
 *
 * <p>Messages never carry credentials: the client's token is not part of a response, and values of
 * the block environment (the worker token) are masked should a response ever echo them. The {@link
 * ApiException} is kept as the cause only when no response was received (its message would repeat
 * the body unmasked).
 *
 * <p>Retryable: no response at all (connection refused, timeout), 408, 409 (a name taken: the next
 * submit uses a new one), 429, 5xx, and a 403 for an exceeded {@code ResourceQuota} (frees up as
 * pods end). Not retryable: other 4xx (forbidden by RBAC, invalid spec, missing namespace).
 */
final class ApiErrors {
  private static final int MAX_BODY = 1000;

  private ApiErrors() {}

  /**
   * A provider exception for a failed call.
   *
   * @param what what was attempted, e.g. {@code create pod gale-x-1 in namespace ns}
   * @param secrets values to mask in the message
   */
  static ProviderException of(String what, ApiException e, Collection<String> secrets) {
    int code = e.getCode();
    if (code == 0) {
      String cause =
          e.getCause() != null && e.getCause().getMessage() != null
              ? e.getCause().getMessage()
              : e.getMessage();
      return new ProviderException(
          mask("kubernetes API unreachable: cannot " + what + ": " + cause, secrets), true, e);
    }
    String detail = detail(e.getResponseBody());
    String message = "kubernetes API refused to " + what + ": HTTP " + code + ": " + detail;
    return new ProviderException(mask(message, secrets), retryable(code, detail), null);
  }

  /** Whether a call that got HTTP {@code code} with this message may succeed later. */
  static boolean retryable(int code, String detail) {
    if (code == 403) {
      return detail != null && detail.contains("exceeded quota");
    }
    return code == 408 || code == 409 || code == 429 || code >= 500;
  }

  /**
   * The {@code message} of a {@code Status} body, else the body itself (shortened), else a note.
   */
  static String detail(String body) {
    if (body == null || body.isBlank()) {
      return "(no response body)";
    }
    try {
      JsonNode status = Json.mapper().readTree(body);
      JsonNode message = status == null ? null : status.get("message");
      if (message != null && message.isTextual() && !message.asText().isBlank()) {
        return message.asText();
      }
    } catch (java.io.IOException | RuntimeException notJson) {
      // fall through to the raw body
    }
    String b = body.strip();
    return b.length() <= MAX_BODY ? b : b.substring(0, MAX_BODY) + "...";
  }

  private static String mask(String message, Collection<String> secrets) {
    String m = message;
    for (String s : secrets) {
      // very short values would mask ordinary words; a worker token is long
      if (s != null && s.length() >= 8) {
        m = m.replace(s, "***");
      }
    }
    return m;
  }
}
