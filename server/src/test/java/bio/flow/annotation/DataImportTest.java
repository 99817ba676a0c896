package bio.flow.annotation;

import static bio.flow.annotation.Filled.row;
import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * POST /upload/annotation with a filled DATA template (GET /annotation/data) over real HTTP: a data row names a file
 * the caller may edit by its name, sets its data type and (when its cell is not empty) moves it into a sample the
 * caller may edit; every problem comes back with its sheet, row and column while nothing is written.
 */
class DataImportTest {
    private static final TestServer server = TestServer.shared();
    private static final byte[] TEXT = "some text\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FASTQ = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);

    private static byte[] sheet(Account user, List<List<Object>> rows) {
        return Filled.template(user, "data", rows);
    }

    private static JsonNode data(Account user, long id) {
        return user.api().get("/data/" + id).json();
    }

    /** A read of the sample uploaded through POST /upload/sample. */
    private static long read(Account user, long sample, String filename, int number) {
        Api.Res r = new Multipart().field("file_id", UUID.randomUUID()).field("filename", filename).field("chunk", 0).field("total_chunks", 1)
                .field("sample_id", sample).field("read_number", number).file("file", FASTQ).post(user.api(), "/upload/sample");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("data").path("id").asLong();
    }

    private static List<String> changes(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("changes").forEach(c -> out.add(c.asText()));
        return out;
    }

    @Test
    void aCleanSheetSetsTypesAndSamplesAfterADryRunThatWritesNothing() {
        Account user = Users.signUp(server, "dataimp");
        long project = Fixtures.project(user, "Data import", false);
        long sample = Fixtures.sample(user, project, "DI sample");
        long other = Fixtures.sample(user, project, "DI other");
        long a = Fixtures.upload(user, "a.txt", TEXT, Map.of());
        long b = Fixtures.upload(user, "b.txt", TEXT, Map.of("project_id", project));
        long c = Fixtures.upload(user, "c.txt", TEXT, Map.of());
        long r1 = read(user, sample, "di_R1.fastq", 1);
        long r2 = read(user, sample, "di_R2.fastq", 2);
        byte[] workbook = sheet(user, List.of(
                row("a.txt", "tsv", "DI sample"),                              // type (any case) and sample by name
                row("b.txt", "Bed", null),                                      // type only: stays in its project
                row("c.txt", "text", "DI sample (#" + sample + ")"),          // sample by name (#id); type unchanged
                row("di_R1.fastq", "FASTQ", "DI sample"),                      // stays read 1 of its sample: nothing changes
                row("di_R2.fastq", "FASTQ", String.valueOf(other))));          // moved by id: no longer a read

        Api.Res dry = Filled.post(user, workbook, true);
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        JsonNode planned = dry.json().path("data");
        assertThat(dry.json().path("dry_run").asBoolean()).isTrue();
        assertThat(planned).hasSize(5);
        assertThat(changes(planned.get(0))).containsExactly("data_type", "sample");
        assertThat(changes(planned.get(1))).containsExactly("data_type");
        assertThat(changes(planned.get(2))).containsExactly("sample");
        assertThat(changes(planned.get(3))).isEmpty();
        assertThat(planned.get(3).path("read_number").asInt()).isEqualTo(1);
        assertThat(changes(planned.get(4))).containsExactly("sample", "read");
        assertThat(data(user, a).path("data_type").asText()).as("a dry run writes nothing").isEqualTo("TEXT");
        assertThat(data(user, a).path("sample").isNull()).isTrue();
        assertThat(data(user, r2).path("read_number").asInt()).isEqualTo(2);

        Api.Res done = Filled.post(user, workbook, false);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().path("dry_run").asBoolean()).isFalse();
        assertThat(done.json().path("data").get(0).path("sample").path("id").asLong()).isEqualTo(sample);
        JsonNode da = data(user, a);
        assertThat(da.path("data_type").asText()).isEqualTo("TSV");
        assertThat(da.path("sample").path("id").asLong()).isEqualTo(sample);
        JsonNode db = data(user, b);
        assertThat(db.path("data_type").asText()).isEqualTo("BED");
        assertThat(db.path("project").path("id").asLong()).as("an empty sample cell leaves the file where it is").isEqualTo(project);
        assertThat(data(user, c).path("sample").path("id").asLong()).isEqualTo(sample);
        JsonNode read1 = data(user, r1);
        assertThat(read1.path("read_number").asInt()).isEqualTo(1);
        assertThat(read1.path("fileset").isNull()).isFalse();
        JsonNode moved = data(user, r2);
        assertThat(moved.path("sample").path("id").asLong()).isEqualTo(other);
        assertThat(moved.path("read_number").isNull()).isTrue();
        assertThat(moved.path("fileset").isNull()).isTrue();
    }

    @Test
    void everyProblemIsReportedWithItsCellAndNothingIsWritten() {
        Account user = Users.signUp(server, "dataimp");
        Account stranger = Users.signUp(server, "dataimp");
        Account colleague = Users.signUp(server, "dataimp");
        long mine = Fixtures.sample(user, Map.of("name", "Mine", "organism", "human"));
        long secret = Fixtures.sample(stranger, Map.of("name", "Secret sample", "organism", "human"));
        long readable = Fixtures.sample(colleague, Map.of("name", "Read only sample", "organism", "human"));
        Fixtures.shareWithUser(colleague, "samples", readable, user, 1);
        long ok = Fixtures.upload(user, "ok.txt", TEXT, Map.of());
        Fixtures.upload(user, "twice.txt", TEXT, Map.of());
        Fixtures.upload(user, "twice.txt", TEXT, Map.of());
        Fixtures.upload(user, "x1.txt", TEXT, Map.of());
        Fixtures.upload(user, "x2.txt", TEXT, Map.of());
        Fixtures.upload(user, "x3.txt", TEXT, Map.of());
        Fixtures.upload(user, "x4.txt", TEXT, Map.of());
        Fixtures.upload(user, "x5.txt", TEXT, Map.of());
        Fixtures.upload(user, "x6.txt", TEXT, Map.of());
        read(user, mine, "mine_R1.fastq", 1);
        Fixtures.upload(stranger, "theirs.txt", TEXT, Map.of());
        byte[] workbook = sheet(user, List.of(
                row("ok.txt", "tsv", "Mine"),                               // row 2: fine
                row("missing.txt", "tsv", null),                            // row 3: no such file
                row("twice.txt", "tsv", null),                              // row 4: two files of that name
                row("x1.txt", "spreadsheet", null),                         // row 5: not a data type
                row("ok.txt", "tsv", null),                                  // row 6: named on row 2
                row("x2.txt", "=UPPER(\"tsv\")", null),                     // row 7: a formula
                row("x3.txt", "tsv", "Secret sample"),                      // row 8: a stranger's sample by name
                row("x4.txt", "tsv", "No such sample"),                     // row 9: no sample of that name
                row("x5.txt", "tsv", "Secret sample (#" + secret + ")"),    // row 10: a stranger's sample by id
                row("x6.txt", "tsv", String.valueOf(secret + 1_000_000)),   // row 11: no sample of that id
                row("theirs.txt", "tsv", "Read only sample"),               // row 12: a stranger's file; a sample read-only
                row("mine_R1.fastq", "BED", "Mine")));                      // row 13: a read stays a read, and reads are FASTQ
        Api.Res r = Filled.post(user, workbook, false);
        assertStatus(r, 400, "VALIDATION_ERROR");
        assertThat(Filled.cells(r)).containsExactlyInAnyOrder("Data!A3", "Data!A4", "Data!B5", "Data!A6", "Data!B7", "Data!C8", "Data!C9",
                "Data!C10", "Data!C11", "Data!A12", "Data!C12", "Data!B13");
        List<String> messages = Filled.messages(r);
        String byName = messages.stream().filter(m -> m.startsWith("C8:")).findFirst().orElseThrow();
        assertThat(byName.replace("Secret sample", "No such sample").replace("C8:", "C9:")).as("a stranger's sample is answered as none")
                .isIn(messages);
        String byId = messages.stream().filter(m -> m.startsWith("C10:")).findFirst().orElseThrow();
        assertThat(byId.replace(String.valueOf(secret), String.valueOf(secret + 1_000_000)).replace("C10:", "C11:")).isIn(messages);
        assertThat(messages).contains("C12: you may not add files to sample 'Read only sample'",
                "A12: none of your files (nor of those shared with you) is called 'theirs.txt'");
        assertThat(data(user, ok).path("data_type").asText()).as("nothing written while a problem remains").isEqualTo("TEXT");
        assertThat(data(user, ok).path("sample").isNull()).isTrue();
    }

    @Test
    void filesSharedToEditAreImportedThoseSharedToReadAreNotAndAnAdminNamesOnlyTheirs() {
        Account user = Users.signUp(server, "dataimp");
        Account colleague = Users.signUp(server, "dataimp");
        long editable = Fixtures.upload(colleague, "shared_edit.txt", TEXT, Map.of());
        long readOnly = Fixtures.upload(colleague, "shared_read.txt", TEXT, Map.of());
        Fixtures.shareWithUser(colleague, "data", editable, user, 2);
        Fixtures.shareWithUser(colleague, "data", readOnly, user, 1);
        long sample = Fixtures.sample(user, Map.of("name", "Into mine", "organism", "human"));

        Api.Res refused = Filled.post(user, sheet(user, List.of(row("shared_edit.txt", "tsv", "Into mine"), row("shared_read.txt", "tsv", null))), false);
        assertStatus(refused, 400, "VALIDATION_ERROR");
        assertThat(Filled.messages(refused)).containsExactly("A3: 'shared_read.txt' is shared with you to read only: you may not change it");
        Api.Res done = Filled.post(user, sheet(user, List.of(row("shared_edit.txt", "tsv", "Into mine"))), false);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(data(colleague, editable).path("data_type").asText()).isEqualTo("TSV");
        assertThat(data(user, editable).path("sample").path("id").asLong()).isEqualTo(sample);

        // An admin may edit every file, but a sheet names the admin's own files and those shared with them.
        Account admin = Users.admin(server);
        long adminsOwn = Fixtures.upload(admin, "admins_own_" + UUID.randomUUID() + ".txt", TEXT, Map.of());
        String adminsName = data(admin, adminsOwn).path("filename").asText();
        Fixtures.upload(colleague, "colleague_only.txt", TEXT, Map.of());
        Api.Res admins = Filled.post(admin, sheet(admin, List.of(row(adminsName, "csv", null), row("colleague_only.txt", "csv", null))), true);
        assertStatus(admins, 400, "VALIDATION_ERROR");
        assertThat(Filled.messages(admins)).containsExactly("A3: none of your files (nor of those shared with you) is called 'colleague_only.txt'");
        Api.Res own = Filled.post(admin, sheet(admin, List.of(row(adminsName, "csv", null))), false);
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(data(admin, adminsOwn).path("data_type").asText()).isEqualTo("CSV");
    }

    @Test
    void tenThousandRowsImport() {
        Account user = Users.signUp(server, "dataimp");
        long sample = Fixtures.sample(user, Map.of("name", "Bulk", "organism", "human"));
        server.sql("INSERT INTO data (filename, size, data_type, owner_id) SELECT 'bulk_' || i || '.txt', 10, 'TEXT', " + user.id()
                + " FROM generate_series(1, 10000) i");
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) rows.add(row("bulk_" + i + ".txt", "tsv", i % 2 == 0 ? "Bulk" : null));
        byte[] workbook = sheet(user, rows);
        long t0 = System.nanoTime();
        Api.Res dry = Filled.post(user, workbook, true);
        long t1 = System.nanoTime();
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        Api.Res done = Filled.post(user, workbook, false);
        long t2 = System.nanoTime();
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().path("data")).hasSize(10_000);
        System.out.printf("10,000-row data sheet (%d bytes): dry run %.0f ms, import %.0f ms%n", workbook.length, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE owner_id = " + user.id() + " AND data_type = 'TSV'")).isEqualTo(10_000);
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE owner_id = " + user.id() + " AND sample_id = " + sample)).isEqualTo(5_000);
    }
}
