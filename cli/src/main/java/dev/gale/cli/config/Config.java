package dev.gale.cli.config;

import dev.gale.transfer.TransferSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Resolves configuration values: <b>flag &gt; environment &gt; config file &gt; default</b>. Flags
 * are applied by picocli; this class answers for everything below them. All values found in the
 * environment and the file are checked against their key's {@link ConfigKey.Type} when loading, so
 * a bad value fails before anything starts, naming where it came from.
 *
 * <p>Besides the keys of {@link ConfigKey}, the transfer module's keys ({@link
 * TransferSettings#KEYS}, {@code gale.transfer.*}) resolve the same way: they are listed only
 * there, and reach the gateway and the node agents as one {@link #transfer()} object.
 */
public final class Config {
  /** Where a value came from. */
  public enum Source {
    ENV,
    FILE,
    DEFAULT,
    NONE
  }

  /** A resolved value and its origin ({@code origin} names the variable or file). */
  public record Value(String value, Source source, String origin) {}

  private final Map<ConfigKey, Value> values;
  private final Map<String, Value> transferValues;
  private final Path file;

  private Config(Map<ConfigKey, Value> values, Map<String, Value> transferValues, Path file) {
    this.values = values;
    this.transferValues = transferValues;
    this.file = file;
  }

  /** Defaults only. */
  public static Config defaults() {
    return load(Map.of(), null);
  }

  /**
   * Loads the configuration.
   *
   * @param env the environment variables
   * @param file a Java properties file, or null
   * @throws ConfigException for an unreadable file, an unknown key in it, or a value of the wrong
   *     type
   */
  public static Config load(Map<String, String> env, Path file) {
    Properties props = file == null ? new Properties() : readFile(file);
    for (String name : new TreeSet<>(props.stringPropertyNames())) {
      if (ConfigKey.byKey(name) == null && !isTransferKey(name)) {
        throw new ConfigException(
            "config file " + file + ": unknown key '" + name + "'" + suggestion(name));
      }
    }
    Map<ConfigKey, Value> values = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) {
      Value v = null;
      for (String var : new String[] {k.envVar(), k.envAlias()}) {
        if (v == null && var != null && env.get(var) != null && !env.get(var).isEmpty()) {
          v = new Value(check(k, env.get(var).trim(), var), Source.ENV, var);
        }
      }
      if (v == null && props.getProperty(k.key()) != null) {
        String where = "config file " + file + ": " + k.key();
        v =
            new Value(
                check(k, props.getProperty(k.key()).trim(), where), Source.FILE, file.toString());
      }
      if (v == null) {
        String d = k.defaultValue();
        v =
            d == null
                ? new Value(null, Source.NONE, null)
                : new Value(expand(k, d), Source.DEFAULT, null);
      }
      values.put(k, v);
    }
    Map<String, Value> transfer = new LinkedHashMap<>();
    for (TransferSettings.Key k : TransferSettings.KEYS) {
      transfer.put(k.key(), resolve(k, env, props, file));
    }
    return new Config(values, transfer, file);
  }

  private static Value resolve(
      TransferSettings.Key k, Map<String, String> env, Properties props, Path file) {
    String fromEnv = env.get(k.envVar());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Value(check(k, fromEnv.trim(), k.envVar()), Source.ENV, k.envVar());
    }
    String fromFile = props.getProperty(k.key());
    if (fromFile != null && !fromFile.isBlank()) {
      String where = "config file " + file + ": " + k.key();
      return new Value(check(k, fromFile.trim(), where), Source.FILE, file.toString());
    }
    return k.defaultValue().isEmpty()
        ? new Value(null, Source.NONE, null)
        : new Value(k.defaultValue(), Source.DEFAULT, null);
  }

  private static String check(TransferSettings.Key k, String v, String where) {
    String problem = k.problem(v);
    if (problem != null) {
      throw new ConfigException(where + "='" + (k.isSecret() ? "(secret)" : v) + "': " + problem);
    }
    return v;
  }

  private static boolean isTransferKey(String name) {
    return TransferSettings.KEYS.stream().anyMatch(k -> k.key().equals(name));
  }

  /**
   * The value of a transfer key ({@code gale.transfer.*}, see {@link TransferSettings#KEYS}) with
   * where it came from.
   *
   * @throws IllegalArgumentException for a name that is not a transfer key
   */
  public Value lookupTransfer(String key) {
    Value v = transferValues.get(key);
    if (v == null) {
      throw new IllegalArgumentException("not a gale.transfer key: " + key);
    }
    return v;
  }

  /**
   * The {@code gale.transfer.*} settings as resolved here (environment, then config file, then
   * defaults), for the gateway's copies and the node agents' staging.
   */
  public TransferSettings transfer() {
    return TransferSettings.of(key -> transferValues.get(key).value());
  }

  /** The config file this configuration was read from, or null. */
  public Path file() {
    return file;
  }

  /** The value of a key (below flags), or null when it has none. */
  public String get(ConfigKey key) {
    return values.get(key).value();
  }

  /** The value with where it came from. */
  public Value lookup(ConfigKey key) {
    return values.get(key);
  }

  /** The value as an int, or {@code fallback} when it has none. */
  public int getInt(ConfigKey key, int fallback) {
    String v = get(key);
    return v == null ? fallback : Integer.parseInt(v);
  }

  /** The value as a path, or null. */
  public Path getPath(ConfigKey key) {
    String v = get(key);
    return v == null ? null : Path.of(v);
  }

  private static Properties readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config file " + file + " is malformed: " + e.getMessage(), e);
    }
    return p;
  }

  /** Checks a value against its type; returns it normalised (paths with ~ expanded). */
  static String check(ConfigKey k, String v, String where) {
    try {
      switch (k.type()) {
        case INT -> Integer.parseInt(v);
        case LONG -> Long.parseLong(v);
        case BOOLEAN -> {
          if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new ConfigException(where + "='" + v + "': not true or false");
          }
        }
        case URL -> {
          URI u = new URI(v);
          if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
              || u.getHost() == null) {
            throw new ConfigException(where + "='" + v + "': not an http(s)://host:port URL");
          }
        }
        default -> {}
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(where + "='" + v + "': not an integer");
    } catch (URISyntaxException e) {
      throw new ConfigException(where + "='" + v + "': not a URL (" + e.getReason() + ")");
    }
    return expand(k, v);
  }

  private static String expand(ConfigKey k, String v) {
    if (k.type() == ConfigKey.Type.PATH && (v.equals("~") || v.startsWith("~/"))) {
      return System.getProperty("user.home") + v.substring(1);
    }
    return v;
  }

  private static String suggestion(String name) {
    int bestDistance = Integer.MAX_VALUE;
    String best = null;
    java.util.List<String> known = new java.util.ArrayList<>();
    for (ConfigKey k : ConfigKey.values()) {
      known.add(k.key());
    }
    TransferSettings.KEYS.forEach(k -> known.add(k.key()));
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= 3
        ? " (did you mean " + best + "?)"
        : " (see 'gale config' for the known keys)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
