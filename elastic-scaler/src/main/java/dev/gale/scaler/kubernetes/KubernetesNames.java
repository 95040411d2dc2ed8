package dev.gale.scaler.kubernetes;

import java.util.regex.Pattern;

/**
 * Kubernetes' rules for names, label keys and label values, checked before anything is sent so that
 * a bad option fails when the pool is set, not when the first block starts.
 */
final class KubernetesNames {
  /** RFC 1123 label: namespaces, most object names' segments. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** RFC 1123 subdomain: Secret, ServiceAccount and Pod names, label-key prefixes. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** A label value or the name part of a label key (without the 63-character limit). */
  private static final Pattern LABEL_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private KubernetesNames() {}

  /** True for a valid namespace name. */
  static boolean isDnsLabel(String s) {
    return s != null && s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  /** True for a valid Secret, ServiceAccount or Pod name. */
  static boolean isDnsSubdomain(String s) {
    return s != null && s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
  }

  /** True for a valid label value (may be empty). */
  static boolean isLabelValue(String s) {
    return s != null && (s.isEmpty() || (s.length() <= 63 && LABEL_NAME.matcher(s).matches()));
  }

  /** True for a valid label or annotation key: {@code [prefix/]name}. */
  static boolean isQualifiedName(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    int slash = s.indexOf('/');
    String name = slash < 0 ? s : s.substring(slash + 1);
    if (slash >= 0 && !isDnsSubdomain(s.substring(0, slash))) {
      return false;
    }
    return !name.isEmpty() && name.length() <= 63 && LABEL_NAME.matcher(name).matches();
  }

  /**
   * A prefix for pod names made from a pool name: lower case, other characters as {@code -}, at
   * most {@code max} characters, never ending with {@code -}.
   */
  static String slug(String pool, int max) {
    StringBuilder b = new StringBuilder();
    for (char c : pool.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      if (b.length() == max) {
        break;
      }
      b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-');
    }
    while (b.length() > 0 && b.charAt(b.length() - 1) == '-') {
      b.setLength(b.length() - 1);
    }
    return b.length() == 0 ? "pool" : b.toString();
  }
}
