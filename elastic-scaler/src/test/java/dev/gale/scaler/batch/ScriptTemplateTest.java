package dev.gale.scaler.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptTemplateTest {

  @Test
  void replacesPlaceholdersAndLeavesShellVariablesAlone() {
    ScriptTemplate t = ScriptTemplate.of("t", "#!/bin/sh\necho {{a}} ${HOME} {{a}}-{{b}}\n");
    assertThat(t.render(Map.of("a", "x$1", "b", "\\y")))
        .isEqualTo("#!/bin/sh\necho x$1 ${HOME} x$1-\\y\n");
  }

  @Test
  void dropsLinesOfEmptyPlaceholdersAndKeepsOneBlankLine() {
    ScriptTemplate t = ScriptTemplate.of("t", "a\n{{opt}}\n\n  {{init}}\n\nb\n{{multi}}\nc");
    assertThat(t.render(Map.of("opt", "", "init", "", "multi", "l1\nl2")))
        .isEqualTo("a\n\nb\nl1\nl2\nc");
  }

  @Test
  void aPlaceholderWithoutValueIsAnError() {
    assertThatThrownBy(() -> ScriptTemplate.of("job.tmpl", "{{missing}}").render(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("template job.tmpl has no value for {{missing}}");
  }

  @Test
  void aMissingResourceIsAPackagingError() {
    assertThatThrownBy(() -> ScriptTemplate.resource(ScriptTemplateTest.class, "nope.tmpl"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nope.tmpl not found");
  }
}
