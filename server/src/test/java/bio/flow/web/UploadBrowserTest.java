package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import bio.flow.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Uploads in a real headless Chromium ({@link Browser}): a sample's paired reads, one file chosen with the picker and
 * one dropped, to completion (read numbers and lanes guessed from the names, the md5 the browser computed checked by
 * the server); a read the sample already has refused beside its file; an upload interrupted by a reload after its
 * first chunk, continued from the chunks the server has; a data upload into a project, its chunks tried again while
 * the connection drops; on a server taking smaller chunks than the app's, a file started again in chunks that fit
 * (learnt from the 413) and the next one sent in them from the start; the uploader only for who may
 * edit the sample (a reader is told why, a stranger finds no such page); and the browser's MD5 and read-name guesses
 * against known answers. Screenshots of each page at desktop and phone width.
 */
class UploadBrowserTest extends BrowserTest {
    /** The app's chunk size (core/uploads.js CHUNK_BYTES). */
    private static final int CHUNK_BYTES = 8 << 20;
    @TempDir
    Path dir;

    @Test
    void pairedReadsOfASampleArePickedAndDroppedThenUploadedWithTheirMd5Checked() throws Exception {
        Users.Account owner = Users.signUp(server, "reads");
        long project = Fixtures.project(owner, "Liver regeneration", false);
        long sample = Fixtures.sample(owner, project, "liver-1");
        Path r1 = fastqGz(dir.resolve("liver-1_S1_L001_R1_001.fastq.gz"), 3_000, 1, Deflater.DEFAULT_COMPRESSION);
        Path r2 = fastqGz(dir.resolve("liver-1_S1_L001_R2_001.fastq.gz"), 3_000, 2, Deflater.DEFAULT_COMPRESSION);

        browser.signIn(owner, Users.PASSWORD, "/app/samples/" + sample + "/upload");
        browser.findWithText("h1", "Upload reads of liver-1");
        browser.findWithText(".empty", "no reads yet");
        browser.screenshots("upload-reads-empty");

        // read 1 through the file picker, read 2 dropped (a drop made by a script: Selenium cannot drag from the desktop)
        browser.driver().findElement(By.id("upload-files")).sendKeys(r1.toString());
        browser.findWithText(".upload-list", r1.getFileName().toString());
        drop(r2);
        browser.findWithText(".upload-list", r2.getFileName().toString());
        List<WebElement> items = browser.all(".upload-item");
        assertThat(items).hasSize(2);
        assertThat(new Select(items.get(0).findElement(By.cssSelector("select"))).getFirstSelectedOption().getText()).isEqualTo("1");
        assertThat(new Select(items.get(1).findElement(By.cssSelector("select"))).getFirstSelectedOption().getText()).isEqualTo("2");
        assertThat(items.get(0).findElement(By.cssSelector("input.lane")).getAttribute("value")).isEqualTo("1");
        assertThat(items.get(1).findElement(By.cssSelector("input.lane")).getAttribute("value")).isEqualTo("1");

        // two files for the same read are told before anything is sent; the person corrects it
        new Select(items.get(1).findElement(By.cssSelector("select"))).selectByValue("1");
        browser.find(".uploader-actions .start").click();
        assertThat(browser.find(".upload-item .field-error").getText()).containsIgnoringCase("read 1 of lane 1 is also chosen");
        new Select(browser.all(".upload-item").get(1).findElement(By.cssSelector("select"))).selectByValue("2");
        browser.screenshots("upload-reads-ready");
        browser.find(".uploader-actions .start").click();
        waitFor(Duration.ofSeconds(60), ".upload-item.state-done", 2);
        browser.findWithText(".upload-total", "2 of 2 uploaded");
        browser.findWithText(".reads", r2.getFileName().toString());
        browser.screenshots("upload-reads-done");

        // through the API: the sample holds both reads, with the md5 of the files themselves
        JsonNode filesets = owner.api().get("/filesets/search?sample=" + sample).json().path("filesets");
        assertThat(filesets).hasSize(1);
        JsonNode fileset = owner.api().get("/filesets/" + filesets.get(0).path("id").asLong()).json();
        assertThat(fileset.path("name").asText()).isEqualTo("Paired-end reads");
        assertThat(fileset.path("files")).hasSize(2);
        for (JsonNode file : fileset.path("files")) {
            Path local = file.path("read_number").asInt() == 1 ? r1 : r2;
            assertThat(file.path("filename").asText()).isEqualTo(local.getFileName().toString());
            assertThat(file.path("lane").asInt()).isEqualTo(1);
            JsonNode data = owner.api().get("/data/" + file.path("id").asLong()).json();
            assertThat(data.path("md5").asText()).isEqualTo(md5(Files.readAllBytes(local)));
            assertThat(data.path("size").asLong()).isEqualTo(Files.size(local));
            assertThat(data.path("compression").asText()).isEqualTo("gzip");
        }

        // read 1 again: the API's refusal (the sample has it) appears beside that file
        browser.driver().findElement(By.id("upload-files")).sendKeys(r1.toString());
        waitFor(Duration.ofSeconds(10), ".upload-item.state-ready", 1);
        browser.find(".uploader-actions .start").click();
        WebElement error = browser.find(".upload-item.state-failed .field-error");
        assertThat(error.getText()).contains("already has read 1");
        assertThat(browser.find(".upload-item.state-failed .upload-name").getText()).isEqualTo(r1.getFileName().toString());
        assertThat(localStorage()).as("nothing left to continue").isNull();
        browser.screenshots("upload-reads-refused");
    }

    @Test
    void anUploadStoppedByAReloadAfterItsFirstChunkContinuesFromTheChunksTheServerHas() throws Exception {
        Users.Account owner = Users.signUp(server, "resume");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "Resumed", false), "resumed-1");
        // stored, not compressed, so that the gzip file is big enough for three chunks
        Path big = fastqGz(dir.resolve("resumed_R1.fastq.gz"), 110_000, 3, Deflater.NO_COMPRESSION);
        assertThat(Files.size(big)).isBetween(2L * CHUNK_BYTES + 1, 3L * CHUNK_BYTES);

        browser.signIn(owner, Users.PASSWORD, "/app/samples/" + sample + "/upload");
        browser.findWithText("h1", "resumed-1");
        // as a connection that hangs after the first chunk: every later chunk's request is never sent
        browser.driver().executeScript("""
                const send = XMLHttpRequest.prototype.send;
                window.stalled = 0;
                XMLHttpRequest.prototype.send = function (body) {
                  if (body instanceof FormData && body.get('chunk') !== '0') { window.stalled++; return; }
                  return send.call(this, body);
                };""");
        browser.driver().findElement(By.id("upload-files")).sendKeys(big.toString());
        waitFor(Duration.ofSeconds(10), ".upload-item.state-ready", 1);
        browser.find(".uploader-actions .start").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60)).withMessage(() -> browser.find(".upload-list").getText())
                .until(d -> ((Number) browser.driver().executeScript("return window.stalled")).intValue() > 0);
        JsonNode remembered = Json.MAPPER.readTree(localStorage());
        assertThat(remembered).hasSize(1);
        String fileId = remembered.get(0).path("file_id").asText();
        JsonNode progress = owner.api().get("/upload/" + fileId).json();
        assertThat(progress.path("received").toString()).isEqualTo("[0]");
        assertThat(progress.path("total_chunks").asInt()).isEqualTo(3);
        browser.findWithText(".upload-item .upload-status", " MB of ");
        browser.screenshots("upload-stalled");

        // leaving the page now would stop the upload: the browser is told to ask first
        assertThat(browser.driver().executeScript("""
                const leaving = new Event('beforeunload', { cancelable: true });
                window.dispatchEvent(leaving);
                return leaving.defaultPrevented;""")).isEqualTo(true);
        // the reload (its question answered, where the browser asks one) forgets everything but localStorage
        browser.driver().navigate().refresh();
        try {
            new WebDriverWait(browser.driver(), Duration.ofSeconds(2)).until(ExpectedConditions.alertIsPresent()).accept();
        } catch (org.openqa.selenium.TimeoutException e) {
            // headless Chromium reloaded without asking
        }
        browser.findWithText(".upload-unfinished", big.getFileName().toString());
        browser.findWithText(".upload-unfinished", "1 of 3 chunks on the server");
        browser.screenshots("upload-unfinished");

        browser.driver().executeScript("""
                const send = XMLHttpRequest.prototype.send;
                window.chunks = [];
                XMLHttpRequest.prototype.send = function (body) {
                  if (body instanceof FormData) window.chunks.push(body.get('chunk'));
                  return send.call(this, body);
                };""");
        browser.driver().findElement(By.id("upload-files")).sendKeys(big.toString());
        WebElement resume = browser.find(".upload-item .upload-resume input");
        assertThat(resume.isSelected()).as("continuing is offered, and chosen unless unticked").isTrue();
        assertThat(browser.all(".upload-unfinished")).as("the unfinished upload is in the list now").isEmpty();
        browser.find(".uploader-actions .start").click();
        waitFor(Duration.ofSeconds(60), ".upload-item.state-done", 1);
        assertThat(browser.driver().executeScript("return window.chunks")).as("the chunks sent after the reload").isEqualTo(List.of("1", "2"));

        progress = owner.api().get("/upload/" + fileId).json();
        assertThat(progress.path("status").asText()).isEqualTo("complete");
        JsonNode data = owner.api().get("/data/" + progress.path("data_id").asLong()).json();
        assertThat(data.path("md5").asText()).isEqualTo(md5(Files.readAllBytes(big)));
        assertThat(data.path("size").asLong()).isEqualTo(Files.size(big));
        assertThat(data.path("read_number").asInt()).isEqualTo(1);
        assertThat(data.path("sample").path("id").asLong()).isEqualTo(sample);
        assertThat(localStorage()).as("a finished upload is forgotten").isNull();
        browser.screenshots("upload-resumed");
    }

    @Test
    void filesUploadedOnTheDataPageGoIntoTheCallersDataAndTheProjectChosenThroughADroppingConnection() throws Exception {
        Users.Account owner = Users.signUp(server, "data");
        long project = Fixtures.project(owner, "Proteomics", false);
        Path table = Files.writeString(dir.resolve("abundances.csv"), "protein,abundance\nALB,12.5\nAPOA1,7.25\n");
        Path notes = Files.writeString(dir.resolve("notes.txt"), "Run 7: column replaced before the second batch.\n");

        browser.signIn(owner, Users.PASSWORD, "/app/");
        browser.find(".nav-links a[href='/app/upload']").click();
        browser.findWithText("h1", "Upload data");
        browser.findWithText("#field-project", "Proteomics");
        new Select(browser.find("#field-project")).selectByVisibleText("Proteomics");
        browser.driver().findElement(By.id("upload-files")).sendKeys(table + "\n" + notes);
        waitFor(Duration.ofSeconds(10), ".upload-item.state-ready", 2);
        browser.screenshots("upload-data-ready");
        // a connection that drops: the first three requests of chunks fail without an answer, then the tries go through
        browser.driver().executeScript("""
                const send = XMLHttpRequest.prototype.send;
                window.dropped = 0;
                XMLHttpRequest.prototype.send = function (body) {
                  if (body instanceof FormData && window.dropped < 3) {
                    window.dropped++;
                    setTimeout(() => this.dispatchEvent(new ProgressEvent('error')));
                    return;
                  }
                  return send.call(this, body);
                };""");
        browser.find(".uploader-actions .start").click();
        browser.findWithText(".upload-list", "trying again");
        browser.screenshots("upload-data-retrying");
        waitFor(Duration.ofSeconds(30), ".upload-item.state-done", 2);
        assertThat(browser.driver().executeScript("return window.dropped")).isEqualTo(3L);
        browser.screenshots("upload-data-done");

        JsonNode owned = owner.api().get("/data/owned?limit=100").json().path("data");
        assertThat(owned).hasSize(2);
        for (JsonNode summary : owned) {
            JsonNode data = owner.api().get("/data/" + summary.path("id").asLong()).json();
            Path local = dir.resolve(data.path("filename").asText());
            assertThat(data.path("md5").asText()).isEqualTo(md5(Files.readAllBytes(local)));
            assertThat(data.path("project").path("id").asLong()).isEqualTo(project);
            assertThat(data.path("sample").isNull()).isTrue();
        }
    }

    @Test
    void onAServerThatTakesSmallerChunksAFileStartsAgainInChunksThatFitWithoutTheUserDoingAnything() throws Exception {
        int limit = 1 << 20;
        try (TestServer small = TestServer.start(Map.of("FLOW_MAX_CHUNK_BYTES", Integer.toString(limit)))) {
            browser = anotherBrowser(small);
            Users.Account owner = Users.signUp(small, "chunks");
            Path big = fastqGz(dir.resolve("small-chunks.fastq.gz"), 14_000, 5, Deflater.NO_COMPRESSION);
            assertThat(Files.size(big)).isBetween(2L * limit + 1, 3L * limit);
            Path next = fastqGz(dir.resolve("next.fastq.gz"), 7_000, 6, Deflater.NO_COMPRESSION);
            assertThat(Files.size(next)).isBetween(limit + 1L, 2L * limit);

            browser.signIn(owner, Users.PASSWORD, "/app/upload");
            browser.findWithText("h1", "Upload data");
            // every chunk request, as "chunk/total_chunks:bytes"
            browser.driver().executeScript("""
                    const send = XMLHttpRequest.prototype.send;
                    window.chunks = [];
                    XMLHttpRequest.prototype.send = function (body) {
                      if (body instanceof FormData) window.chunks.push(body.get('chunk') + '/' + body.get('total_chunks') + ':' + body.get('file').size);
                      return send.call(this, body);
                    };""");
            browser.driver().findElement(By.id("upload-files")).sendKeys(big.toString());
            waitFor(Duration.ofSeconds(10), ".upload-item.state-ready", 1);
            browser.find(".uploader-actions .start").click();
            waitFor(Duration.ofSeconds(60), ".upload-item.state-done", 1);
            browser.findWithText(".upload-item .hint", "Started again in chunks of 1 MB");
            browser.screenshots("upload-smaller-chunks");
            long size = Files.size(big);
            // the whole file as one 8 MiB chunk, refused (413); then three chunks of the server's limit
            assertThat(browser.driver().executeScript("return window.chunks")).isEqualTo(List.of("0/1:" + size,
                    "0/3:" + limit, "1/3:" + limit, "2/3:" + (size - 2L * limit)));

            // the next file of the page starts with the chunk size learnt
            browser.driver().executeScript("window.chunks = []");
            browser.driver().findElement(By.id("upload-files")).sendKeys(next.toString());
            waitFor(Duration.ofSeconds(10), ".upload-item.state-ready", 1);
            browser.find(".uploader-actions .start").click();
            waitFor(Duration.ofSeconds(60), ".upload-item.state-done", 2);
            assertThat(browser.driver().executeScript("return window.chunks")).isEqualTo(List.of("0/2:" + limit, "1/2:" + (Files.size(next) - limit)));

            JsonNode owned = owner.api().get("/data/owned?limit=100").json().path("data");
            assertThat(owned).hasSize(2);
            for (JsonNode summary : owned) {
                JsonNode data = owner.api().get("/data/" + summary.path("id").asLong()).json();
                Path local = dir.resolve(data.path("filename").asText());
                assertThat(data.path("md5").asText()).isEqualTo(md5(Files.readAllBytes(local)));
                assertThat(data.path("size").asLong()).isEqualTo(Files.size(local));
            }
            assertThat(localStorage()).as("nothing left to continue").isNull();
            // the page leaves before its server stops, lest a request it still makes fail into the console checked after the test
            browser.driver().get("about:blank");
        }
    }

    @Test
    void onlyWhoMayEditTheSampleGetsTheUploaderAndAStrangerFindsNoSuchPage() {
        Users.Account owner = Users.signUp(server, "owner");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "Shared reads", false), "shared-1");
        Users.Account reader = Users.signUp(server, "reader");
        Fixtures.shareWithUser(owner, "samples", sample, reader, 1);
        Users.Account stranger = Users.signUp(server, "stranger");

        browser.signIn(reader, Users.PASSWORD, "/app/samples/" + sample + "/upload");
        browser.findWithText("h1", "Upload reads of shared-1");
        browser.findWithText(".form-error", "not add reads");
        assertThat(browser.all(".dropzone")).isEmpty();
        browser.screenshots("upload-reads-read-only");
        browser.find(".nav-account button").click();
        browser.waitForPath("/app/signin?next=%2Fapp%2Fsamples%2F" + sample + "%2Fupload");

        browser.signIn(stranger, Users.PASSWORD, "/app/samples/" + sample + "/upload");
        browser.findWithText("h1", "Page not found");
        browser.go("/app/samples/999999999/upload");
        browser.findWithText("h1", "Page not found");
    }

    /** The browser's MD5 (core/md5.js) against RFC 1321's vectors and Java's, fed in uneven pieces; the read-name guesses. */
    @Test
    void theBrowsersMd5AndReadGuessesGiveTheKnownAnswers() throws Exception {
        Users.Account owner = Users.signUp(server, "md5");
        browser.signIn(owner, Users.PASSWORD, "/app/upload");
        browser.findWithText("h1", "Upload data");
        byte[] random = new byte[1_000_003];
        new Random(7).nextBytes(random);
        Object answer = browser.driver().executeAsyncScript("""
                const [random64, done] = arguments;
                const base = document.querySelector('script[type=module]').src.replace(/main\\.js$/, '');
                Promise.all([import(base + 'core/md5.js'), import(base + 'core/uploads.js')]).then(([{ Md5 }, { guessRead }]) => {
                  const text = (s) => new Md5().update(new TextEncoder().encode(s)).hex();
                  const vectors = ['', 'a', 'abc', 'message digest', 'abcdefghijklmnopqrstuvwxyz',
                    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '1234567890'.repeat(8)].map(text);
                  const bytes = Uint8Array.from(atob(random64), (c) => c.charCodeAt(0));
                  const md5 = new Md5();
                  for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 7 + 13) % 70001) md5.update(bytes.subarray(at, at + size));
                  const names = ['S1_L001_R1_001.fastq.gz', 'S1_L002_R2_001.fastq.gz', 'x.R2.fq', 'reads_2.fastq', 'reads_1.fq.gz',
                    'sample.fastq.gz', 'PR2_L1X.fastq'];
                  const big = new Uint8Array(64 << 20).map((_, i) => i * 31);
                  const started = performance.now();
                  new Md5().update(big).hex();
                  const mbPerSecond = Math.round(big.length / 1e6 / ((performance.now() - started) / 1000));
                  done({ mbPerSecond, vectors, random: md5.hex(), guesses: names.map((n) => { const g = guessRead(n); return g.number + '/' + g.lane; }) });
                }, (e) => done({ error: String(e) }));""", Base64.getEncoder().encodeToString(random));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) answer;
        assertThat(result).doesNotContainKey("error");
        System.out.println("web app: the browser's md5 hashes " + result.get("mbPerSecond") + " MB/s (64 MB in memory, one core)");
        assertThat(result.get("vectors")).isEqualTo(List.of("d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
                "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0", "c3fcd3d76192e4007dfb496cca67e13b",
                "d174ab98d277d9f5a5611c2c9f419d9f", "57edf4a22be3c955ac49da2e2107b67a"));
        assertThat(result.get("random")).isEqualTo(md5(random));
        assertThat(result.get("guesses")).isEqualTo(List.of("1/1", "2/2", "2/", "2/", "1/", "1/", "1/"));
    }

    /** Drops the file on the drop zone as a drag from the desktop would: a DataTransfer holding it, in drop events. */
    private void drop(Path file) throws IOException {
        browser.driver().executeScript("""
                const [name, content64] = arguments;
                const bytes = Uint8Array.from(atob(content64), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], name, { type: 'application/gzip' }));
                const zone = document.querySelector('.dropzone');
                for (const type of ['dragenter', 'dragover', 'drop']) {
                  zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
                }""", file.getFileName().toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
    }

    private void waitFor(Duration timeout, String css, int count) {
        new WebDriverWait(browser.driver(), timeout).until(d -> {
            List<WebElement> failed = d.findElements(By.cssSelector(".upload-item.state-failed .field-error"));
            if (!failed.isEmpty() && !css.contains("failed")) throw new AssertionError("an upload failed: " + failed.get(0).getText());
            return d.findElements(By.cssSelector(css)).size() == count;
        });
    }

    private String localStorage() {
        return (String) browser.driver().executeScript("return localStorage.getItem('flow-unfinished-uploads')");
    }

    /** A gzip FASTQ file of {@code reads} random 100-base reads. */
    private static Path fastqGz(Path path, int reads, long seed, int level) throws IOException {
        Random random = new Random(seed);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(path)) {
            {
                def.setLevel(level);
            }
        }) {
            StringBuilder record = new StringBuilder();
            for (int i = 0; i < reads; i++) {
                record.setLength(0);
                record.append("@read").append(i).append('/').append(seed).append('\n');
                for (int b = 0; b < 100; b++) record.append("ACGT".charAt(random.nextInt(4)));
                record.append("\n+\n");
                for (int b = 0; b < 100; b++) record.append((char) ('5' + random.nextInt(10)));
                record.append('\n');
                out.write(record.toString().getBytes(StandardCharsets.US_ASCII));
            }
        }
        return path;
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
