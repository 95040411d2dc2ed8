package dev.gale.cli.config;

/** The configuration (file, environment) is invalid; the message says where and why. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
