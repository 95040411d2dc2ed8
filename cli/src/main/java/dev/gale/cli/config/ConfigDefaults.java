package dev.gale.cli.config;

import java.lang.reflect.AnnotatedElement;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.IAnnotatedElement;

/**
 * Supplies picocli's default for every option annotated with {@link Setting} from a {@link Config},
 * so a flag given on the command line wins over environment, file and default.
 */
public final class ConfigDefaults implements IDefaultValueProvider {
  private final Config config;

  public ConfigDefaults(Config config) {
    this.config = config;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    ConfigKey key = keyOf(arg);
    return key == null ? null : config.get(key);
  }

  /** The key an option is bound to, or null. */
  public static ConfigKey keyOf(ArgSpec arg) {
    Setting s = null;
    Object o = arg.userObject();
    if (o instanceof AnnotatedElement e) { // a field or method: picocli's annotated options
      s = e.getAnnotation(Setting.class);
    } else if (o instanceof IAnnotatedElement e) {
      s = e.getAnnotation(Setting.class);
    }
    return s == null ? null : s.value();
  }
}
