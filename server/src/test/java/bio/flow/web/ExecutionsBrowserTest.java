package bio.flow.web;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.TestPipelines.awaitTask;
import static bio.flow.testing.TestPipelines.execution;
import static bio.flow.testing.TestPipelines.folder;
import static bio.flow.testing.TestPipelines.version;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The executions pages in a real headless Chromium ({@link Browser}): a FASTQ QC run started through the API and
 * followed on its page until it completes, without a reload (its tasks, its log, an output's preview, an output and the
 * ZIP saved with the bytes the API serves), the lineage links between its page and its inputs' and outputs' data pages,
 * the list with its filters, the quick search, a stranger who finds no such page, and the owner deleting it from the
 * list; a long run shown on the dashboard, followed by a reader who has no cancel button, canceled by its owner from
 * its page and then deleted there. Screenshots of each page at desktop and phone width.
 */
class ExecutionsBrowserTest extends BrowserTest {
    private static final String READ_1 = "@r1\nACGTGG\n+\nIIIII#\n@r2\nAATT\n+\n!!55\n";
    private static final String READ_2 = "@r1\nGCGC\n+\nIIII\n@r2\nACGT\n+\nIIII\n";

    @Test
    void aFastqQcRunIsFollowedLiveToItsEndThenItsOutputsArePreviewedAndSaved() throws Exception {
        Users.Account owner = Users.signUp(server, "runner");
        long project = Fixtures.project(owner, "Liver QC", false);
        long sample = Fixtures.sample(owner, project, "liver-qc-1");
        uploadRead(owner, sample, 1, null, "liver-qc-1_R1.fq", READ_1.getBytes(StandardCharsets.US_ASCII));
        uploadRead(owner, sample, 2, null, "liver-qc-1_R2.fq", READ_2.getBytes(StandardCharsets.US_ASCII));
        // the files' own ids (findValuesAsText would also take their sample's, project's and owner's)
        long read1 = java.util.stream.StreamSupport.stream(owner.api().get("/data/owned").json().path("data").spliterator(), false)
                .mapToLong(d -> d.path("id").asLong()).min().orElseThrow();
        browser.signIn(owner, Users.PASSWORD);

        long version = latestVersion(owner.api(), "Quality Control", "FASTQ QC");
        String name = Users.uniqueName("liver qc run");
        Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run",
                Map.of("name", name, "samples", List.of(sample), "filesets", List.of(), "parameters", Map.of("min_quality", 30)));
        assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
        long id = run.json().path("id").asLong();

        browser.go("/app/executions/" + id);
        browser.findWithText("h1", name);
        // the page is left alone from here on: a marker in its window shows that it was never reloaded
        browser.driver().executeScript("window.sameDocument = true; performance.setResourceTimingBufferSize(10000)");
        String first = browser.find(".execution-status").getText();
        assertThat(first).as("the run has only just been submitted").isIn("Waiting", "Running");
        browser.screenshots("execution-" + first.toLowerCase());
        new WebDriverWait(browser.driver(), Duration.ofMinutes(5)).withMessage(() -> browser.find("main").getText())
                .until(d -> !browser.find(".execution-status").getText().equals(first)
                        && !browser.find(".execution-status").getText().equals("Running"));
        assertThat(browser.find(".execution-status").getText()).isEqualTo("Completed");
        assertThat(browser.driver().executeScript("return window.sameDocument")).as("no reload").isEqualTo(true);
        assertThat(browser.find("#execution-progress").getDomProperty("value")).isEqualTo("100");
        assertThat(browser.find(".execution-percent").getText()).isEqualTo("100 % done");
        assertThat(browser.all("#cancel-execution-open")).as("a finished run cannot be canceled").isEmpty();
        // it was asked again and again, each time at least 2 s after the one before
        List<Double> asked = polls(browser, id);
        assertThat(asked).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < asked.size(); i++) assertThat(asked.get(i) - asked.get(i - 1)).as("ms between polls").isGreaterThanOrEqualTo(1990);

        // its tasks, its log, its inputs
        List<WebElement> tasks = browser.all(".tasks tbody tr");
        assertThat(tasks).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.find(".tasks tbody").getText()).contains("FASTQ_STATS", "SUMMARY", "REPORT", "completed");
        browser.findWithText("#execution-events", "Task completed: SUMMARY");
        assertThat(browser.find("#nextflow-log").getText()).containsIgnoringCase("nextflow");
        assertThat(browser.find("section[aria-labelledby=inputs-title] a[href='/app/samples/" + sample + "']").getText()).isEqualTo("liver-qc-1");
        browser.screenshots("execution-completed");

        // an output's preview: its first lines, as the API reads them
        JsonNode done = owner.api().get("/executions/" + id).json();
        JsonNode summary = output(done, "fastq_qc_summary.tsv");
        String filename = summary.path("filename").asText();
        browser.find("button[aria-label='Preview " + filename + "']").click();
        WebElement preview = browser.find("#output-preview pre");
        assertThat(preview.getDomProperty("textContent")).startsWith("sample\tread\t").contains("liver-qc-1");
        browser.screenshots("execution-output-preview");

        // the output and the ZIP are saved with the bytes the API serves: what the page hands to the browser to save
        // (the blob behind the link it clicks) is kept instead
        browser.driver().executeScript("""
                window.saved = [];
                const blobs = new Map();
                const objectUrl = URL.createObjectURL;
                URL.createObjectURL = (blob) => { const url = objectUrl(blob); blobs.set(url, blob); return url; };
                HTMLAnchorElement.prototype.click = function () {
                  const name = this.download;
                  blobs.get(this.href).arrayBuffer().then((b) => window.saved.push({ name, bytes: Array.from(new Uint8Array(b)) }));
                };""");
        browser.find("button[aria-label='Download " + filename + "']").click();
        Map<String, Object> file = saved(0);
        assertThat(file.get("name")).isEqualTo(filename);
        assertThat(bytes(file)).isEqualTo(text(owner.api(), summary).getBytes(StandardCharsets.UTF_8));
        browser.findWithText("section[aria-labelledby=outputs-title] .section-head button", "Download all (ZIP)").click();
        Map<String, Object> zip = saved(1);
        assertThat((String) zip.get("name")).endsWith(".zip");
        assertThat(new String(bytes(zip), 0, 2, StandardCharsets.ISO_8859_1)).isEqualTo("PK");

        // lineage: the output's data page names the run that made it; the read's, the run that used it
        browser.find("a[href='/app/data/" + summary.path("id").asLong() + "']").click();
        browser.findWithText("h1", filename);
        browser.find("section[aria-labelledby=lineage-title] a[href='/app/executions/" + id + "']").click();
        browser.findWithText("h1", name);
        browser.go("/app/data/" + read1);
        browser.findWithText("section[aria-labelledby=lineage-title]", name);
        browser.screenshots("data-lineage");
        browser.find("section[aria-labelledby=lineage-title] a[href='/app/executions/" + id + "']").click();
        browser.waitForPath("/app/executions/" + id);

        // the list: the run, with its state; a filter it does not pass
        browser.find("a[href='/app/executions']").click();
        browser.findWithText("h1", "Executions");
        browser.findWithText(".table tbody", name);
        assertThat(browser.find("a[href='/app/executions/" + id + "']").getText()).isEqualTo(name);
        browser.screenshots("executions-list");
        new Select(browser.find("#execution-status")).selectByValue("failed");
        browser.findWithText(".empty", "No execution matches these filters.");
        new Select(browser.find("#execution-status")).selectByValue("completed");
        browser.findWithText(".table tbody", name);

        // the quick search finds it, as a link to its page
        Browser.replaceText(browser.find("#nav-search"), name);
        browser.submit(".nav-search");
        browser.findWithText("#results-Executions", "Executions (1)");
        browser.find("a[href='/app/executions/" + id + "']").click();
        browser.findWithText("h1", name);

        // a stranger finds no such page
        Users.Account stranger = Users.signUp(server, "stranger");
        Browser other = anotherBrowser();
        other.signIn(stranger, Users.PASSWORD, "/app/executions/" + id);
        other.findWithText("h1", "Page not found");

        // its owner deletes it from the list (several could be selected at once)
        browser.go("/app/executions");
        browser.find("input[aria-label='Select " + name + "']").click();
        browser.findWithText(".bulk", "1 selected");
        browser.find("#delete-executions-open").click();
        browser.find("#delete-executions .button.danger").click();
        browser.findWithText(".empty", "You have not run a pipeline yet.");
        assertThat(owner.api().get("/executions/" + id).status()).isEqualTo(404);
    }

    @Test
    void aLongRunShowsOnTheDashboardThenItsOwnerCancelsItWhileAReaderCannot() throws Exception {
        Users.Account owner = Users.signUp(server, "canceler");
        Users.Account reader = Users.signUp(server, "watcher");
        long id = execution(server, owner.id(), version(server, folder("engine-test")), "{\"tasks\": 1, \"sleep\": 300}");
        awaitTask(server.jdbi(), id, "WAIT", "running");
        Fixtures.shareWithUser(owner, "executions", id, reader, 1);

        browser.signIn(owner, Users.PASSWORD);
        WebElement run = browser.findWithText(".runs", "engine test");
        assertThat(run.getText()).contains("Running");
        browser.find("section[aria-labelledby=queue-title] svg.chart");
        assertThat(browser.find("svg.chart").getAttribute("aria-label")).matches("Waiting: \\d+, Running: [1-9]\\d*, Completed today: \\d+, Failed today: \\d+");
        browser.screenshots("dashboard-running");

        // its owner opens its page from the dashboard, and leaves it: it is no longer asked for
        browser.find(".runs a[href='/app/executions/" + id + "']").click();
        browser.findWithText(".execution-status", "Running");
        browser.find(".nav-links a[href='/app/']").click();
        double left = ((Number) browser.driver().executeScript("return performance.now()")).doubleValue();
        browser.findWithText(".runs", "engine test");

        // a reader follows it, without the cancel button (and meanwhile the owner's dashboard stays as it is)
        Browser watcher = anotherBrowser();
        watcher.signIn(reader, Users.PASSWORD, "/app/executions/" + id);
        watcher.findWithText(".execution-status", "Running");
        watcher.findWithText(".tasks tbody", "WAIT");
        assertThat(watcher.all("#cancel-execution-open")).isEmpty();
        assertThat(polls(browser, id)).as("polls started after the page was left").noneMatch(t -> t > left);

        // its owner cancels it from its page
        browser.find(".runs a[href='/app/executions/" + id + "']").click();
        browser.findWithText(".execution-status", "Running");
        browser.find("#cancel-execution-open").click();
        browser.findWithText("#cancel-execution-title", "Cancel engine test?");
        browser.screenshots("execution-cancel");
        browser.find("#cancel-execution .button.danger").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).withMessage(() -> browser.find("main").getText())
                .until(d -> browser.find(".execution-status").getText().equals("Canceled"));
        assertThat(owner.api().get("/executions/" + id).json().path("status").asText()).isEqualTo("canceled");
        assertThat(browser.all("#cancel-execution-open")).isEmpty();
        // the reader's page sees it too, without a reload
        new WebDriverWait(watcher.driver(), Duration.ofSeconds(10)).until(d -> watcher.find(".execution-status").getText().equals("Canceled"));
        browser.screenshots("execution-canceled");

        // now finished, it can be deleted
        browser.find("#delete-execution-open").click();
        browser.find("#delete-execution .button.danger").click();
        browser.waitForPath("/app/executions");
        assertThat(owner.api().get("/executions/" + id).status()).isEqualTo(404);
    }

    /** When (ms since the page loaded) the page asked the API for the execution, in order. */
    @SuppressWarnings("unchecked")
    private static List<Double> polls(Browser b, long id) {
        return ((List<Object>) b.driver().executeScript("return performance.getEntriesByType('resource')"
                + ".filter((e) => e.name.endsWith('/executions/' + arguments[0])).map((e) => e.startTime)", id))
                .stream().map(t -> ((Number) t).doubleValue()).toList();
    }

    /** The n-th file the page handed to the browser to save (0 the first), once it is there. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> saved(int n) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .until(d -> ((Number) browser.driver().executeScript("return window.saved.length")).intValue() > n);
        return (Map<String, Object>) ((List<Object>) browser.driver().executeScript("return window.saved")).get(n);
    }

    private static byte[] bytes(Map<String, Object> file) {
        List<?> values = (List<?>) file.get("bytes");
        byte[] out = new byte[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) values.get(i)).byteValue();
        return out;
    }
}
