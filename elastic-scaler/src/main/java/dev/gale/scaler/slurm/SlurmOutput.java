package dev.gale.scaler.slurm;

import dev.gale.scaler.BlockState;
import dev.gale.scaler.batch.NativeStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what {@code squeue} and {@code scontrol} print. Pure functions. */
final class SlurmOutput {
  /** squeue's format: job id, state, reason, submit time, start time, end time. */
  static final String SQUEUE_FORMAT = "%i|%T|%r|%V|%S|%e";

  /**
   * A key of {@code scontrol --oneliner}: {@code JobId}, {@code Socks/Node}, {@code ReqB:S:C:T}.
   */
  private static final Pattern FIELD = Pattern.compile("(?:^|\\s)([A-Za-z][A-Za-z0-9_/:]*)=");

  private static final Pattern EXIT = Pattern.compile("(\\d+):(\\d+)");

  private SlurmOutput() {}

  /** A job's id and status. */
  record Row(String jobId, NativeStatus status) {}

  /** One line of {@code squeue --noheader --format=SQUEUE_FORMAT}; empty for a blank line. */
  static Optional<Row> squeueLine(String line, ZoneId zone) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    String[] f = line.strip().split("\\|", -1);
    if (f.length < 6) {
      throw new IllegalArgumentException("unexpected squeue line: " + line);
    }
    String state = f[1].strip();
    BlockState s = SlurmStates.translate(state);
    Instant since =
        switch (s) {
          case PENDING -> time(f[3], zone);
          case RUNNING -> time(f[4], zone);
          default -> time(f[5], zone);
        };
    return Optional.of(new Row(f[0].strip(), new NativeStatus(s, describe(state, f[2]), since)));
  }

  /** The fields of one line of {@code scontrol --oneliner show job ID}. */
  static Map<String, String> scontrolFields(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String line = text.strip();
    Matcher m = FIELD.matcher(line);
    String key = null;
    int valueStart = 0;
    while (m.find()) {
      if (key != null) {
        out.put(key, line.substring(valueStart, m.start()).strip());
      }
      key = m.group(1);
      valueStart = m.end();
    }
    if (key != null) {
      out.put(key, line.substring(valueStart).strip());
    }
    return out;
  }

  /** A status from {@code scontrol} fields: state, reason, exit code and times. */
  static NativeStatus fromScontrol(Map<String, String> f, ZoneId zone) {
    String state = f.getOrDefault("JobState", "");
    BlockState s = SlurmStates.translate(state);
    StringBuilder message = new StringBuilder(describe(state, f.get("Reason")));
    Matcher exit = EXIT.matcher(f.getOrDefault("ExitCode", ""));
    if (s.isTerminal() && exit.matches()) {
      message.append(", exit code ").append(exit.group(1));
      if (!exit.group(2).equals("0")) {
        message.append(", signal ").append(exit.group(2));
      }
    }
    Instant since =
        switch (s) {
          case PENDING -> time(f.get("SubmitTime"), zone);
          case RUNNING -> time(f.get("StartTime"), zone);
          default -> time(f.get("EndTime"), zone);
        };
    return new NativeStatus(s, message.toString(), since);
  }

  /** The native state with its reason, and a note when the state is new to {@link SlurmStates}. */
  static String describe(String state, String reason) {
    String r = reason == null ? "" : reason.strip();
    String text =
        r.isEmpty() || r.equals("None") || r.equals("(null)") ? state : state + " (" + r + ")";
    return SlurmStates.known(state) ? text : text + "; unknown Slurm state, taken as pending";
  }

  /** A Slurm time ({@code 2024-05-01T12:00:00}, local time) or null for Unknown, N/A, None. */
  static Instant time(String s, ZoneId zone) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return LocalDateTime.parse(s.strip()).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
