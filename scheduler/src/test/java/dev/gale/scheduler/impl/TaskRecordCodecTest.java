package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.TaskState;
import dev.gale.scheduler.store.StoreException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskRecordCodec} keeps every field of {@link TaskRecord}. The round trip fills each
 * declared field by reflection with a value that differs from the field's default, so a field added
 * to {@code TaskRecord} and forgotten in the codec fails here (and a field of a type this test
 * cannot fill fails too, naming it).
 */
class TaskRecordCodecTest {
  private final TaskRecordCodec codec = new TaskRecordCodec();

  private static List<Field> fields() {
    List<Field> out = new ArrayList<>();
    for (Field f : TaskRecord.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
        f.setAccessible(true);
        out.add(f);
      }
    }
    return out;
  }

  /** A value for the field that is not its default; distinct per field where the type allows. */
  private static Object sample(Field f, int n) {
    Class<?> t = f.getType();
    if (t == String.class) {
      return f.getName().equals("args") || f.getName().equals("result")
          ? "{\"n\": " + n + ", \"s\": \"caf\\u00e9 \\\"q\\\"\", \"f\": 1.50}"
          : f.getName() + "-" + n + "-é\"";
    }
    if (t == int.class || t == Integer.class) {
      return 1000 + n;
    }
    if (t == long.class || t == Long.class) {
      return 1_700_000_000_000L + n;
    }
    if (t == boolean.class || t == Boolean.class) {
      return true;
    }
    if (t == TaskState.class) {
      return TaskState.RUNNING;
    }
    if (t == ErrorInfo.class) {
      return error(n);
    }
    if (t == List.class) {
      Type arg = ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
      if (arg == ErrorInfo.class) {
        return new ArrayList<>(List.of(error(n), ErrorInfo.of("timeout", "second")));
      }
      if (arg == String.class) {
        return new ArrayList<>(List.of(f.getName() + "-a", f.getName() + "-b"));
      }
    }
    if (t == java.util.Map.class) {
      return new java.util.HashMap<>(
          java.util.Map.of("up-" + n, "{\"r\": " + n + "}", "up-x", "[1,\"é\"]"));
    }
    return fail(
        "TaskRecord."
            + f.getName()
            + " has a type this test cannot fill ("
            + f.getGenericType()
            + "): teach sample() about it and make sure TaskRecordCodec writes the field");
  }

  private static ErrorInfo error(int n) {
    return new ErrorInfo(
        "nonzero_exit",
        "exit " + n,
        Json.readTree("{\"exitCode\":" + n + ",\"stdout\":\"out\",\"nested\":{\"a\":[1,2.5]}}"));
  }

  @Test
  void roundTripsEveryDeclaredField() throws Exception {
    TaskRecord r = new TaskRecord();
    int n = 1;
    for (Field f : fields()) {
      f.set(r, sample(f, n++));
    }

    TaskRecord back = codec.decode(codec.encode(r));

    for (Field f : fields()) {
      assertThat(f.get(back))
          .as("TaskRecord.%s after a round trip through TaskRecordCodec", f.getName())
          .isEqualTo(f.get(r));
    }
    assertThat(back.toTask()).isEqualTo(r.toTask());
  }

  @Test
  void roundTripsAFreshTaskWithItsNullsAndZeros() throws Exception {
    TaskRecord r = new TaskRecord();
    r.id = "tabc.0";
    r.state = TaskState.QUEUED;
    r.args = "{}";
    r.createdAt = 5;

    TaskRecord back = codec.decode(codec.encode(r));

    for (Field f : fields()) {
      assertThat(f.get(back)).as("TaskRecord.%s", f.getName()).isEqualTo(f.get(r));
    }
  }

  @Test
  void exposesTheIndexedColumns() {
    TaskRecord r = new TaskRecord();
    r.state = TaskState.SUCCEEDED;
    r.finishedAt = 77;
    assertThat(codec.state(r)).isEqualTo(TaskState.SUCCEEDED);
    assertThat(codec.finishedAt(r)).isEqualTo(77);
  }

  @Test
  void refusesBytesThatAreNotAStoredTask() {
    assertThatThrownBy(() -> codec.decode("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> codec.decode("{\"v\":99}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("version 99");
  }
}
