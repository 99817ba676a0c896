package bio.flow.data;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** GET /data/owned, /data/shared, /data/{id}/contents and /data/{id}/downstream. */
class DataReadTest {
    private static final TestServer server = TestServer.shared();

    // ---- listings ---------------------------------------------------------------------------------------------

    @Test
    void ownedAndSharedListWhatEachCallerReadsThroughGrantsSamplesAndProjects() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        Account carol = Users.signUp(server, "carol");
        Account dave = Users.signUp(server, "dave");
        Account eve = Users.signUp(server, "eve");
        Account frank = Users.signUp(server, "frank");
        long project = Fixtures.project(alice, "p", false);
        long sample = Fixtures.sample(alice, project, "alice's sample");
        long inSample = Fixtures.data(alice, sample);
        long loose = Fixtures.data(alice, null);
        long onProject = Fixtures.upload(alice, "on-project.txt", "hello\n".getBytes(StandardCharsets.UTF_8), Map.of("project_id", project));

        // bob: grants on two files, one of them in a sample he may not read (so it is not named)
        Fixtures.shareWithUser(alice, "data", inSample, bob, 1);
        Fixtures.shareWithUser(alice, "data", loose, bob, 1);
        // carol: the sample, through a group she is a member of
        String lab = Fixtures.group(alice, List.of(carol), List.of());
        Fixtures.shareWithGroup(alice, "samples", sample, lab, 1);
        // dave: the project, which covers its sample's data and the data attached to it
        Fixtures.shareWithUser(alice, "projects", project, dave, 1);
        // frank edits alice's sample and puts a file in it: alice reads it as shared (it is in her sample)
        Fixtures.shareWithUser(alice, "samples", sample, frank, 2);
        long franks = Fixtures.data(frank, sample);
        // a public project's data is readable by everyone but listed as shared with nobody
        long publicProject = Fixtures.project(eve, "public", true);
        long publicData = Fixtures.data(eve, Fixtures.sample(eve, publicProject, "public sample"));

        assertThat(ids(alice, "/data/owned")).containsExactly(onProject, loose, inSample);
        assertThat(ids(alice, "/data/shared")).containsExactly(franks);
        JsonNode bobs = bob.api().get("/data/shared").json();
        assertThat(Fixtures.ids(bobs.path("data"))).containsExactly(loose, inSample);
        assertThat(bobs.path("data").get(1).path("sample").isNull()).isTrue();
        assertThat(ids(bob, "/data/owned")).isEmpty();
        assertThat(ids(carol, "/data/shared")).containsExactly(franks, inSample);
        JsonNode daves = dave.api().get("/data/shared").json();
        assertThat(Fixtures.ids(daves.path("data"))).containsExactly(franks, onProject, inSample);
        assertThat(daves.path("count").asLong()).isEqualTo(3);
        assertThat(daves.path("data").get(2).path("sample").path("id").asLong()).isEqualTo(sample);
        assertThat(daves.path("data").get(2).path("sample").path("name").asText()).isEqualTo("alice's sample");
        assertThat(daves.path("data").get(1).path("sample").isNull()).isTrue();
        // the sample's data, not the file attached to its project
        assertThat(ids(frank, "/data/shared")).containsExactly(inSample);
        assertThat(ids(frank, "/data/owned")).containsExactly(franks);
        assertThat(ids(eve, "/data/shared")).isEmpty();
        assertThat(ids(alice, "/data/shared")).doesNotContain(publicData);
        assertThat(eve.api().get("/data/" + onProject).status()).isEqualTo(404);

        Api anonymous = server.client();
        assertThat(anonymous.get("/data/owned").status()).isEqualTo(401);
        assertThat(anonymous.get("/data/shared").status()).isEqualTo(401);
    }

    @Test
    void listingsFilterByFilenameAndPage() {
        Account alice = Users.signUp(server, "alice");
        long a = Fixtures.upload(alice, "liver_R1.txt", "a\n".getBytes(StandardCharsets.UTF_8), Map.of());
        long b = Fixtures.upload(alice, "LIVER_R2.txt", "b\n".getBytes(StandardCharsets.UTF_8), Map.of());
        long c = Fixtures.upload(alice, "kidney_50%_R1.txt", "c\n".getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(ids(alice, "/data/owned?filter=liver")).containsExactly(b, a);
        assertThat(ids(alice, "/data/owned?filter=50%25")).containsExactly(c);
        // letters and digits are matched, spaces and punctuation ignored: "0 r" is in kidney_50%_R1
        assertThat(ids(alice, "/data/owned?filter=0%20r")).containsExactly(c);
        assertThat(ids(alice, "/data/owned?filter=_R3")).isEmpty();
        assertThat(ids(alice, "/data/owned?filter=%25")).isEmpty();

        JsonNode first = alice.api().get("/data/owned?limit=2").json();
        assertThat(first.path("count").asLong()).isEqualTo(3);
        assertThat(first.path("page").asInt()).isEqualTo(1);
        assertThat(Fixtures.ids(first.path("data"))).containsExactly(c, b);
        JsonNode second = alice.api().get("/data/owned?count=2&page=2").json();
        assertThat(second.path("page").asInt()).isEqualTo(2);
        assertThat(Fixtures.ids(second.path("data"))).containsExactly(a);
        assertThat(ids(alice, "/data/owned?offset=1&limit=1")).containsExactly(b);
        assertThat(alice.api().get("/data/owned?limit=101").status()).isEqualTo(400);
        assertThat(alice.api().get("/data/shared?offset=-1").status()).isEqualTo(400);
    }

    /** Records whose bytes are not complete (imports will make such) are neither listed nor read. */
    @Test
    void onlyReadyDataIsListedOrRead() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long ready = Fixtures.data(alice, null);
        long importing = Fixtures.data(alice, null);
        Fixtures.shareWithUser(alice, "data", ready, bob, 1);
        Fixtures.shareWithUser(alice, "data", importing, bob, 1);
        server.sql("UPDATE data SET status = 'importing' WHERE id = " + importing);
        assertThat(ids(alice, "/data/owned")).containsExactly(ready);
        assertThat(ids(bob, "/data/shared")).containsExactly(ready);
        Api.Res r = bob.api().get("/data/" + importing + "/contents?download=true");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().at("/error/details/status").asText()).isEqualTo("importing");
    }

    // ---- contents ---------------------------------------------------------------------------------------------

    @Test
    void aPreviewShowsTheFirstLinesOfPlainAndGzipText() throws Exception {
        Account alice = Users.signUp(server, "alice");
        String fastq = fastq(1000);
        long plain = Fixtures.upload(alice, "reads.fastq", fastq.getBytes(StandardCharsets.UTF_8), Map.of());
        long gzip = Fixtures.upload(alice, "reads.fastq.gz", gzip(fastq.getBytes(StandardCharsets.UTF_8)), Map.of());
        assertThat(alice.api().get("/data/" + gzip).json().path("compression").asText()).isEqualTo("gzip");

        for (long id : List.of(plain, gzip)) {
            Api.Res five = alice.api().get("/data/" + id + "/contents?lines=5");
            assertThat(five.status()).isEqualTo(200);
            assertThat(five.header("Content-Type")).isEqualToIgnoringCase("text/plain;charset=utf-8");
            assertThat(five.text()).isEqualTo("@r0\nACGTACGT\n+\nIIIIIIII\n@r1\n");
            assertThat(alice.api().get("/data/" + id + "/contents").text().split("\n", -1)).hasSize(101);
            assertThat(alice.api().get("/data/" + id + "/contents?lines=10000").text()).isEqualTo(fastq);
        }
        for (String bad : List.of("0", "10001", "abc", "", "1.5", "-3")) {
            Api.Res r = alice.api().get("/data/" + plain + "/contents?lines=" + bad);
            assertThat(r.status()).as("lines=" + bad).isEqualTo(400);
            assertThat(r.json().at("/error/details/field").asText()).isEqualTo("lines");
        }
        assertThat(alice.api().get("/data/" + plain + "/contents?download=yes").status()).isEqualTo(400);
    }

    @Test
    void aPreviewOfBgzfReadsAcrossItsBlocks() {
        Account alice = Users.signUp(server, "alice");
        String fastq = fastq(20);
        int cut = fastq.indexOf("@r3\n") + 2; // the second block starts inside a record
        byte[] bgzf = bgzf(fastq.substring(0, cut).getBytes(StandardCharsets.UTF_8), fastq.substring(cut).getBytes(StandardCharsets.UTF_8));
        long id = Fixtures.upload(alice, "reads.fastq.gz", bgzf, Map.of());
        assertThat(alice.api().get("/data/" + id).json().path("compression").asText()).isEqualTo("bgzf");
        assertThat(alice.api().get("/data/" + id + "/contents?lines=14").text())
                .isEqualTo(fastq.substring(0, fastq.indexOf("@r3\n") + "@r3\nACGTACGT\n".length()));
        assertThat(alice.api().get("/data/" + id + "/contents").text()).isEqualTo(fastq);
    }

    @Test
    void aPreviewStopsAtOneMebibyteOfText() {
        Account alice = Users.signUp(server, "alice");
        byte[] oneLongLine = "x".repeat(3 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);
        long id = Fixtures.upload(alice, "long.txt", gzip(oneLongLine), Map.of());
        Api.Res r = alice.api().get("/data/" + id + "/contents?lines=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(1024 * 1024);
    }

    @Test
    void binaryDataIsNotPreviewedButDownloadsByteForByte() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        bytes[0] = 0; // surely not text
        long id = Fixtures.upload(alice, "blob.bin", bytes, Map.of());
        assertThat(alice.api().get("/data/" + id).json().path("data_type").asText()).isEqualTo("OTHER");

        Api.Res preview = alice.api().get("/data/" + id + "/contents");
        assertThat(preview.status()).isEqualTo(400);
        assertThat(preview.json().at("/error/details/data_type").asText()).isEqualTo("OTHER");
        assertThat(preview.json().at("/error/message").asText()).contains("binary");

        Api.Res download = alice.api().get("/data/" + id + "/contents?download=true&lines=3");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(download.header("Content-Length")).isEqualTo(Integer.toString(bytes.length));
        assertThat(md5(download.body())).isEqualTo(md5(bytes)).isEqualTo(alice.api().get("/data/" + id).json().path("md5").asText());
    }

    @Test
    void aDownloadOfGzipDataIsTheStoredBytesNamedSafely() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] gz = gzip(fastq(50).getBytes(StandardCharsets.UTF_8));
        long id = Fixtures.upload(alice, "we\"ird ñame;x.fastq.gz", gz, Map.of());
        Api.Res r = alice.api().get("/data/" + id + "/contents?download=true");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(gz);
        assertThat(r.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"we_ird _ame;x.fastq.gz\"; filename*=UTF-8''we%22ird%20%C3%B1ame%3Bx.fastq.gz");
    }

    /** Bytes that went missing or bad in storage are a 409 that says so, never a 500 or a half answer. */
    @Test
    void missingOrCorruptStoredBytesAreAConflict() throws Exception {
        Account alice = Users.signUp(server, "alice");
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        long corrupt = Fixtures.upload(alice, "reads.fastq.gz", gzip(fastq(10).getBytes(StandardCharsets.UTF_8)), Map.of());
        byte[] bad = gzip(fastq(10).getBytes(StandardCharsets.UTF_8));
        for (int i = 20; i < bad.length - 8; i++) bad[i] = (byte) 0xff;
        storage.write(StorageKey.of("data", corrupt), new ByteArrayInputStream(bad), Long.MAX_VALUE);
        Api.Res r = alice.api().get("/data/" + corrupt + "/contents");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().at("/error/message").asText()).contains("corrupt");

        long missing = Fixtures.data(alice, null);
        storage.delete(StorageKey.of("data", missing));
        for (String query : List.of("", "?download=true")) {
            Api.Res m = alice.api().get("/data/" + missing + "/contents" + query);
            assertThat(m.status()).isEqualTo(409);
            assertThat(m.json().at("/error/message").asText()).contains("missing");
        }
    }

    @Test
    void contentsAndDownstreamAreForThoseWhoMayReadTheData() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        Account stranger = Users.signUp(server, "stranger");
        long privateData = Fixtures.data(alice, Fixtures.sample(alice, Fixtures.project(alice, "private", false), "s"));
        long publicData = Fixtures.data(alice, Fixtures.sample(alice, Fixtures.project(alice, "public", true), "s"));
        Fixtures.shareWithUser(alice, "data", privateData, bob, 1);
        Api anonymous = server.client();

        Map<Api, Integer> privateStatus = new LinkedHashMap<>();
        privateStatus.put(alice.api(), 200);
        privateStatus.put(bob.api(), 200);
        privateStatus.put(stranger.api(), 404);
        privateStatus.put(anonymous, 404);
        privateStatus.forEach((api, status) -> {
            for (String path : List.of("/contents", "/contents?download=true", "/downstream")) {
                assertThat(api.get("/data/" + privateData + path).status()).as(path).isEqualTo(status);
            }
        });
        for (Api api : List.of(stranger.api(), anonymous)) {
            assertThat(api.get("/data/" + publicData + "/contents").text()).isEqualTo("@r1\nACGT\n+\nIIII\n");
            assertThat(api.get("/data/" + publicData + "/contents?download=true").text()).isEqualTo("@r1\nACGT\n+\nIIII\n");
            Api.Res downstream = api.get("/data/" + publicData + "/downstream");
            assertThat(downstream.status()).isEqualTo(200);
            assertThat(downstream.json().path("executions").isArray()).isTrue();
            assertThat(downstream.json().path("executions")).isEmpty();
        }
        assertThat(alice.api().get("/data/999999999/contents").status()).isEqualTo(404);
        assertThat(alice.api().get("/data/999999999/downstream").status()).isEqualTo(404);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<Long> ids(Account who, String path) {
        Api.Res r = who.api().get(path);
        assertThat(r.status()).as(path).isEqualTo(200);
        return Fixtures.ids(r.json().path("data"));
    }

    /** Uploads bytes as one chunk with the extra fields given; the new record's id. */
    private static String fastq(int records) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < records; i++) s.append("@r").append(i).append("\nACGTACGT\n+\nIIIIIIII\n");
        return s.toString();
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** BGZF: one gzip member per piece, each with the 'BC' extra field giving its size, then the empty EOF block. */
    private static byte[] bgzf(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) out.writeBytes(bgzfBlock(piece));
        out.writeBytes(bgzfBlock(new byte[0]));
        return out.toByteArray();
    }

    private static byte[] bgzfBlock(byte[] data) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(6, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] deflated = new byte[data.length + 64];
        int n = deflater.deflate(deflated);
        deflater.end();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        int blockSize = 18 + n + 8;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(blockSize).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x1f).put((byte) 0x8b).put((byte) 8).put((byte) 4).putInt(0).put((byte) 0).put((byte) 0xff)
                .putShort((short) 6).put((byte) 'B').put((byte) 'C').putShort((short) 2).putShort((short) (blockSize - 1))
                .put(deflated, 0, n).putInt((int) crc.getValue()).putInt(data.length);
        return b.array();
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
