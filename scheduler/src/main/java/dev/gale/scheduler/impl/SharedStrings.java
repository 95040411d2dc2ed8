package dev.gale.scheduler.impl;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of each of the strings that many task records repeat (tenant, function id and name,
 * kind, pool, worker). Every record the map deserializes would otherwise hold its own copies, and
 * those are most of a queued task's heap. Bounded: when it holds {@link #MAX} strings it starts
 * over, which costs copies, never correctness.
 */
final class SharedStrings {
  static final int MAX = 16_384;
  private static final ConcurrentHashMap<String, String> CANONICAL = new ConcurrentHashMap<>();

  private SharedStrings() {}

  /** The shared copy of {@code s} (null for null). */
  static String of(String s) {
    if (s == null) {
      return null;
    }
    String c = CANONICAL.get(s);
    if (c != null) {
      return c;
    }
    if (CANONICAL.size() >= MAX) {
      CANONICAL.clear();
    }
    c = CANONICAL.putIfAbsent(s, s);
    return c == null ? s : c;
  }
}
