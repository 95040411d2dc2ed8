package dev.gale.runtime.kinds.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.RawJson;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArgvTemplateTest {

  static Stream<Arguments> renderings() {
    return Stream.of(
        Arguments.of("no placeholder", List.of("echo", "hi"), "{}", List.of("echo", "hi")),
        Arguments.of("whole element", List.of("seq", "{n}"), "{\"n\":5}", List.of("seq", "5")),
        Arguments.of("inside text", List.of("--n={n}x"), "{\"n\":5}", List.of("--n=5x")),
        Arguments.of("two in one", List.of("{a}-{b}"), "{\"a\":\"x\",\"b\":\"y\"}", List.of("x-y")),
        Arguments.of("string as is", List.of("{s}"), "{\"s\":\"a b\\tc\"}", List.of("a b\tc")),
        Arguments.of("number text kept", List.of("{x}"), "{\"x\":1.50}", List.of("1.50")),
        Arguments.of(
            "big integer",
            List.of("{x}"),
            "{\"x\":123456789012345678901}",
            List.of("123456789012345678901")),
        Arguments.of("boolean", List.of("{b}"), "{\"b\":true}", List.of("true")),
        Arguments.of("null", List.of("{v}"), "{\"v\":null}", List.of("null")),
        Arguments.of(
            "object compact", List.of("{o}"), "{\"o\": {\"k\": [1, 2]}}", List.of("{\"k\":[1,2]}")),
        Arguments.of("array compact", List.of("{a}"), "{\"a\": [1, \"x\"]}", List.of("[1,\"x\"]")),
        Arguments.of("escaped braces", List.of("{{n}}"), "{\"n\":5}", List.of("{n}")),
        Arguments.of("escape around", List.of("{{{n}}}"), "{\"n\":5}", List.of("{5}")),
        Arguments.of("awk program", List.of("{{print $1}}"), "{}", List.of("{print $1}")),
        Arguments.of(
            "shell injection stays one element",
            List.of("echo", "{s}"),
            "{\"s\":\"; rm -rf / #\"}",
            List.of("echo", "; rm -rf / #")),
        Arguments.of(
            "command substitution stays text",
            List.of("echo", "{s}"),
            "{\"s\":\"$(reboot) `id` && ls | cat > /etc/x\"}",
            List.of("echo", "$(reboot) `id` && ls | cat > /etc/x")),
        Arguments.of(
            "placeholder value is not re-expanded",
            List.of("{a}"),
            "{\"a\":\"{b}\",\"b\":\"no\"}",
            List.of("{b}")),
        Arguments.of("dotted name", List.of("{in.file}"), "{\"in.file\":\"f\"}", List.of("f")),
        Arguments.of("empty element", List.of(""), "{}", List.of("")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void rendersEachElementIntoExactlyOneArgument(
      String name, List<String> command, String args, List<String> expected) throws Exception {
    ArgvTemplate template = ArgvTemplate.parse(command);
    List<String> argv = template.render(ArgText.of(RawJson.of(args), template.names()));
    assertThat(argv).containsExactlyElementsOf(expected);
  }

  @Test
  void missingArgumentIsNamed() {
    ArgvTemplate template = ArgvTemplate.parse(List.of("seq", "{n}", "{m}"));
    assertThatThrownBy(() -> template.render(ArgText.of(RawJson.of("{\"n\":1}"), template.names())))
        .isInstanceOf(ArgvTemplate.MissingArgumentException.class)
        .hasMessageContaining("'m'")
        .extracting(e -> ((ArgvTemplate.MissingArgumentException) e).name())
        .isEqualTo("m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "a{b", "}", "a}b", "{}", "{a b}", "{a{b}", "{$x}", "{{a}"})
  void malformedTemplatesAreRejectedWithTheElement(String element) {
    assertThatThrownBy(() -> ArgvTemplate.parse(List.of("prog", element)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command[1]");
  }

  @Test
  void namesAreListedInOrderOfFirstUse() {
    assertThat(ArgvTemplate.parse(List.of("{b}", "{a}{b}", "x")).names()).containsExactly("b", "a");
  }

  @Test
  void argsThatAreNotAnObjectAreRejected() {
    assertThatThrownBy(() -> ArgText.of(RawJson.of("[1,2]"), java.util.Set.of("n")))
        .isInstanceOf(ArgText.NotAnObjectException.class)
        .hasMessageContaining("an array");
  }
}
