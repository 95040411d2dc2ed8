package dev.gale.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs {@link Main} in this JVM and captures what it prints. */
final class CliTestSupport {
  record Run(int code, String out, String err) {}

  private CliTestSupport() {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }
}
