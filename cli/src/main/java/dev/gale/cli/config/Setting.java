package dev.gale.cli.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a picocli option to a configuration key: when the flag is absent, its value comes from the
 * environment, the config file or the key's default ({@link ConfigDefaults}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface Setting {
  ConfigKey value();
}
