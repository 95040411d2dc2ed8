package dev.gale.scaler.pbs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what {@code qstat -f} prints (Torque, PBS Pro, Slurm's Torque wrapper). Pure functions. */
final class QstatOutput {
  private static final Pattern JOB = Pattern.compile("^Job Id:\\s*(\\S+)\\s*$");
  private static final Pattern ATTRIBUTE = Pattern.compile("^\\s+([A-Za-z_][\\w.]*) = ?(.*)$");
  private static final Pattern HMS = Pattern.compile("(\\d+):(\\d{2}):(\\d{2})");

  private QstatOutput() {}

  /**
   * The jobs of a {@code qstat -f} listing: job id to its attributes. PBS Pro folds long values
   * onto indented continuation lines; those are joined back.
   */
  static Map<String, Map<String, String>> parse(String text) {
    Map<String, Map<String, String>> jobs = new LinkedHashMap<>();
    Map<String, String> current = null;
    String last = null;
    for (String line : text.split("\n")) {
      Matcher job = JOB.matcher(line);
      if (job.matches()) {
        current = new LinkedHashMap<>();
        jobs.put(job.group(1), current);
        last = null;
        continue;
      }
      if (current == null || line.isBlank()) {
        continue;
      }
      Matcher a = ATTRIBUTE.matcher(line);
      if (a.matches()) {
        last = a.group(1);
        current.put(last, a.group(2).strip());
      } else if (last != null) {
        current.put(last, current.get(last) + line.strip());
      }
    }
    return jobs;
  }

  /**
   * The attributes of {@code jobId} in a listing: by exact id, else by the numeric part ({@code
   * 123} matches {@code 123.server} and the reverse: qsub and qstat may print the server or not).
   */
  static Map<String, String> find(Map<String, Map<String, String>> jobs, String jobId) {
    Map<String, String> exact = jobs.get(jobId);
    if (exact != null) {
      return exact;
    }
    String number = number(jobId);
    for (Map.Entry<String, Map<String, String>> e : jobs.entrySet()) {
      if (number(e.getKey()).equals(number)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String number(String jobId) {
    int dot = jobId.indexOf('.');
    return dot < 0 ? jobId : jobId.substring(0, dot);
  }

  /**
   * The exit status of an ended job ({@code exit_status} in Torque, {@code Exit_status} in PBS
   * Pro).
   */
  static Integer exitStatus(Map<String, String> attrs) {
    for (String k : new String[] {"exit_status", "Exit_status"}) {
      String v = attrs.get(k);
      if (v != null) {
        try {
          return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** {@code resources_used.walltime} ({@code HH:MM:SS}), or null. */
  static Duration usedWalltime(Map<String, String> attrs) {
    String v = attrs.get("resources_used.walltime");
    Matcher m = HMS.matcher(v == null ? "" : v.strip());
    if (!m.matches()) {
      return null;
    }
    return Duration.ofHours(Long.parseLong(m.group(1)))
        .plusMinutes(Integer.parseInt(m.group(2)))
        .plusSeconds(Integer.parseInt(m.group(3)));
  }
}
