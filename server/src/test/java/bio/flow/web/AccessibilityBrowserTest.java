package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Accessibility;
import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.PipelineRuns;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.Users;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every route of the web app (routes.js) opened by a deep link in a real headless Chromium, with a site full of things
 * to show: a biologist's projects, samples with reads, data, groups, an invitation, things shared with her and public
 * ones; the admin's pages; the visitor's. On each page, at desktop (1280x800) and phone (390 px) width, axe-core finds
 * no serious or critical violation ({@link Accessibility}), the page is no wider than the screen, and a screenshot of each goes to
 * target/screenshots/page-NAME-desktop.png and -phone.png, the set to look at for how every page looks.
 *
 * <p>{@link #PAGES} is the one list of what is visited; a route added to routes.js without a line there fails
 * {@link #everyRouteOfTheAppIsVisited}.
 */
class AccessibilityBrowserTest extends BrowserTest {

    enum Who { VISITOR, USER, ADMIN }

    /**
     * A page to visit: the route it is (as routes.js writes it), a name for its screenshots, who looks at it, the path
     * opened ({PROJECT}, {SHARED_PROJECT}, {SAMPLE}, {DATA}, {GROUP} stand for the things the test makes), and, when
     * not null, the text of a button of the page's actions to press first (a dialog).
     */
    record Visit(String route, String name, Who who, String path, String press) {
        Visit(String route, String name, Who who, String path) {
            this(route, name, who, path, null);
        }
    }

    /** Every page of the app: one line for each (a route may be seen in more than one state). */
    static final List<Visit> PAGES = List.of(
            new Visit("/app/signin", "signin", Who.VISITOR, "/app/signin"),
            new Visit("/app/signup", "signup", Who.VISITOR, "/app/signup"),
            new Visit("/app/forgot", "forgot", Who.VISITOR, "/app/forgot"),
            new Visit("/app/reset", "reset", Who.VISITOR, "/app/reset"),
            new Visit("/app/search", "search-public", Who.VISITOR, "/app/search?q=zebrafish"),
            new Visit("*", "not-found-visitor", Who.VISITOR, "/app/no/such/page"),
            new Visit("/app/pipelines", "pipelines-visitor", Who.VISITOR, "/app/pipelines"),
            new Visit("/app/oidc/callback", "oidc-callback-refused", Who.VISITOR, "/app/oidc/callback?code=x&state=y"),

            new Visit("/app/", "dashboard", Who.USER, "/app/"),
            new Visit("/app/projects", "projects", Who.USER, "/app/projects"),
            new Visit("/app/projects", "projects-shared", Who.USER, "/app/projects?tab=shared"),
            new Visit("/app/projects", "projects-public", Who.USER, "/app/projects?tab=public"),
            new Visit("/app/projects/new", "project-new", Who.USER, "/app/projects/new"),
            new Visit("/app/projects/:id", "project", Who.USER, "/app/projects/{PROJECT}"),
            new Visit("/app/projects/:id", "project-sharing", Who.USER, "/app/projects/{PROJECT}", "Share"),
            new Visit("/app/projects/:id", "project-shared", Who.USER, "/app/projects/{SHARED_PROJECT}"),
            new Visit("/app/samples", "samples", Who.USER, "/app/samples"),
            new Visit("/app/samples/new", "sample-new", Who.USER, "/app/samples/new?project={PROJECT}"),
            new Visit("/app/samples/:id", "sample", Who.USER, "/app/samples/{SAMPLE}"),
            new Visit("/app/samples/:id", "sample-delete", Who.USER, "/app/samples/{SAMPLE}", "Delete"),
            new Visit("/app/samples/:id/edit", "sample-edit", Who.USER, "/app/samples/{SAMPLE}/edit"),
            new Visit("/app/samples/:id/upload", "sample-upload", Who.USER, "/app/samples/{SAMPLE}/upload"),
            new Visit("/app/data", "data", Who.USER, "/app/data"),
            new Visit("/app/data/:id", "data-file", Who.USER, "/app/data/{DATA}"),
            new Visit("/app/upload", "upload", Who.USER, "/app/upload"),
            new Visit("/app/groups", "groups", Who.USER, "/app/groups"),
            new Visit("/app/groups/new", "group-new", Who.USER, "/app/groups/new"),
            new Visit("/app/groups/:slug", "group", Who.USER, "/app/groups/{GROUP}"),
            new Visit("/app/search", "search", Who.USER, "/app/search?q=fin"),
            new Visit("/app/settings", "settings", Who.USER, "/app/settings"),
            new Visit("/app/settings/password", "settings-password", Who.USER, "/app/settings/password"),
            new Visit("/app/settings/ssh-key", "settings-ssh-key", Who.USER, "/app/settings/ssh-key"),
            new Visit("/app/settings/tokens", "settings-tokens", Who.USER, "/app/settings/tokens"),
            new Visit("*", "not-found", Who.USER, "/app/projects/999999999"),
            new Visit("/app/pipelines", "pipelines", Who.USER, "/app/pipelines"),
            new Visit("/app/pipelines/:id", "pipeline", Who.USER, "/app/pipelines/{PIPELINE}"),
            new Visit("/app/pipelines/versions/:id", "pipeline-version", Who.USER, "/app/pipelines/versions/{VERSION}"),
            new Visit("/app/executions", "executions", Who.USER, "/app/executions"),
            new Visit("/app/executions/:id", "execution", Who.USER, "/app/executions/{EXECUTION}"),
            new Visit("/app/annotation", "annotation", Who.USER, "/app/annotation"),
            new Visit("/app/annotation/multiplexed/:id", "annotation-multiplexed", Who.USER, "/app/annotation/multiplexed/{MULTIPLEXED}"),

            new Visit("/app/", "admin-dashboard", Who.ADMIN, "/app/"),
            new Visit("/app/projects/:id", "admin-project", Who.ADMIN, "/app/projects/{PROJECT}"),
            new Visit("/app/admin", "admin-users", Who.ADMIN, "/app/admin"),
            new Visit("/app/admin/vocabularies", "admin-vocabularies", Who.ADMIN, "/app/admin/vocabularies"),
            new Visit("/app/admin/pipelines", "admin-pipelines", Who.ADMIN, "/app/admin/pipelines"),
            new Visit("/app/admin/pipelines/:id", "admin-pipeline", Who.ADMIN, "/app/admin/pipelines/{PIPELINE}"),
            new Visit("/app/admin/storage", "admin-storage", Who.ADMIN, "/app/admin/storage"),

            // advanced search: each kind once
            new Visit("/app/search/:kind", "search-projects-public", Who.VISITOR, "/app/search/projects?filter=zebrafish"),
            new Visit("/app/search/:kind", "search-samples", Who.USER, "/app/search/samples?organism=zebrafish"),
            new Visit("/app/search/:kind", "search-data", Who.USER, "/app/search/data?data_type=FASTQ"),
            new Visit("/app/search/:kind", "search-executions", Who.USER, "/app/search/executions?status=completed"),
            new Visit("/app/search/:kind", "search-filesets", Who.USER, "/app/search/filesets?has_data=true"));

    /** A page is ready once its heading shows and nothing on it is still loading. */
    private static final String READY = "return !!document.querySelector('main h1')"
            + " && !document.querySelector('.loading, [aria-busy=\"true\"]') && !document.body.textContent.includes('Loading…')";

    @Test
    void everyRouteOfTheAppIsVisited() throws IOException {
        Set<String> routes = new LinkedHashSet<>();
        try (InputStream in = getClass().getResourceAsStream("/web/routes.js")) {
            Matcher m = Pattern.compile("\\{\\s*path:\\s*'([^']+)'").matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            while (m.find()) routes.add(m.group(1));
        }
        assertThat(routes).as("routes.js, as read").contains("/app/", "*");
        assertThat(PAGES.stream().map(Visit::route).distinct()).as("the routes visited, and those of routes.js")
                .containsExactlyInAnyOrderElementsOf(routes);
    }

    /** The check itself finds what it is there to find: a field without a label, grey text on white. */
    @Test
    void theCheckFindsAnUnlabelledFieldAndFaintText() {
        browser.go("/app/signin");
        browser.find("main h1");
        browser.driver().executeScript("const main = document.querySelector('main');"
                + "main.insertAdjacentHTML('beforeend', '<input id=\"nameless\"><p id=\"faint\">faint</p>');"
                + "document.getElementById('faint').style.color = '#ddd';");
        assertThat(Accessibility.violations(browser)).anyMatch(v -> v.startsWith("label ") && v.contains("#nameless"))
                .anyMatch(v -> v.startsWith("color-contrast ") && v.contains("#faint"));
    }

    @Test
    void theVisitorsPagesHaveNoSeriousAccessibilityViolation() {
        assertNoViolations(browser, Who.VISITOR, Map.of());
    }

    @Test
    void aBiologistsPagesHaveNoSeriousAccessibilityViolation() {
        Users.Account user = Users.signUp(server, "rosalind");
        Users.Account colleague = Users.signUp(server, "colleague");
        Map<String, String> things = site(user, colleague);
        browser.signIn(user, Users.PASSWORD);
        assertNoViolations(browser, Who.USER, things);
    }

    @Test
    void theAdminsPagesHaveNoSeriousAccessibilityViolation() {
        Users.Account user = Users.signUp(server, "owner");
        long project = Fixtures.project(user, "Arabidopsis drought response", false);
        Fixtures.sample(user, project, "Col-0 leaf, day 3");
        browser.signIn(Users.admin(server), bio.flow.testing.TestServer.ADMIN_PASSWORD);
        long version = PipelineRuns.latestVersion(user.api(), "Quality Control", "FASTQ QC");
        String pipeline = user.api().get("/pipelines/versions/" + version).json().path("pipeline_id").asText();
        assertNoViolations(browser, Who.ADMIN, Map.of("PROJECT", String.valueOf(project), "PIPELINE", pipeline));
    }

    /**
     * What the biologist has and sees: a project with samples (one with paired reads and a metadata entry, one with a
     * long name), a data file, a group she runs with a member, an invitation to another, a colleague's project shared
     * with her and another made public.
     */
    private static Map<String, String> site(Users.Account user, Users.Account colleague) {
        long project = Fixtures.project(user, "Zebrafish fin regeneration", false);
        long sample = Fixtures.sample(user, Map.of("name", "Caudal fin 3 dpa", "project", project, "organism", "zebrafish",
                "sample_type", "RNA", "metadata", Map.of("timepoint", "3 dpa")));
        Fixtures.sample(user, project, "Caudal fin 7 dpa, replicate 2, poly-A selected, sequenced on a second lane");
        Fixtures.sample(user, project, "Uninjured control");
        long read1 = RunFixtures.read(user, sample, 1, 1, "fin3dpa_S1_L001_R1_001.fastq.gz",
                RunFixtures.gzip(RunFixtures.fastq("fin-1/1"))).path("id").asLong();
        RunFixtures.read(user, sample, 2, 1, "fin3dpa_S1_L001_R2_001.fastq.gz", RunFixtures.gzip(RunFixtures.fastq("fin-1/2")));
        Fixtures.data(user, null);

        String group = Fixtures.group(user, List.of(colleague), List.of());
        Fixtures.group(colleague, List.of(), List.of(user));
        Fixtures.shareWithGroup(user, "projects", project, group, 1);
        long shared = Fixtures.project(colleague, "Medaka heart regeneration", false);
        Fixtures.sample(colleague, shared, "Ventricle 7 dpi");
        Fixtures.shareWithUser(colleague, "projects", shared, user, 1);
        Fixtures.project(colleague, "Zebrafish retina atlas", true);
        // a finished FASTQ QC run of the sample (its page with tasks, log and outputs) and a multiplexed sheet waiting for its reads
        long version = PipelineRuns.latestVersion(user.api(), "Quality Control", "FASTQ QC");
        Api.Res run = user.api().post("/pipelines/versions/" + version + "/run", Map.of("name", "fin QC", "samples", List.of(sample),
                "filesets", List.of(), "parameters", Map.of()));
        assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
        long execution = run.json().path("id").asLong();
        Api.Res sheet = new Multipart().file("file", "pool.csv", ("Sample name,Barcode,Reads 1 file\npool_a,ACGTACGT,pool_R1.fastq.gz\n"
                + "pool_b,TTGGCCAA,pool_R1.fastq.gz\n").getBytes(StandardCharsets.UTF_8)).post(user.api(), "/upload/annotation");
        assertThat(sheet.status()).as("sheet: %s", sheet).isEqualTo(200);
        try {
            PipelineRuns.waitUntilFinished(user.api(), execution);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        String pipeline = user.api().get("/pipelines/versions/" + version).json().path("pipeline_id").asText();
        return Map.of("PROJECT", String.valueOf(project), "SHARED_PROJECT", String.valueOf(shared),
                "SAMPLE", String.valueOf(sample), "DATA", String.valueOf(read1), "GROUP", group,
                "PIPELINE", pipeline, "VERSION", String.valueOf(version), "EXECUTION", String.valueOf(execution),
                "MULTIPLEXED", sheet.json().path("id").asText());
    }

    /** Opens each of {@code who}'s pages, checks it at both widths and saves its screenshots; fails at the end, listing every violation. */
    private static void assertNoViolations(Browser browser, Who who, Map<String, String> things) {
        List<String> found = new ArrayList<>();
        for (Visit visit : PAGES) {
            if (visit.who() != who) continue;
            String path = visit.path();
            for (var thing : things.entrySet()) path = path.replace("{" + thing.getKey() + "}", thing.getValue());
            browser.go(path);
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).withMessage(() -> visit.name() + " (" + visit.path() + ") did not finish loading")
                    .until(d -> Boolean.TRUE.equals(browser.driver().executeScript(READY)));
            if (visit.press() != null) {
                new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".page-actions button").stream()
                        .filter(b -> b.getText().equals(visit.press())).findFirst().orElse(null)).click();
                browser.find("dialog[open]");
            }
            browser.screenshots("page-" + visit.name(), width -> {
                Accessibility.violations(browser).forEach(v -> found.add(visit.name() + " (" + width + "): " + v));
                // wider than the screen, a phone shows the whole page shrunk (or makes it scroll sideways)
                long wide = ((Number) browser.driver().executeScript("return document.documentElement.scrollWidth")).longValue();
                int screen = width.equals("phone") ? Browser.PHONE_WIDTH : Browser.DESKTOP_WIDTH;
                if (wide > screen) found.add(visit.name() + " (" + width + "): the page is " + wide + " px wide, wider than the screen's " + screen);
            });
        }
        assertThat(found).as("serious and critical accessibility violations").isEmpty();
    }
}
