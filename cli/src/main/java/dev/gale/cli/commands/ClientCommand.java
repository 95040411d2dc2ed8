package dev.gale.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.cli.Main;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.client.GaleClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that call the HTTP API: the connection options, the client, JSON input and
 * pretty-printed JSON output.
 */
public abstract class ClientCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Setting(ConfigKey.CLIENT_URL)
  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "Gale service (default: ${DEFAULT-VALUE}; $GALE_URL)")
  URI url;

  @Setting(ConfigKey.CLIENT_TOKEN_FILE)
  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "file with the bearer token (default: $GALE_TOKEN, else $GALE_HOME/token)")
  Path tokenFile;

  /** A client for the configured service and token. */
  protected GaleClient client() {
    return GaleClient.builder().url(serviceUrl()).token(token()).build();
  }

  /** The configured service URL. */
  protected URI serviceUrl() {
    return url != null ? url : URI.create(Main.of(spec).config().get(ConfigKey.CLIENT_URL));
  }

  /** The bearer token: {@code --token-file}, else the configured token, else the home's file. */
  protected String token() {
    Main main = Main.of(spec);
    String token = null;
    if (tokenFile != null) {
      token = GaleClient.readTokenFile(tokenFile);
      if (token == null) {
        throw new ParameterException(spec.commandLine(), "no token file " + tokenFile);
      }
    }
    if (token == null) {
      token = main.config().get(ConfigKey.CLIENT_TOKEN);
    }
    if (token == null) {
      token = GaleClient.readTokenFile(main.home().resolve("token"));
    }
    return token;
  }

  /** Prints a value as indented JSON on stdout. */
  protected void print(Object value) {
    JsonNode tree = value instanceof JsonNode n ? n : Json.readTree(Json.write(value));
    try {
      spec.commandLine()
          .getOut()
          .println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    spec.commandLine().getOut().flush();
  }

  /** Prints one error line on stderr. */
  protected void printError(String code, String message) {
    spec.commandLine().getErr().println("error: " + code + ": " + message);
    spec.commandLine().getErr().flush();
  }

  /**
   * Parses a JSON option value: inline JSON, or {@code @file} to read it from a file.
   *
   * @throws ParameterException naming the option when it is not valid JSON
   */
  protected JsonNode json(String option, String value) {
    String text = value;
    if (value.startsWith("@")) {
      Path p = Path.of(value.substring(1));
      try {
        text = Files.readString(p);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), option + ": cannot read " + p + ": " + e.getMessage());
      }
    }
    try {
      return Json.readTree(text);
    } catch (InvalidRequestException e) {
      throw new ParameterException(
          spec.commandLine(), option + " is not valid JSON: " + e.getMessage());
    }
  }
}
