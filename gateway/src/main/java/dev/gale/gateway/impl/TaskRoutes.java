package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Exchange.bytes;
import static dev.gale.gateway.impl.Exchange.principal;
import static dev.gale.gateway.impl.Exchange.respond;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TokenRecord;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.Submitted;
import dev.gale.scheduler.TaskPage;
import dev.gale.scheduler.TaskQuery;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Invoking and tasks: {@code POST /v1/functions/{id}/invoke}, {@code POST/GET /v1/tasks}, {@code
 * POST /v1/tasks/wait}, {@code GET /v1/tasks/{id}}, {@code POST /v1/tasks/{id}/cancel}. A tenant
 * sees only its own tasks; anything else is 404. Waits are long-polls ({@link LongPolls}).
 */
final class TaskRoutes {
  private final GatewayCore core;
  private final Scheduler scheduler;
  private final GatewayOptions options;

  TaskRoutes(GatewayCore core) {
    this.core = core;
    this.scheduler = core.scheduler;
    this.options = core.options;
  }

  /** Adds this group's routes; call after the body and authentication handlers. */
  void mount(Router r) {
    r.post("/v1/functions/:id/invoke").handler(this::handleInvoke);
    r.post("/v1/tasks").handler(this::handleSubmitTasks);
    r.get("/v1/tasks").handler(this::handleListTasks);
    r.post("/v1/tasks/wait").handler(this::handleWaitTasks);
    r.get("/v1/tasks/:id").handler(this::handleGetTask);
    r.post("/v1/tasks/:id/cancel").handler(this::handleCancelTask);
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return core.vertx.executeBlocking(call, false);
  }

  private void handleInvoke(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    String id = ctx.pathParam("id");
    TaskRequests.Invoke req =
        TaskRequests.invoke(bytes(ctx), options.maxArgsBytes(), options.maxWaitSeconds());
    long mark = core.waiters.mark();
    Context context = core.vertx.getOrCreateContext();
    blocking(
            () -> {
              FunctionDefinition f = core.functions.visible(id, p.tenant());
              String pool = poolOf(req.pool(), f);
              int priority = req.priority() == null ? 0 : req.priority();
              // straight to a worker of this gateway when one has room and nothing is queued
              Submitted s =
                  core.hub.submitDirect(
                      new NewTask(p.tenant(), f, RawJson.of(req.args()), pool, priority));
              Future<Task> answer =
                  core.longPolls.awaitOne(s.task(), req.waitSeconds(), mark, context);
              core.metrics.submitted(f.kind(), 1);
              if (s.dispatch() != null) {
                core.metrics.direct();
              }
              return answer;
            })
        .compose(answer -> answer)
        .onSuccess(t -> respond(ctx, t.state().isTerminal() ? 200 : 202, t))
        .onFailure(ctx::fail);
  }

  private static String poolOf(String requested, FunctionDefinition f) {
    if (requested != null) {
      return requested;
    }
    return f.pool() != null ? f.pool() : "default";
  }

  private void handleSubmitTasks(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    List<TaskRequests.Entry> entries =
        TaskRequests.batch(bytes(ctx), options.maxArgsBytes(), options.maxBatchSize());
    blocking(
            () -> {
              Map<String, FunctionDefinition> defs = new HashMap<>();
              List<NewTask> tasks = new ArrayList<>(entries.size());
              Map<String, Integer> perKind = new TreeMap<>();
              for (int i = 0; i < entries.size(); i++) {
                TaskRequests.Entry e = entries.get(i);
                FunctionDefinition f = defs.get(e.function());
                if (f == null) {
                  Optional<FunctionDefinition> found =
                      core.functions.loadFresh(e.function()).filter(d -> d.visibleTo(p.tenant()));
                  if (found.isEmpty()) {
                    String field = "tasks[" + i + "].function";
                    throw new NotFoundException(
                        "not_found",
                        field + ": no function " + e.function(),
                        Json.object().put("field", field).put("function", e.function()));
                  }
                  f = found.get();
                  defs.put(f.id(), f);
                }
                int priority = e.priority() == null ? 0 : e.priority();
                tasks.add(
                    new NewTask(
                        p.tenant(),
                        f,
                        RawJson.of(e.args()),
                        poolOf(e.pool(), f),
                        priority,
                        e.ref()));
                perKind.merge(f.kind(), 1, Integer::sum);
              }
              List<Task> submitted = scheduler.submit(tasks);
              perKind.forEach(core.metrics::submitted);
              return submitted;
            })
        .onSuccess(list -> respond(ctx, 202, new Exchange.TaskList(list)))
        .onFailure(ctx::fail);
  }

  private void handleGetTask(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    String id = ctx.pathParam("id");
    double wait = TaskRequests.waitParam(ctx.request().getParam("wait"), options.maxWaitSeconds());
    long mark = core.waiters.mark();
    blocking(() -> ownTask(id, tenant))
        .compose(t -> core.longPolls.awaitOne(t, wait, mark))
        .onSuccess(t -> respond(ctx, 200, t))
        .onFailure(ctx::fail);
  }

  private void handleWaitTasks(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    TaskRequests.Wait req =
        TaskRequests.waitFor(bytes(ctx), options.maxBatchSize(), options.maxWaitSeconds());
    long mark = core.waiters.mark();
    blocking(
            () -> {
              List<Optional<Task>> found = scheduler.getTasks(req.ids());
              List<Task> tasks = new ArrayList<>(found.size());
              for (int i = 0; i < found.size(); i++) {
                Optional<Task> t = found.get(i);
                if (t.isEmpty() || !tenant.equals(t.get().tenant())) {
                  String field = "ids[" + i + "]";
                  throw new NotFoundException(
                      "not_found",
                      field + ": no task " + req.ids().get(i),
                      Json.object().put("field", field).put("task", req.ids().get(i)));
                }
                tasks.add(t.get());
              }
              return tasks;
            })
        .compose(tasks -> core.longPolls.awaitAll(tasks, req.waitSeconds(), mark))
        .onSuccess(tasks -> respond(ctx, 200, new Exchange.TaskList(tasks)))
        .onFailure(ctx::fail);
  }

  private void handleCancelTask(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    String id = ctx.pathParam("id");
    blocking(
            () -> {
              ownTask(id, tenant);
              return scheduler.cancel(id);
            })
        .onSuccess(t -> respond(ctx, 200, t))
        .onFailure(ctx::fail);
  }

  private void handleListTasks(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    TaskQuery q =
        new TaskQuery(
            tenant,
            TaskRequests.stateParam(ctx.request().getParam("state")),
            emptyToNull(ctx.request().getParam("function")),
            TaskRequests.limitParam(ctx.request().getParam("limit")),
            emptyToNull(ctx.request().getParam("cursor")));
    blocking(() -> scheduler.listTasks(q))
        .onSuccess(
            (TaskPage page) ->
                respond(ctx, 200, new Exchange.TaskListPage(page.tasks(), page.nextCursor())))
        .onFailure(ctx::fail);
  }

  /** The task if it belongs to the tenant; 404 otherwise. Blocks. */
  private Task ownTask(String id, String tenant) {
    return scheduler
        .getTask(id)
        .filter(t -> tenant.equals(t.tenant()))
        .orElseThrow(
            () ->
                new NotFoundException("not_found", "no task " + id, Json.object().put("task", id)));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
