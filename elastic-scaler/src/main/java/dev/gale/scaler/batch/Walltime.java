package dev.gale.scaler.batch;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Walltimes as batch systems write them: {@code HH:MM:SS} or {@code D-HH:MM:SS}. */
public final class Walltime {
  private static final Pattern FORMAT = Pattern.compile("(?:(\\d+)-)?(\\d+):(\\d{2}):(\\d{2})");

  private Walltime() {}

  /**
   * Parses {@code HH:MM:SS} (hours may exceed 23) or {@code D-HH:MM:SS}.
   *
   * @throws IllegalArgumentException when the text has another form, minutes or seconds exceed 59,
   *     or the duration is zero
   */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected HH:MM:SS or D-HH:MM:SS, got '" + text + "'");
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long hours = Long.parseLong(m.group(2));
    int minutes = Integer.parseInt(m.group(3));
    int seconds = Integer.parseInt(m.group(4));
    if (minutes > 59 || seconds > 59) {
      throw new IllegalArgumentException(
          "minutes and seconds must be below 60, got '" + text + "'");
    }
    Duration d = Duration.ofDays(days).plusHours(hours).plusMinutes(minutes).plusSeconds(seconds);
    if (d.isZero()) {
      throw new IllegalArgumentException("walltime must be positive, got '" + text + "'");
    }
    return d;
  }

  /** {@code HH:MM:SS} with as many hour digits as needed; fractions of a second round up. */
  public static String hms(Duration d) {
    long s = seconds(d);
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  /** {@code HH:MM:SS} below a day, {@code D-HH:MM:SS} from a day on (Slurm's {@code --time}). */
  public static String slurm(Duration d) {
    long s = seconds(d);
    if (s < 86_400) {
      return hms(d);
    }
    return String.format("%d-%02d:%02d:%02d", s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
  }

  private static long seconds(Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("walltime must be positive, got " + d);
    }
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }
}
