package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Users;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The annotation page in a real headless Chromium: a template downloaded through the page arrives as the workbook; a
 * filled multiplexed sheet (.csv) with a wrong barcode is answered row by row and nothing is stored; the corrected sheet's
 * warning is shown, accepted, the sheet stored, its reads uploaded from its page, and the samples it made linked once
 * the server has split the reads. Screenshots of each step.
 */
class AnnotationBrowserTest extends BrowserTest {
    @TempDir
    Path dir;

    @Test
    void aTemplateDownloadedThroughThePageArrivesAsTheWorkbook() throws Exception {
        Users.Account owner = Users.signUp(server, "annot");
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        browser.driver().executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
        browser.signIn(owner, Users.PASSWORD, "/app/annotation");
        browser.findWithText("h1", "Annotation");
        browser.findWithText(".nav-links a[aria-current=page]", "Annotation");
        browser.screenshots("annotation");

        browser.find("button[data-template=sample]").click();
        Path saved = downloads.resolve("flow-sample-annotation.xlsx");
        // saved whole once Chromium renames its .crdownload file
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> Files.exists(saved));
        try (InputStream in = Files.newInputStream(saved); XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            assertThat(workbook.getSheet("Samples")).isNotNull();
            assertThat(workbook.getSheet("Samples").getRow(0).getCell(0).getStringCellValue()).startsWith("Sample name");
            assertThat(workbook.getSheet("Instructions")).isNotNull();
        }

        // the downloaded template filled in: first without the organism it requires, then whole; checked, then imported
        String reads = Users.uniqueName("tpl") + "_R1.fastq";
        Fixtures.upload(owner, reads, "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8), Map.of());
        Path missing = fill(saved, "no-organism.xlsx", "tpl-liver", null, reads);
        browser.driver().findElement(By.id("field-sheet")).sendKeys(missing.toString());
        browser.find("button.check").click();
        browser.findWithText(".form-error", "problem");
        assertThat(browser.find(".report tbody tr").getText()).startsWith("2").contains("Organism").contains("(C)");
        Path whole = fill(saved, "whole.xlsx", "tpl-liver", "human", reads);
        browser.driver().findElement(By.id("field-sheet")).sendKeys(whole.toString());
        browser.find("button.check").click();
        browser.findWithText(".report [role=status]", "Would create 1 sample, would update 0 and would link 1 read.");
        browser.screenshots("annotation-dry-run");
        browser.find("button.confirm").click();
        browser.findWithText(".report [role=status]", "Created 1 sample, updated 0 and linked 1 read.");
        browser.driver().findElement(By.linkText("tpl-liver")).click();
        browser.findWithText("h1", "tpl-liver");
        browser.findWithText(".files", reads);
    }

    /** The template with one row: a sample's name, organism and read 1 file (the template's columns A, C and I). */
    private Path fill(Path template, String name, String sample, String organism, String reads) throws Exception {
        try (InputStream in = Files.newInputStream(template); XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            org.apache.poi.ss.usermodel.Row row = workbook.getSheet("Samples").createRow(1);
            row.createCell(0).setCellValue(sample);
            if (organism != null) row.createCell(2).setCellValue(organism);
            row.createCell(8).setCellValue(reads);
            Path out = dir.resolve(name);
            try (var stream = Files.newOutputStream(out)) {
                workbook.write(stream);
            }
            return out;
        }
    }

    @Test
    void aMultiplexedSheetIsReportedRowByRowThenItsWarningAcceptedAndItsReadsMadeIntoSamples() throws Exception {
        Users.Account owner = Users.signUp(server, "mplex");
        long project = Fixtures.project(owner, "Pools", false);
        // a sample of a name the sheet uses again: a warning, not a problem
        Fixtures.sample(owner, project, "mx-liver");
        browser.signIn(owner, Users.PASSWORD, "/app/annotation");

        Path bad = write("pool.csv", "Sample name,Barcode,Reads 1 file\nmx-liver,ACGTACGT,pool_R1.fastq\nmx-heart,ACGZ,pool_R1.fastq\n");
        browser.driver().findElement(By.id("field-sheet")).sendKeys(bad.toString());
        browser.find("button.check").click();
        browser.findWithText(".form-error", "1 problem: nothing was imported");
        List<WebElement> cells = browser.find(".report tbody tr").findElements(By.cssSelector("td"));
        assertThat(cells.get(0).getText()).isEqualTo("3");
        assertThat(cells.get(1).getText()).isEqualTo("Barcode");
        assertThat(cells.get(2).getText()).contains("ACGZ");
        browser.screenshots("annotation-problems");

        Path fixed = write("pool-fixed.csv", "Sample name,Barcode,Reads 1 file\nmx-liver,ACGTACGT,pool_R1.fastq\nmx-heart,TTGGCCAA,pool_R1.fastq\n");
        browser.driver().findElement(By.id("field-sheet")).sendKeys(fixed.toString());
        assertThat(browser.all(".report")).isEmpty();
        browser.find("button.check").click();
        browser.findWithText(".notice-text", "1 warning");
        assertThat(browser.find(".report tbody tr").getText()).contains("2").contains("You already have a sample called 'mx-liver'");
        browser.screenshots("annotation-warnings");
        browser.find("button.confirm").click();

        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.path().startsWith("/app/annotation/multiplexed/"));
        browser.findWithText(".sheet-status", "Waiting for its reads");
        browser.findWithText(".reads-form", "pool_R1.fastq");
        browser.screenshots("annotation-multiplexed-waiting");

        StringBuilder reads = new StringBuilder();
        for (int i = 0; i < 6; i++) reads.append("@a").append(i).append(" 1:N:0:ACGTACGT\nACGTACGTAC\n+\nIIIIIIIIII\n");
        for (int i = 0; i < 4; i++) reads.append("@b").append(i).append(" 1:N:0:TTGGCCAA\nTTGGCCAATT\n+\nIIIIIIIIII\n");
        Path pool = write("pool_R1.fastq", reads.toString());
        browser.driver().findElement(By.id("field-reads")).sendKeys(pool.toString());
        browser.find(".reads-form button[type=submit]").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".sheet-status"), "Done"));
        browser.screenshots("annotation-multiplexed-done");

        List<WebElement> rows = browser.all("table tbody tr");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getText()).contains("mx-liver").endsWith("6");
        assertThat(rows.get(1).getText()).contains("mx-heart").endsWith("4");
        rows.get(1).findElement(By.linkText("mx-heart")).click();
        browser.findWithText("h1", "mx-heart");
        assertThat(browser.path()).matches("/app/samples/[0-9]+");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
