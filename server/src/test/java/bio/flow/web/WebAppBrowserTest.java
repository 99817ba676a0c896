package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Users;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * The web app in a real headless Chromium ({@link Browser}: skipped without one, except in CI): signing up and in, the
 * session surviving a reload and reaching a second tab, signing out revoking it, creating a project through the UI and
 * finding it listed, the projects' tabs (mine, shared with me, public), the API's errors beside the field they name, deep links, and how fast the first page is ready.
 * Every page it visits is saved as a screenshot at desktop and phone width under target/screenshots/, and no page may
 * log an error in the browser's console (a failed module, a refused CSP, a script error).
 */
class WebAppBrowserTest extends BrowserTest {

    @Test
    void aVisitorSignsUpCreatesAProjectThroughTheFormsAndFindsItListed() {
        browser.go("/");
        browser.waitForPath("/app/signin?next=%2Fapp%2F");
        browser.find("h1");
        browser.screenshots("signin");
        browser.find("a[href='/app/signup'].button").click();
        browser.waitForPath("/app/signup");

        // the API's refusals appear beside the field they are about
        String username = Users.uniqueName("web");
        browser.fill("username", username);
        browser.fill("email", username + "@example.org");
        browser.fill("password", "short");
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-password-error").getText()).containsIgnoringCase("10");
        assertThat(browser.find("#field-password").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#field-password").getAttribute("aria-describedby")).contains("field-password-error");
        browser.screenshots("signup-error");
        browser.fill("username", "no spaces allowed");
        browser.fill("password", Users.PASSWORD);
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-username-error").getText()).isNotBlank();
        assertThat(browser.all("#field-password-error")).isEmpty();

        browser.fill("username", username);
        browser.fill("first_name", "Rosalind");
        browser.find("button[type=submit]").click();
        browser.waitForPath("/app/");
        browser.findWithText(".nav-user", username);
        browser.find(".totals");
        // the recent activity is there (empty only on an empty site: the shared server has other users' public work)
        browser.findWithText("#activity-title", "Recent activity");

        browser.find(".nav-links a[href='/app/projects']").click();
        browser.waitForPath("/app/projects");
        browser.findWithText(".empty", "no project yet");
        browser.find(".page-actions a[href='/app/projects/new']").click();
        browser.waitForPath("/app/projects/new");
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-name-error").getText()).isNotBlank();
        browser.screenshots("project-new");
        browser.fill("name", "Zebrafish fin regeneration");
        browser.fill("description", "RNA-seq of regenerating caudal fins, 0 to 7 days after amputation.");
        browser.find("button[type=submit]").click();
        browser.findWithText("h1", "Zebrafish fin regeneration");
        assertThat(browser.path()).matches("/app/projects/[0-9]+");
        browser.findWithText(".empty", "no samples yet");
        browser.screenshots("project");

        browser.find(".nav-links a[href='/app/projects']").click();
        browser.findWithText(".table tbody", "Zebrafish fin regeneration");
        assertThat(browser.all(".table tbody tr")).hasSize(1);
        browser.screenshots("projects");

        // a reload starts the app again: the session comes back from the refresh cookie alone
        browser.driver().navigate().refresh();
        browser.findWithText(".table tbody", "Zebrafish fin regeneration");
        browser.findWithText(".nav-user", username);
        assertThat(browser.path()).isEqualTo("/app/projects");

        // the dashboard counts the project and tells of its creation, with a link to it
        browser.find(".nav-links a[href='/app/']").click();
        browser.findWithText(".activity", "Project created");
        assertThat(browser.find(".totals .total dd").getText()).isEqualTo("1");
        browser.all(".activity a").stream().filter(a -> a.getText().contains("Zebrafish fin regeneration")).findFirst()
                .orElseThrow(() -> new AssertionError("no link to the new project in the recent activity")).click();
        browser.findWithText("h1", "Zebrafish fin regeneration");
        browser.driver().navigate().back();
        browser.find(".activity");
        browser.screenshots("dashboard");
    }

    @Test
    void aSignInLastsThroughReloadsAndTabsUntilSignOutRevokesIt() throws Exception {
        Users.Account account = Users.signUp(server, "tabs");
        long project = Fixtures.project(account, "Deep-linked project", false);
        Users.Account stranger = Users.signUp(server, "stranger");
        long strangers = Fixtures.project(stranger, "Not yours", false);

        // a deep link while signed out: sign in first, then straight to the page asked for
        browser.go("/app/projects/" + project);
        browser.waitForPath("/app/signin?next=%2Fapp%2Fprojects%2F" + project);
        browser.fill("username", account.username());
        browser.fill("password", "not-the-password");
        browser.find("button[type=submit]").click();
        assertThat(browser.find(".form-error").getText()).isNotBlank();
        browser.screenshots("signin-error");
        browser.fill("password", Users.PASSWORD);
        browser.find("button[type=submit]").click();
        browser.findWithText("h1", "Deep-linked project");
        assertThat(browser.path()).isEqualTo("/app/projects/" + project);

        // the access token is in memory only: nothing of the session in storage a script reads, the refresh cookie HttpOnly
        assertThat(browser.driver().executeScript("return localStorage.length + sessionStorage.length + document.cookie.length"))
                .isEqualTo(0L);
        Cookie refresh = browser.driver().manage().getCookieNamed("flow_refresh_token");
        assertThat(refresh).isNotNull();
        assertThat(refresh.isHttpOnly()).isTrue();

        browser.driver().navigate().refresh();
        browser.findWithText("h1", "Deep-linked project");

        // what the caller may not read looks like what does not exist
        browser.go("/app/projects/" + strangers);
        browser.findWithText("h1", "Page not found");
        browser.screenshots("not-found");
        browser.go("/app/projects/999999999");
        browser.findWithText("h1", "Page not found");

        // a second tab of the same browser is signed in too
        String first = browser.driver().getWindowHandle();
        browser.driver().switchTo().newWindow(WindowType.TAB);
        browser.go("/app/projects");
        browser.findWithText(".table tbody", "Deep-linked project");
        browser.findWithText(".nav-user", account.username());

        // signing out there revokes the session on the server and signs the first tab out as well
        String cookieBeforeSignOut = browser.driver().manage().getCookieNamed("flow_refresh_token").getValue();
        browser.find(".nav-account button").click();
        browser.waitForPath("/app/signin?next=%2Fapp%2Fprojects");
        browser.driver().switchTo().window(first);
        browser.waitForPath("/app/signin?next=%2Fapp%2Fprojects%2F999999999");
        browser.driver().navigate().refresh();
        browser.waitForPath("/app/signin?next=%2Fapp%2Fprojects%2F999999999");
        browser.find("#field-username");
        Api replay = server.client();
        Api.Res token = replay.send("GET", "/token", null, java.util.Map.of("Cookie", "flow_refresh_token=" + cookieBeforeSignOut));
        assertThat(token.status()).as("GET /token with the refresh cookie from before sign-out").isEqualTo(401);

        // signing in again in one tab, with the keyboard alone (the page's heading has the focus as the page opens,
        // the fields follow it), signs the other one in too, which goes on to the page it was sent from
        String second = browser.driver().getWindowHandles().stream().filter(h -> !h.equals(first)).findFirst().orElseThrow();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> d.switchTo().activeElement().getTagName().equals("h1"));
        new Actions(browser.driver()).sendKeys(Keys.TAB).sendKeys(account.username()).sendKeys(Keys.TAB)
                .sendKeys(Users.PASSWORD).sendKeys(Keys.ENTER).perform();
        browser.findWithText("h1", "Page not found");
        browser.driver().switchTo().window(second);
        browser.waitForPath("/app/projects");
        browser.findWithText(".table tbody", "Deep-linked project");
    }

    @Test
    void theProjectsListHasTheCallersOwnThoseSharedWithThemAndThePublicOnesUnderTheirTabs() {
        Users.Account user = Users.signUp(server, "tabs-user");
        Users.Account colleague = Users.signUp(server, "tabs-colleague");
        Fixtures.project(user, "My own zebrafish project", false);
        long shared = Fixtures.project(colleague, "Shared medaka project", false);
        Fixtures.shareWithUser(colleague, "projects", shared, user, 1);
        String open = "Public axolotl project " + Users.uniqueName("p");
        Fixtures.project(colleague, open, true);

        browser.signIn(user, Users.PASSWORD, "/app/projects");
        browser.findWithText(".table tbody", "My own zebrafish project");
        assertThat(browser.all(".table tbody tr")).hasSize(1);

        browser.find(".tabs a[href='/app/projects?tab=shared']").click();
        browser.findWithText(".table tbody", "Shared medaka project");
        assertThat(browser.all(".table tbody tr")).hasSize(1);
        assertThat(browser.find(".table tbody").getText()).contains(colleague.username());
        assertThat(browser.find(".tabs a[aria-current=page]").getText()).isEqualTo("Shared with me");

        // the public ones are everyone's (other tests' too): the filter finds this one
        browser.find(".tabs a[href='/app/projects?tab=public']").click();
        browser.find(".table tbody");
        Browser.replaceText(browser.find("#project-filter"), open);
        browser.findWithText(".table tbody", open);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".table tbody tr").size() == 1);
        Browser.replaceText(browser.find("#project-filter"), open + " nothing like it");
        browser.findWithText(".empty", "No project matches this filter.");
    }

    /**
     * The first page is interactive within 1 s on loopback: from the start of navigation until the dashboard shows the
     * caller's figures (a real page with its API call), read in the page as an upper bound; best of three warm loads.
     */
    @Test
    void theFirstPageIsInteractiveWithinOneSecond() {
        Users.Account account = Users.signUp(server, "speed");
        Fixtures.data(account, null);
        browser.go("/app/signin");
        browser.fill("username", account.username());
        browser.fill("password", Users.PASSWORD);
        browser.find("button[type=submit]").click();
        // a small file's size reads as it is, not rounded to 0 MB
        browser.findWithText(".totals", "16 bytes");
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            browser.driver().navigate().refresh();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).pollingEvery(Duration.ofMillis(5))
                    .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".totals")));
            times.add(((Number) browser.driver().executeScript("return Math.round(performance.now())")).longValue());
        }
        System.out.println("web app: dashboard interactive after " + times + " ms (navigation start to figures shown, loopback)");
        assertThat(times.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(1000);
    }
}
