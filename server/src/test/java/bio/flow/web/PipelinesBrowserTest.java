package bio.flow.web;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Pipelines;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app's pipelines in a real headless Chromium (see {@link WebAppBrowserTest}): the catalogue by category, a
 * pipeline's page, a version's page with its parameter form generated from the schema (types, defaults, required
 * marks, hidden parameters folded away, a data parameter chosen among the caller's files) and the run wizard, whose
 * API errors show beside the parameter they name; FASTQ QC run from the wizard on a sample with reads, checked
 * through the API until it completes. Screenshots of each page go to target/screenshots/.
 */
class PipelinesBrowserTest extends BrowserTest {
    private static final String READ_1 = "@r1/1\nACGTACGTGG\n+\nIIIIIIIIII\n@r2/1\nTTGCAACG\n+\nIIII5555\n";
    private static final String READ_2 = "@r1/2\nGGCCAATT\n+\nIIIIIIII\n@r2/2\nACGTAC\n+\n??????\n";

    /** A sample with paired reads (uploaded through the API: the upload page is another test's). */
    private static long sampleWithReads(Users.Account owner, long project, String name) {
        long sample = Fixtures.sample(owner, project, name);
        RunFixtures.read(owner, sample, 1, null, name + "_R1.fastq.gz", RunFixtures.gzip(READ_1.getBytes(StandardCharsets.US_ASCII)));
        RunFixtures.read(owner, sample, 2, null, name + "_R2.fastq", READ_2.getBytes(StandardCharsets.US_ASCII));
        return sample;
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(10));
    }

    /** Picks (or unpicks) the sample on the wizard's first step, found by its name among the caller's own; then `picked` are. */
    private void pickSample(String name, String picked) {
        Browser.replaceText(browser.find("#run-sample-filter"), name);
        // the samples' table is the step's own; the filesets' is folded away below it
        waiting().until(d -> browser.all("#run-step-1 ~ .table-wrap tbody tr").size() == 1
                && browser.find("#run-step-1 ~ .table-wrap tbody").getText().contains(name));
        browser.find("input[aria-label='Select " + name + "']").click();
        browser.findWithText("#run-inputs", picked + " picked");
    }

    /** Waits (up to 10 s) until an element matching the XPath is visible, and returns it. */
    private WebElement findXpath(String xpath) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath(xpath)));
    }

    /** Waits until the element with this id has the focus (the app moves it once the page shows what it is about). */
    private void focused(String id) {
        waiting().until(d -> id.equals(d.switchTo().activeElement().getAttribute("id")));
    }

    /** The id of the execution whose page the browser went to after the run started. */
    private long executionOpened() {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> browser.path().matches("/app/executions/[0-9]+"));
        return Long.parseLong(browser.path().substring("/app/executions/".length()));
    }

    @Test
    void theCatalogueShowsFastqQcUnderQualityControlWithItsPipelineAndVersionPages() {
        Users.Account account = Users.signUp(server, "catalogue");
        long version = latestVersion(account.api(), "Quality Control", "FASTQ QC");
        browser.signIn(account, Users.PASSWORD);
        browser.find(".nav-links a[href='/app/pipelines']").click();
        browser.waitForPath("/app/pipelines");
        browser.findWithText("h1", "Pipelines");

        // FASTQ QC in its category's section, with its description and its versions
        WebElement qc = findXpath("//section[h2[text()='Quality Control']]//li[contains(@class,'pipeline')][.//a[text()='FASTQ QC']]");
        assertThat(qc.getText()).contains("Per-sample read count", "1.0.0 (latest)");
        assertThat(qc.findElement(By.cssSelector("a.version")).getAttribute("href")).endsWith("/app/pipelines/versions/" + version);
        assertThat(browser.find(".nav-links a[aria-current=page]").getText()).isEqualTo("Pipelines");
        browser.screenshots("pipelines");

        // the pipeline's page: its category and versions, and a button to run the latest
        qc.findElement(By.linkText("FASTQ QC")).click();
        browser.findWithText("h1", "FASTQ QC");
        assertThat(browser.path()).matches("/app/pipelines/[0-9]+");
        assertThat(browser.find(".facts").getText()).contains("Quality Control");
        assertThat(browser.find("section[aria-labelledby=versions-title] table").getText()).contains("1.0.0", "Samplesheet");
        browser.screenshots("pipeline");
        browser.findWithText(".page-actions a", "Run 1.0.0").click();
        browser.waitForPath("/app/pipelines/versions/" + version);
        browser.findWithText("h1", "FASTQ QC 1.0.0");
        assertThat(browser.find(".description").getText()).startsWith("Per-sample read count");
        assertThat(browser.find(".steps li[aria-current=step]").getText()).contains("Samples");
        browser.findWithText(".step .empty", "You have no sample yet");

        // a first step with nothing picked does not go on
        browser.find("#run-next-1").click();
        browser.findWithText("#run-inputs", "Pick at least one sample or fileset");
        assertThat(browser.find(".steps li[aria-current=step]").getText()).contains("Samples");
        browser.screenshots("pipeline-version");

        // an account that may not run pipelines gets the parameters as a table, and says why; so does a visitor
        Users.Account admin = Users.admin(server);
        assertThat(admin.api().post("/admin/users/" + account.username(), Map.of("can_run_pipelines", false)).status()).isEqualTo(200);
        browser.driver().navigate().refresh();
        browser.findWithText(".notice", "Your account may not run pipelines");
        assertThat(browser.find("section[aria-labelledby=parameters-title] table").getText()).contains("min_quality", "integer", "20");
        assertThat(browser.all(".steps")).isEmpty();
        Browser visitor = anotherBrowser();
        visitor.go("/app/pipelines/versions/" + version);
        visitor.findWithText(".notice", "Sign in to run it");
        visitor.find(".notice a").click();
        visitor.waitForPath("/app/signin?next=%2Fapp%2Fpipelines%2Fversions%2F" + version);
    }

    @Test
    void theParameterFormFollowsTheSchemaAndTheApisErrorsShowBesideTheParameterTheyName() {
        // a pipeline registered from a folder whose schema has every kind of parameter (see PipelineRegistryTest)
        Users.Account admin = Users.admin(server);
        long pipeline = Pipelines.pipeline(admin, "Schema check");
        Api.Res registered = Pipelines.version(admin, pipeline, "2.0.0", Pipelines.folder("draft07.json").toString(), Map.of());
        assertThat(registered.status()).as("version: %s", registered).isEqualTo(201);
        long version = registered.json().path("id").asLong();

        Users.Account account = Users.signUp(server, "schema");
        long project = Fixtures.project(account, "Transcriptome check", false);
        String name = Users.uniqueName("liver");
        long sample = sampleWithReads(account, project, name);
        long fasta = Fixtures.upload(account, "genes.fa", ">t1 gene:g1\nACGTACGTACGT\n".getBytes(StandardCharsets.US_ASCII), Map.of());
        Fixtures.upload(account, "notes.txt", "not a transcriptome\n".getBytes(StandardCharsets.US_ASCII), Map.of());

        browser.signIn(account, Users.PASSWORD, "/app/pipelines/versions/" + version);
        browser.findWithText("h1", "2.0.0");
        // the run takes the sample's reads as its fileset (uploading reads files them in one), the newest there is
        long fileset = account.api().get("/filesets/search?sample=" + sample).json().path("filesets").get(0).path("id").asLong();
        browser.find("details.filesets summary").click();
        browser.find("input[aria-label='Select " + name + ": Paired-end reads']").click();
        browser.findWithText("#run-inputs", "0 samples and 1 fileset picked");
        browser.find("#run-next-1").click();
        focused("run-step-2");

        // each parameter's control by its type, at its default, with its description; required ones marked
        assertThat(browser.find("#param-gencode").getAttribute("type")).isEqualTo("checkbox");
        assertThat(browser.find("#param-gencode").isSelected()).isFalse();
        Select aligner = new Select(browser.find("#param-aligner"));
        assertThat(aligner.getOptions()).extracting(WebElement::getText).containsExactly("star_salmon", "star_rsem", "hisat2");
        assertThat(aligner.getFirstSelectedOption().getText()).isEqualTo("star_salmon");
        assertThat(browser.find("#param-kmer_size").getAttribute("value")).isEqualTo("31");
        assertThat(browser.find("#param-kmer_size-hint").getText()).contains("Salmon k-mer size", "Default: 31", "At least 1");
        assertThat(browser.find("#param-min_mapped_reads").getAttribute("value")).isEqualTo("5");
        assertThat(browser.find("label[for='param-transcript_fasta']").getText()).contains("transcript_fasta", "*");
        assertThat(browser.find("#param-transcript_fasta").getAttribute("aria-required")).isEqualTo("true");
        assertThat(browser.find("label[for='param-gencode']").getText()).doesNotContain("*");
        // hidden parameters are listed folded away, with no field: a run may not set them
        WebElement hidden = browser.find("details.hidden-params");
        assertThat(hidden.getAttribute("open")).isNull();
        assertThat(browser.all("#param-save_reference, #param-custom_config_version")).isEmpty();
        hidden.findElement(By.tagName("summary")).click();
        assertThat(hidden.getText()).contains("Hidden parameters (4)", "custom_config_version", "= master", "save_reference");
        // the data parameter offers the caller's files whose names fit its pattern (a FASTA), not the others
        waiting().until(d -> new Select(browser.find("#param-transcript_fasta")).getOptions().size() == 2);
        assertThat(new Select(browser.find("#param-transcript_fasta")).getOptions().get(1).getText()).startsWith("genes.fa");
        new Select(browser.find("#param-salmon_index-source")).selectByValue("search");
        browser.find("#param-salmon_index-filter").sendKeys("notes");
        waiting().until(d -> new Select(browser.find("#param-salmon_index")).getOptions().stream().anyMatch(o -> o.getText().startsWith("notes.txt")));
        browser.screenshots("pipeline-parameters");

        // a value out of bounds: refused by the API beside that parameter, on the parameters' step
        Browser.replaceText(browser.find("#param-kmer_size"), "0");
        browser.find("#param-gencode").click();
        browser.find("#run-next-2").click();
        browser.findWithText("#run-step-3", "Step 3 of 3");
        assertThat(browser.find(".summary").getText()).contains(name + ": Paired-end reads", "kmer_size = 0", "gencode = yes", "Every other parameter keeps its default");
        browser.find("#run-form button[type=submit]").click();
        browser.findWithText("#param-kmer_size-error", "Must be at least 1");
        assertThat(browser.find("#param-kmer_size").getAttribute("aria-invalid")).isEqualTo("true");
        focused("param-kmer_size");
        assertThat(browser.find(".steps li[aria-current=step]").getText()).contains("Parameters");

        // the required parameter left empty: refused beside it
        Browser.replaceText(browser.find("#param-kmer_size"), "23");
        browser.find("#run-next-2").click();
        browser.find("#run-form button[type=submit]").click();
        browser.findWithText("#param-transcript_fasta-error", "Is required");
        assertThat(browser.all("#param-kmer_size-error")).isEmpty();
        focused("param-transcript_fasta");
        browser.screenshots("pipeline-parameter-error");
        assertThat(account.api().get("/executions/owned").json().path("count").asInt()).as("nothing was run").isZero();

        // chosen, the run starts with the file as the data parameter and only the values changed from the defaults
        new Select(browser.find("#param-transcript_fasta")).selectByValue(String.valueOf(fasta));
        browser.find("#run-next-2").click();
        assertThat(browser.find(".summary").getText()).contains("transcript_fasta = genes.fa");
        browser.screenshots("pipeline-check");
        browser.find("#run-form button[type=submit]").click();
        long execution = executionOpened();
        JsonNode run = account.api().get("/executions/" + execution).json();
        assertThat(run.path("pipeline_version_id").asLong()).isEqualTo(version);
        assertThat(run.path("params").size()).as("params: %s", run.path("params")).isEqualTo(2);
        assertThat(run.path("params").path("kmer_size").asInt()).isEqualTo(23);
        assertThat(run.path("params").path("gencode").asBoolean()).isTrue();
        assertThat(run.path("data_params").path("transcript_fasta").asLong()).isEqualTo(fasta);
        assertThat(run.path("inputs").path("filesets").findValuesAsText("id")).containsExactly(String.valueOf(fileset));
        assertThat(run.path("inputs").path("samples")).isEmpty();
    }

    @Test
    void fastqQcRunsFromTheWizardOnASampleWithReadsAndCompletes() throws InterruptedException {
        Users.Account account = Users.signUp(server, "qcrun");
        long project = Fixtures.project(account, "QC from the browser", false);
        String name = Users.uniqueName("qc");
        long sample = sampleWithReads(account, project, name);
        String noReads = Users.uniqueName("empty");
        long empty = Fixtures.sample(account, project, noReads);
        long version = latestVersion(account.api(), "Quality Control", "FASTQ QC");

        browser.signIn(account, Users.PASSWORD, "/app/pipelines");
        findXpath("//section[h2[text()='Quality Control']]//a[@href='/app/pipelines/versions/" + version + "']").click();
        browser.findWithText("h1", "FASTQ QC 1.0.0");
        // a sample without reads is refused by the API on the first step, beside the picks
        pickSample(name, "1 sample and 0 filesets");
        pickSample(noReads, "2 samples and 0 filesets");
        browser.screenshots("pipeline-run-samples");
        browser.find("#run-next-1").click();
        browser.find("#run-next-2").click();
        browser.find("#run-form button[type=submit]").click();
        browser.findWithText("#run-inputs", "Sample " + noReads + " (" + empty + ") has no reads");
        assertThat(browser.find(".steps li[aria-current=step]").getText()).contains("Samples");
        focused("run-inputs");
        pickSample(noReads, "1 sample and 0 filesets");
        browser.find("#run-next-1").click();
        assertThat(browser.find("#param-min_quality").getAttribute("value")).isEqualTo("20");
        Browser.replaceText(browser.find("#param-min_quality"), "25");
        browser.find("#run-next-2").click();
        assertThat(browser.find(".summary").getText()).contains("FASTQ QC 1.0.0", name, "min_quality = 25");
        browser.fill("run_name", "QC of " + name);
        browser.find("#run-form button[type=submit]").click();

        // the app goes to the execution's page, which follows the run to its end; the run is checked through the API too
        long execution = executionOpened();
        new WebDriverWait(browser.driver(), Duration.ofMinutes(5)).withMessage(() -> browser.find("main").getText())
                .until(d -> browser.find(".execution-status").getText().equals("Completed"));
        browser.screenshots("pipeline-run-completed");
        JsonNode run = account.api().get("/executions/" + execution).json();
        assertThat(run.path("name").asText()).isEqualTo("QC of " + name);
        assertThat(run.path("pipeline").asText()).isEqualTo("FASTQ QC");
        assertThat(run.path("params").path("min_quality").asInt()).isEqualTo(25);
        assertThat(run.path("inputs").path("samples").findValuesAsText("id")).containsExactly(String.valueOf(sample));
        assertThat(run.path("inputs").path("data").findValuesAsText("filename")).hasSize(2);
        JsonNode done = waitUntilFinished(account.api(), execution);
        assertThat(done.path("status").asText()).as("execution: %s", done).isEqualTo("completed");
        assertThat(done.path("outputs").findValuesAsText("filename")).anyMatch(f -> f.endsWith("fastq_qc_summary.tsv"));
    }
}
