package dev.gale.cli.commands;

import dev.gale.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gale artifacts upload FILE}. */
@Command(
    name = "artifacts",
    mixinStandardHelpOptions = true,
    description = "Upload JARs for java functions.",
    subcommands = ArtifactsCommand.Upload.class)
public final class ArtifactsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: upload");
  }

  @Command(
      name = "upload",
      mixinStandardHelpOptions = true,
      description = "Upload a JAR; prints its digest for a java function's spec.")
  static final class Upload extends ClientCommand {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), "no such file: " + file);
      }
      print(client().uploadArtifact(file));
      return Main.OK;
    }
  }
}
