package dev.gale.scaler.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A scripted {@link CommandRunner} for unit tests of parsing and decisions: answers each command
 * with a function of its argv and records what ran.
 */
public final class FakeRunner implements CommandRunner {
  private final List<List<String>> ran = new ArrayList<>();
  private Function<List<String>, CommandResult> answer;

  public FakeRunner(Function<List<String>, CommandResult> answer) {
    this.answer = answer;
  }

  /** Replaces the answers. */
  public synchronized void answer(Function<List<String>, CommandResult> answer) {
    this.answer = answer;
  }

  @Override
  public synchronized CommandResult run(List<String> argv) {
    ran.add(List.copyOf(argv));
    return answer.apply(argv);
  }

  /** The commands run so far, and forgets them. */
  public synchronized List<List<String>> takeRan() {
    List<List<String>> out = List.copyOf(ran);
    ran.clear();
    return out;
  }

  /** A successful result. */
  public static CommandResult ok(List<String> argv, String stdout) {
    return new CommandResult(argv, 0, stdout, "");
  }

  /** A failed result. */
  public static CommandResult failed(List<String> argv, int code, String stderr) {
    return new CommandResult(argv, code, "", stderr);
  }
}
