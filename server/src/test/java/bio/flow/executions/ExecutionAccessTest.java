package bio.flow.executions;

import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what with an execution, over real HTTP: read it (detail, Nextflow log, results archive), share,
 * transfer and delete it (one or in a batch), for every kind of caller; and the rules of deleting and transferring
 * (outputs that later runs read, what goes with a run; a run still going: {@link ExecutionQueueTest}). Executions are inserted as the engine
 * leaves them ({@link ExecutionRows}).
 */
class ExecutionAccessTest {
    private static final TestServer server = TestServer.shared();

    enum Who { ANONYMOUS, OWNER, READER, EDITOR, SHARER, PROJECT_READER, STRANGER, ADMIN }

    /** The accounts, made once: the owner's runs are granted to READER, EDITOR and SHARER, attached to a project PROJECT_READER reads. */
    private static final class World {
        static World instance;
        final Account owner = Users.signUp(server, "eaowner");
        final Account reader = Users.signUp(server, "eareader");
        final Account editor = Users.signUp(server, "eaeditor");
        final Account sharer = Users.signUp(server, "easharer");
        final Account projectReader = Users.signUp(server, "eaproject");
        final Account stranger = Users.signUp(server, "eastranger");
        final Account recipient = Users.signUp(server, "earecipient");
        final Account admin = Users.admin(server);
        final long project = Fixtures.project(owner, "Runs", false);

        {
            Fixtures.shareWithUser(owner, "projects", project, projectReader, 1);
        }

        static synchronized World get() {
            if (instance == null) instance = new World();
            return instance;
        }

        /** A completed run of the owner in the project, with an output and a log, granted to the reader, editor and sharer. */
        long execution() {
            long e = ExecutionRows.completed(server, owner, project);
            ExecutionRows.output(server, owner, e, "out.txt", "result\n", "P", null);
            Fixtures.shareWithUser(owner, "executions", e, reader, 1);
            Fixtures.shareWithUser(owner, "executions", e, editor, 2);
            Fixtures.shareWithUser(owner, "executions", e, sharer, 3);
            try {
                Path log = RunDirectory.of(server.dataDir().resolve("runs"), e).nextflowLog();
                Files.createDirectories(log.getParent());
                Files.writeString(log, "log\n");
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
            return e;
        }

        Api api(Who who) {
            return switch (who) {
                case ANONYMOUS -> server.client();
                case OWNER -> owner.api();
                case READER -> reader.api();
                case EDITOR -> editor.api();
                case SHARER -> sharer.api();
                case PROJECT_READER -> projectReader.api();
                case STRANGER -> stranger.api();
                case ADMIN -> admin.api();
            };
        }
    }

    enum Action {
        GET((api, e) -> api.get("/executions/" + e)),
        LOG((api, e) -> api.get("/executions/" + e + "/log")),
        RESULTS((api, e) -> api.get("/executions/" + e + "/results.zip")),
        SHARE((api, e) -> api.post("/executions/" + e + "/share", ExecutionRows.share(World.get().recipient, 1))),
        TRANSFER((api, e) -> api.post("/executions/" + e + "/transfer", Map.of("user", World.get().recipient.username()))),
        DELETE((api, e) -> api.post("/executions/" + e + "/delete")),
        BATCH_DELETE((api, e) -> api.post("/executions/delete", Map.of("ids", List.of(e))));

        final BiFunction<Api, Long, Api.Res> request;

        Action(BiFunction<Api, Long, Api.Res> request) {
            this.request = request;
        }
    }

    /* Columns: GET, log, results.zip, share, transfer, delete, batch delete (400: nothing deleted, details.failed). */
    private static final Object[][] EXPECTED = {
            {Who.ANONYMOUS, "404 404 404 401 401 401 401"},
            {Who.OWNER, "200 200 200 200 200 200 200"},
            {Who.READER, "200 200 200 403 403 403 400"},
            {Who.EDITOR, "200 200 200 403 403 403 400"},
            {Who.SHARER, "200 200 200 200 403 403 400"},
            {Who.PROJECT_READER, "200 200 200 403 403 403 400"},
            {Who.STRANGER, "404 404 404 404 404 404 400"},
            {Who.ADMIN, "200 200 200 200 200 200 200"},
    };

    static Stream<Arguments> matrix() {
        return Arrays.stream(EXPECTED).flatMap(row -> {
            int[] statuses = Arrays.stream(((String) row[1]).split(" ")).mapToInt(Integer::parseInt).toArray();
            return Arrays.stream(Action.values()).map(a -> Arguments.of(row[0], a, statuses[a.ordinal()]));
        });
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("matrix")
    void statusMatrix(Who who, Action action, int expected) {
        World w = World.get();
        long e = w.execution();
        Api.Res r = action.request.apply(w.api(who), e);
        assertThat(r.status()).as(who + " " + action + ": " + r).isEqualTo(expected);
        boolean ok = expected / 100 == 2;
        Api admin = w.admin.api();
        switch (action) {
            case DELETE, BATCH_DELETE -> assertThat(admin.get("/executions/" + e).status()).isEqualTo(ok ? 404 : 200);
            case TRANSFER -> assertThat(admin.get("/executions/" + e).json().path("owner").path("id").asLong())
                    .isEqualTo(ok ? w.recipient.id() : w.owner.id());
            case SHARE -> { if (ok) assertThat(r.json().path("users").toString()).contains(w.recipient.username()); }
            default -> { }
        }
    }

    @Test
    void anUnreadableExecutionAnswersAsOneThatDoesNotExist() {
        World w = World.get();
        long e = w.execution();
        long missing = e + 1_000_000;
        for (String path : List.of("", "/log", "/results.zip")) {
            Api.Res hidden = w.stranger.api().get("/executions/" + e + path);
            Api.Res none = w.stranger.api().get("/executions/" + missing + path);
            assertThat(hidden.status()).isEqualTo(none.status()).isEqualTo(404);
            assertThat(message(hidden).replace(Long.toString(e), "N")).isEqualTo(message(none).replace(Long.toString(missing), "N"));
        }
        for (Action action : List.of(Action.SHARE, Action.TRANSFER, Action.DELETE)) {
            Api.Res hidden = action.request.apply(w.stranger.api(), e);
            Api.Res none = action.request.apply(w.stranger.api(), missing);
            assertThat(hidden.status()).as(action.name()).isEqualTo(none.status()).isEqualTo(404);
            assertThat(message(hidden).replace(Long.toString(e), "N")).isEqualTo(message(none).replace(Long.toString(missing), "N"));
        }
    }

    private static String message(Api.Res r) {
        return r.json().path("error").path("message").asText();
    }

    @Test
    void aPublicProjectsRunsAreReadableByEveryoneButChangeableByNoOne() {
        World w = World.get();
        long open = Fixtures.project(w.owner, "Open runs", true);
        long e = ExecutionRows.completed(server, w.owner, open);
        assertThat(server.client().get("/executions/" + e).status()).isEqualTo(200);
        assertThat(w.stranger.api().get("/executions/" + e).json().path("permissions").path("can_edit").asBoolean()).isFalse();
        assertStatus(w.stranger.api().post("/executions/" + e + "/delete"), 403, "FORBIDDEN");
    }

    @Test
    void outputsThatLaterRunsReadKeepTheirRun() {
        World w = World.get();
        long first = ExecutionRows.completed(server, w.owner, null);
        long counts = ExecutionRows.output(server, w.owner, first, "counts.tsv", "g\t1\n", "QUANT", null);
        ExecutionRows.output(server, w.owner, first, "unused.txt", "u\n", "QUANT", null);
        long later = ExecutionRows.completed(server, w.reader, null);
        ExecutionRows.read(server, later, counts, "counts");

        Api.Res refused = w.owner.api().post("/executions/" + first + "/delete");
        assertStatus(refused, 409, "CONFLICT");
        assertThat(message(refused)).contains("data " + counts + " (counts.tsv) by execution " + later);
        JsonNode used = refused.json().path("error").path("details").path("used");
        assertThat(used).hasSize(1);
        assertThat(used.get(0).path("id").asLong()).isEqualTo(counts);
        assertThat(used.get(0).path("executions").get(0).asLong()).isEqualTo(later);
        assertThat(w.owner.api().get("/data/" + counts).status()).isEqualTo(200);

        // deleting the later run too (both the admin's to delete) is fine: no run is left without its inputs
        Api.Res both = w.admin.api().post("/executions/delete", Map.of("ids", List.of(first, later)));
        assertThat(both.status()).as(both.toString()).isEqualTo(200);
        assertThat(w.admin.api().get("/data/" + counts).status()).isEqualTo(404);
    }

    @Test
    void deletingARunRemovesItsOutputsAndRunDirectory() throws Exception {
        World w = World.get();
        long e = w.execution();
        long out = Fixtures.ids(w.owner.api().get("/executions/" + e).json().path("outputs")).get(0);
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        Path run = RunDirectory.of(server.dataDir().resolve("runs"), e).root();
        Files.createDirectories(run.resolve("work/ab/cdef"));
        Files.writeString(run.resolve("work/ab/cdef/.command.log"), "task\n");
        // a staged input is a symlink: the delete removes the link, never what it points to
        Path input = Files.writeString(server.dataDir().resolve("kept-" + e + ".txt"), "keep me");
        Files.createSymbolicLink(run.resolve("reads.fastq"), input);
        assertThat(storage.exists(StorageKey.of("data", out))).isTrue();

        Api.Res r = w.owner.api().post("/executions/" + e + "/delete");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("message").asText()).isEqualTo("execution " + e + " and its outputs were deleted");
        assertThat(w.admin.api().get("/data/" + out).status()).isEqualTo(404);
        assertThat(storage.exists(StorageKey.of("data", out))).isFalse();
        assertThat(run).doesNotExist();
        assertThat(input).hasContent("keep me");
        assertThat(server.queryLong("SELECT count(*) FROM execution_grants WHERE execution_id = " + e)).isZero();
    }

    @Test
    void anOutputTransferredToAnotherUserSurvivesTheDeleteOfItsRun() {
        World w = World.get();
        long e = w.execution();
        long mine = Fixtures.ids(w.owner.api().get("/executions/" + e).json().path("outputs")).get(0);
        long given = ExecutionRows.output(server, w.owner, e, "given.txt", "theirs now\n", "P", null);
        Api.Res t = w.owner.api().post("/data/" + given + "/transfer", Map.of("user", w.recipient.username()));
        assertThat(t.status()).as(t.toString()).isEqualTo(200);
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));

        assertThat(w.owner.api().post("/executions/" + e + "/delete").status()).isEqualTo(200);
        assertThat(w.admin.api().get("/data/" + mine).status()).isEqualTo(404);
        Api.Res kept = w.recipient.api().get("/data/" + given);
        assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
        assertThat(kept.json().path("owner").path("id").asLong()).isEqualTo(w.recipient.id());
        assertThat(kept.json().path("execution").isNull() || kept.json().path("execution").isMissingNode()).isTrue();
        assertThat(storage.exists(StorageKey.of("data", given))).isTrue();
    }

    @Test
    void aHugeRunShowsItsFirstTasksAndOutputsWithTheirTotals() {
        World w = World.get();
        long e = w.execution();
        int tasks = Executions.MAX_LISTED + 1;
        server.sql("INSERT INTO process_executions (execution_id, task_id, process, name, status) "
                + "SELECT " + e + ", n, 'P', 'P (' || n || ')', 'completed' FROM generate_series(1, " + tasks + ") n");
        server.sql("INSERT INTO data (filename, size, data_type, compression, owner_id, status, execution_id) "
                + "SELECT 'o' || n || '.txt', 0, 'TEXT', 'none', " + w.owner.id() + ", 'ready', " + e + " FROM generate_series(1, " + Executions.MAX_LISTED + ") n");
        Api.Res r = w.owner.api().get("/executions/" + e);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("process_executions").size()).isEqualTo(Executions.MAX_LISTED);
        assertThat(r.json().path("process_executions_total").asLong()).isEqualTo(tasks);
        assertThat(r.json().path("outputs").size()).isEqualTo(Executions.MAX_LISTED);
        assertThat(r.json().path("outputs_total").asLong()).isEqualTo(Executions.MAX_LISTED + 1);
    }

    @Test
    void transferHandsTheOutputsOverWithTheRun() {
        World w = World.get();
        long e = w.execution();
        long out = Fixtures.ids(w.owner.api().get("/executions/" + e).json().path("outputs")).get(0);
        Api.Res r = w.owner.api().post("/executions/" + e + "/transfer", Map.of("user", w.recipient.username()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("owner").path("id").asLong()).isEqualTo(w.recipient.id());
        // the old owner keeps share level on the run, which covers its outputs
        assertThat(r.json().path("permissions").path("can_share").asBoolean()).isTrue();
        assertThat(r.json().path("permissions").path("can_delete").asBoolean()).isFalse();
        assertThat(w.recipient.api().get("/data/" + out).json().path("owner").path("id").asLong()).isEqualTo(w.recipient.id());
        assertThat(w.owner.api().get("/data/" + out).status()).isEqualTo(200);
        assertThat(Fixtures.ids(w.recipient.api().get("/executions/owned").json().path("executions"))).contains(e);
        assertThat(Fixtures.ids(w.owner.api().get("/executions/shared?limit=100").json().path("executions"))).contains(e);
    }
}
