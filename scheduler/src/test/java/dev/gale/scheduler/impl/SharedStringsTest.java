package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import dev.gale.api.TaskState;
import org.junit.jupiter.api.Test;

/** Task records read back share one copy of the strings that records repeat. */
class SharedStringsTest {

  @Test
  void equalStringsBecomeOneCopyAndNullStaysNull() {
    String a = new String("acme-tenant");
    String b = new String("acme-tenant");
    assertThat(SharedStrings.of(a)).isSameAs(SharedStrings.of(b)).isEqualTo("acme-tenant");
    assertThat(SharedStrings.of(null)).isNull();
  }

  @Test
  void keepsAnsweringEqualStringsWhenFull() {
    for (int i = 0; i < SharedStrings.MAX * 2 + 10; i++) {
      assertThat(SharedStrings.of("s-" + i)).isEqualTo("s-" + i);
    }
  }

  @Test
  void deserializedRecordsShareTenantFunctionKindPoolAndWorkerButNotIdOrArgs() {
    InternalSerializationService ss =
        new DefaultSerializationServiceBuilder()
            .addDataSerializableFactory(
                SchedulerSerialization.FACTORY_ID, new SchedulerSerialization())
            .build();
    TaskRecord r = new TaskRecord();
    r.id = "tabc.1";
    r.tenant = "acme";
    r.functionId = "fn-1";
    r.functionName = "echo";
    r.kind = "java";
    r.pool = "default";
    r.state = TaskState.RUNNING;
    r.args = "{\"i\":1}";
    r.worker = "w-1";
    TaskRecord x = ss.toObject(ss.toData(r));
    TaskRecord y = ss.toObject(ss.toData(r));
    assertThat(x.tenant).isSameAs(y.tenant).isEqualTo("acme");
    assertThat(x.functionId).isSameAs(y.functionId);
    assertThat(x.functionName).isSameAs(y.functionName);
    assertThat(x.kind).isSameAs(y.kind);
    assertThat(x.pool).isSameAs(y.pool);
    assertThat(x.worker).isSameAs(y.worker).isEqualTo("w-1");
    assertThat(x.id).isEqualTo(y.id).isNotSameAs(y.id);
    assertThat(x.args).isEqualTo(y.args).isNotSameAs(y.args);
    assertThat(x.toTask()).isEqualTo(r.toTask());
  }
}
