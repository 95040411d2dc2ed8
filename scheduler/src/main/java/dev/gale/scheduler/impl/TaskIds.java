package dev.gale.scheduler.impl;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Task ids are {@code t<batch>.<n>}: all tasks submitted in one batch share the {@code batch} part,
 * and {@link TaskIdPartitioning} places them in one partition, so batch operations on them cost one
 * partition operation instead of one per task.
 */
final class TaskIds {
  private TaskIds() {}

  /** A new random batch prefix ({@code t} + 13 base-36 characters). */
  static String newBatch() {
    long v = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    StringBuilder sb = new StringBuilder("t");
    String s = Long.toString(v, 36);
    for (int i = s.length(); i < 13; i++) {
      sb.append('0');
    }
    return sb.append(s).toString();
  }

  static String id(String batch, int index) {
    return batch + "." + index;
  }

  /**
   * The batch part of a task id, or null when {@code key} is not shaped like one: {@code t}, one or
   * more {@code [0-9a-z]}, a dot, one or more digits.
   */
  static String batchOf(String key) {
    int n = key.length();
    if (n < 4 || key.charAt(0) != 't') {
      return null;
    }
    int dot = key.lastIndexOf('.');
    if (dot < 2 || dot == n - 1) {
      return null;
    }
    for (int i = 1; i < dot; i++) {
      char c = key.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        return null;
      }
    }
    for (int i = dot + 1; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return key.substring(0, dot);
  }
}
