package bio.flow.pipelines;

import static bio.flow.pipelines.PipelineRegistryTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Pipelines;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions registered from git URLs: pinned checkouts under the data directory, and failures that leave nothing behind. */
class GitSourceTest {
    private static final TestServer server = TestServer.shared();
    private final Account admin = Users.admin(server);

    @TempDir
    Path repo;

    private String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=Test", "-c", "user.email=test@flow.test"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError(command + ": " + out);
        return out.strip();
    }

    /** A repository with a tagged first commit (the 2020-12 schema) and a second one (the draft-07 schema); the first's id. */
    private String repository() throws Exception {
        git("init", "--quiet", "--initial-branch=main");
        Files.writeString(repo.resolve("main.nf"), "workflow { Channel.of(1).view() }\n");
        Files.write(repo.resolve("nextflow_schema.json"), NextflowSchemaTest.resource("draft2020.json"));
        git("add", ".");
        git("commit", "--quiet", "-m", "first");
        git("tag", "v1.0");
        String first = git("rev-parse", "HEAD");
        Files.write(repo.resolve("nextflow_schema.json"), NextflowSchemaTest.resource("draft07.json"));
        git("commit", "--quiet", "-am", "second");
        return first;
    }

    private Path gitRoot() {
        return server.dataDir().resolve("pipelines").resolve("git");
    }

    @Test
    void aTagIsCheckedOutAndPinnedToItsCommit() throws Exception {
        String first = repository();
        String head = git("rev-parse", "HEAD");
        long pipeline = Pipelines.pipeline(admin, "git");
        Api.Res r = Pipelines.version(admin, pipeline, "1.0", "file://" + repo, Map.of("revision", "v1.0", "input", Map.of("style", "reads_glob"),
                "outdir_param", "results"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("revision").asText()).isEqualTo(first);
        assertThat(r.json().path("source").asText()).isEqualTo("file://" + repo);
        assertThat(r.json().path("parameters")).extracting(n -> n.path("name").asText()).contains("strandedness").doesNotContain("aligner");
        long id = r.json().path("id").asLong();
        RunnableVersion v = server.jdbi().withHandle(h -> PipelineVersions.runnable(h, id)).orElseThrow();
        assertThat(v.directory()).isEqualTo(gitRoot().resolve(Long.toString(id)));
        assertThat(Files.readString(v.directory().resolve("nextflow_schema.json"))).contains("$defs");

        // without a revision: the default branch's commit
        Api.Res latest = Pipelines.version(admin, pipeline, "2.0", "file://" + repo, Map.of());
        assertThat(latest.status()).isEqualTo(201);
        assertThat(latest.json().path("revision").asText()).isEqualTo(head);
        assertThat(latest.json().path("parameters")).extracting(n -> n.path("name").asText()).contains("aligner");
        // a commit id works too; the checkout is kept as it was when the repository moves on
        Api.Res byCommit = Pipelines.version(admin, pipeline, "1.0-again", "file://" + repo, Map.of("revision", first.substring(0, 10)));
        assertThat(byCommit.json().path("revision").asText()).isEqualTo(first);
        git("rm", "--quiet", "main.nf");
        git("commit", "--quiet", "-m", "gone");
        assertThat(v.directory().resolve("main.nf")).exists();
    }

    @Test
    void failuresAre400WithGitsMessageAndLeaveNothingBehind() throws Exception {
        String first = repository();
        long pipeline = Pipelines.pipeline(admin, "gitfail");
        List<Path> before = checkouts();

        Api.Res missing = Pipelines.version(admin, pipeline, "1", "file://" + repo + "/nowhere", Map.of());
        assertRefused(missing, "source", "git failed");
        assertThat(missing.json().at("/error/message").asText()).contains(repo + "/nowhere").doesNotContain(server.dataDir().toString());

        assertRefused(Pipelines.version(admin, pipeline, "1", "file://" + repo, Map.of("revision", "v9.9")), "revision", "no commit or tag v9.9");
        assertRefused(Pipelines.version(admin, pipeline, "1", "file://" + repo, Map.of("revision", "-v1")), "revision", "commit or tag name");
        assertRefused(Pipelines.version(admin, pipeline, "1", "file://" + repo, Map.of("main_script", "workflow.nf")), "main_script",
                "workflow.nf is not in the repository at commit " + git("rev-parse", "HEAD"));
        git("checkout", "--quiet", first);
        Files.writeString(repo.resolve("nextflow_schema.json"), "{broken");
        git("commit", "--quiet", "-am", "broken schema");
        git("tag", "broken");
        assertRefused(Pipelines.version(admin, pipeline, "1", "file://" + repo, Map.of("revision", "broken")), "source", "nextflow_schema.json: not valid JSON");

        assertThat(checkouts()).isEqualTo(before);
        assertThat(server.client().get("/pipelines/" + pipeline).json().path("versions")).isEmpty();
    }

    @Test
    void aHungGitIsStoppedAtTheTimeLimit() throws Exception {
        try (ServerSocket silent = new ServerSocket(0); TestServer quick = TestServer.start(Map.of("FLOW_GIT_TIMEOUT_SECONDS", "1"))) {
            // accepts connections and never answers: git waits for the TLS handshake until it is killed
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Account quickAdmin = Users.admin(quick);
            long pipeline = Pipelines.pipeline(quickAdmin, "hung");
            long started = System.nanoTime();
            Api.Res r = Pipelines.version(quickAdmin, pipeline, "1", "https://127.0.0.1:" + silent.getLocalPort() + "/repo.git", Map.of());
            assertRefused(r, "source", "did not finish within 1 s");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
            try (Stream<Path> left = Files.list(quick.dataDir().resolve("pipelines").resolve("git"))) {
                assertThat(left).isEmpty();
            }
            silent.close();
            for (Socket s : held) s.close();
        }
    }

    private List<Path> checkouts() throws IOException {
        if (!Files.exists(gitRoot())) return List.of();
        try (Stream<Path> s = Files.list(gitRoot())) {
            return s.sorted().toList();
        }
    }
}
