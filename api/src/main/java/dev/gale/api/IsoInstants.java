package dev.gale.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Instants as ISO-8601 UTC text ({@code 2026-05-01T12:00:00.123Z}), written and read without {@link
 * DateTimeFormatter}: every task record and worker result carries two or three of them, and the
 * formatter was a visible share of the gateway's JSON time.
 *
 * <p>The text is exactly {@link DateTimeFormatter#ISO_INSTANT}'s (the fraction in groups of three
 * digits, none for whole seconds). Years outside 0000–9999 are written by the formatter; any text
 * that is not {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, and numbers, are read by jsr310's own {@link
 * InstantDeserializer}, so nothing that was accepted before is refused.
 */
public final class IsoInstants {
  private IsoInstants() {}

  /** A module with the fast serializer and deserializer for {@link Instant}. */
  public static SimpleModule module() {
    SimpleModule m = new SimpleModule("gale-iso-instants");
    m.addSerializer(Instant.class, new Writer());
    m.addDeserializer(Instant.class, new Reader());
    return m;
  }

  /** The ISO-8601 text of an instant, as {@link DateTimeFormatter#ISO_INSTANT} writes it. */
  public static String format(Instant t) {
    long sec = t.getEpochSecond();
    long day = Math.floorDiv(sec, 86_400L);
    int secOfDay = (int) Math.floorMod(sec, 86_400L);
    LocalDate date;
    try {
      date = LocalDate.ofEpochDay(day);
    } catch (DateTimeException e) {
      return DateTimeFormatter.ISO_INSTANT.format(t);
    }
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(t);
    }
    int nano = t.getNano();
    char[] c = new char[30];
    int n = 0;
    n = digits(c, n, year, 4);
    c[n++] = '-';
    n = digits(c, n, date.getMonthValue(), 2);
    c[n++] = '-';
    n = digits(c, n, date.getDayOfMonth(), 2);
    c[n++] = 'T';
    n = digits(c, n, secOfDay / 3600, 2);
    c[n++] = ':';
    n = digits(c, n, secOfDay / 60 % 60, 2);
    c[n++] = ':';
    n = digits(c, n, secOfDay % 60, 2);
    if (nano != 0) {
      c[n++] = '.';
      if (nano % 1_000_000 == 0) {
        n = digits(c, n, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        n = digits(c, n, nano / 1000, 6);
      } else {
        n = digits(c, n, nano, 9);
      }
    }
    c[n++] = 'Z';
    return new String(c, 0, n);
  }

  /**
   * Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}; null for any other text (left to the formatter),
   * including out-of-range fields.
   */
  static Instant parseFast(CharSequence s) {
    int len = s.length();
    if (len < 20 || len > 30 || s.charAt(len - 1) != 'Z') {
      return null;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = num(s, 0, 4);
    int month = num(s, 5, 2);
    int day = num(s, 8, 2);
    int hour = num(s, 11, 2);
    int minute = num(s, 14, 2);
    int second = num(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || month < 1
        || month > 12
        || day < 1
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nano = 0;
    if (len > 20) {
      if (s.charAt(19) != '.' || len == 21) {
        return null;
      }
      int digits = len - 21;
      int f = num(s, 20, digits);
      if (f < 0) {
        return null;
      }
      for (int i = digits; i < 9; i++) {
        f *= 10;
      }
      nano = f;
    }
    LocalDate date;
    try {
      date = LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(
        date.toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second, nano);
  }

  private static int num(CharSequence s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  private static int digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  static final class Writer extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(format(value));
    }

    @Override
    public Class<Instant> handledType() {
      return Instant.class;
    }
  }

  static final class Reader extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        Instant fast = parseFast(p.getText());
        if (fast != null) {
          return fast;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }

    @Override
    public Class<?> handledType() {
      return Instant.class;
    }
  }
}
