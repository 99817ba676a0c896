package bio.flow;

import bio.flow.access.AccessPolicy;
import bio.flow.analytics.ActiveUsers;
import bio.flow.analytics.AnalyticsRoutes;
import bio.flow.annotation.AnnotationRoutes;
import bio.flow.access.Resource;
import bio.flow.access.SharedResourceRoutes;
import bio.flow.access.Sharing;
import bio.flow.auth.AccessTokens;
import bio.flow.auth.AuthRoutes;
import bio.flow.auth.AuthService;
import bio.flow.auth.Authenticator;
import bio.flow.auth.LoginThrottle;
import bio.flow.auth.OidcVerifier;
import bio.flow.auth.Passwords;
import bio.flow.auth.PersonalTokenRoutes;
import bio.flow.auth.PersonalTokens;
import bio.flow.auth.RefreshTokens;
import bio.flow.auth.Sessions;
import bio.flow.config.Config;
import bio.flow.config.Config.OidcIssuer;
import bio.flow.data.DataContents;
import bio.flow.data.DataFiles;
import bio.flow.data.DataRoutes;
import bio.flow.data.Filesets;
import bio.flow.data.ImportSources;
import bio.flow.data.Imports;
import bio.flow.data.Verifier;
import bio.flow.data.VerifyRoutes;
import bio.flow.db.DataDirLock;
import bio.flow.dialect.Dialect;
import bio.flow.db.Claims;
import bio.flow.db.Database;
import bio.flow.db.Housekeeping;
import bio.flow.downloads.Archives;
import bio.flow.downloads.DownloadRoutes;
import bio.flow.executions.ExecutionRoutes;
import bio.flow.executions.Executions;
import bio.flow.executions.CancelRoutes;
import bio.flow.executions.Nextflow;
import bio.flow.executions.Outputs;
import bio.flow.executions.RunPreparation;
import bio.flow.executions.RunRoutes;
import bio.flow.executions.Submissions;
import bio.flow.executions.Workers;
import bio.flow.groups.GroupRoutes;
import bio.flow.groups.GroupService;
import bio.flow.health.HealthRoutes;
import bio.flow.http.ApiDocs;
import bio.flow.http.BodyTypes;
import bio.flow.http.ClientAddress;
import bio.flow.http.Cors;
import bio.flow.http.ErrorHandling;
import bio.flow.http.HttpLayerErrors;
import bio.flow.http.Json;
import bio.flow.http.RequestIds;
import bio.flow.mail.MailQueue;
import bio.flow.mail.Mailer;
import bio.flow.peka.PekaRoutes;
import bio.flow.pipelines.GitSources;
import bio.flow.pipelines.PipelineRegistry;
import bio.flow.pipelines.PipelineRoutes;
import bio.flow.pipelines.ShippedPipelines;
import bio.flow.search.SearchRoutes;
import bio.flow.projects.ProjectRoutes;
import bio.flow.projects.Projects;
import bio.flow.samples.MetadataAttributeRoutes;
import bio.flow.samples.SampleRoutes;
import bio.flow.samples.Samples;
import bio.flow.search.FilesetSearch;
import bio.flow.search.ProjectSearch;
import bio.flow.search.SampleSearch;
import bio.flow.search.DataExecutionSearchRoutes;
import bio.flow.search.PeopleSearchRoutes;
import bio.flow.search.Trigrams;
import bio.flow.mail.OutboxMailer;
import bio.flow.mail.SmtpMailer;
import bio.flow.storage.LocalStorage;
import bio.flow.storage.PrivateFiles;
import bio.flow.storage.S3Storage;
import bio.flow.storage.Storage;
import bio.flow.multiplexed.Multiplexed;
import bio.flow.uploads.UploadRoutes;
import bio.flow.uploads.Uploads;
import bio.flow.users.UserRoutes;
import bio.flow.users.UserStore;
import bio.flow.vocabularies.Vocabularies;
import bio.flow.vocabularies.VocabularyRoutes;
import bio.flow.web.WebApp;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow's server, wired by hand: every component is built here with plain constructors, and every route
 * of the API is listed in {@link #routes} with the handler that serves it.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final DataDirLock lock;
    private final Database database;
    private final ExecutorService mailQueue;
    private final Housekeeping housekeeping;
    private final Verifier verifier;
    private final Archives archives;
    private final Imports imports;
    private final Claims claims;
    private final Multiplexed multiplexed;
    private final Workers workers;
    private final Javalin http;
    private final String baseUrl;
    private final Passwords passwords;
    private final Trigrams trigrams;

    private App(DataDirLock lock, Database database, ExecutorService mailQueue, Housekeeping housekeeping, Verifier verifier, Archives archives, Imports imports,
                Claims claims, Multiplexed multiplexed, Workers workers, Javalin http, String baseUrl, Passwords passwords, Trigrams trigrams) {
        this.lock = lock;
        this.database = database;
        this.mailQueue = mailQueue;
        this.housekeeping = housekeeping;
        this.verifier = verifier;
        this.archives = archives;
        this.imports = imports;
        this.claims = claims;
        this.multiplexed = multiplexed;
        this.workers = workers;
        this.http = http;
        this.baseUrl = baseUrl;
        this.passwords = passwords;
        this.trigrams = trigrams;
    }

    /**
     * Starts Flow: locks the data directory, opens (or starts) the database, migrates it, ensures the admin, and
     * only then serves HTTP, so that no request is answered by a server that is not ready. When any step fails,
     * what was opened is closed again (the HTTP server included) and the failure is thrown.
     */
    public static App start(Config config) {
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        Database database = null;
        ExecutorService mailQueue = MailQueue.create();
        Housekeeping housekeeping = null;
        Verifier verifier = null;
        Archives archives = null;
        Imports imports = null;
        Claims claims = null;
        Multiplexed multiplexed = null;
        Workers workers = null;
        Trigrams trigrams = null;
        Javalin http = null;
        try {
            Storage storage = storage(config); // first: a wrong storage setting stops the start before anything else runs
            database = Database.open(config);
            Jdbi jdbi = database.jdbi();
            // Port 0 asks for any free port; pick it now so that the base URL (used in mails) is known.
            int port = config.port() == 0 ? Ports.free() : config.port();
            String baseUrl = config.baseUrl(port);
            claims = new Claims(jdbi, Duration.ofSeconds(config.workerLeaseSeconds()), config.workerHost());
            trigrams = new Trigrams(jdbi);
            Components c = new Components(config, jdbi, mailQueue, baseUrl, storage, claims, trigrams);
            verifier = c.verifier;
            archives = c.archives;
            imports = c.imports;
            multiplexed = c.multiplexed;
            workers = c.workers;
            config.adminAccount().ifPresent(a -> c.auth.ensureAdmin(a.username(), a.password(), a.email()));
            ShippedPipelines.atStart(shippedPipelines(config), config.pipelinesDir(), c.pipelineRegistry);
            // login_failures holds the people searches' counts too: keep rows as long as the longer window needs them.
            housekeeping = new Housekeeping(jdbi, Duration.ofSeconds(Math.max(config.loginFailureWindowSeconds(), PeopleSearchRoutes.WINDOW.toSeconds())),
                    c.outbox, Duration.ofDays(config.mailOutboxDays()), c.storage, Duration.ofHours(config.uploadExpiryHours()));
            http = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.host = config.host();
                cfg.jetty.port = port;
                cfg.jetty.modifyServer(server -> {
                    server.setStopTimeout(5_000);
                    server.setErrorHandler(new HttpLayerErrors());
                });
                cfg.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new HttpLayerErrors()));
                cfg.http.maxRequestSize = config.maxBodyBytes();
                cfg.http.prefer405over404 = true;
                cfg.concurrency.useVirtualThreads = Runtime.version().feature() >= 21;
                cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
                cfg.staticFiles.add(files -> {
                    files.hostedPath = ApiDocs.ASSETS_PATH;
                    files.directory = ApiDocs.assetsClasspathFolder();
                    files.location = Location.CLASSPATH;
                });
                ErrorHandling.install(cfg);
                Dialect.install(cfg, (int) config.maxBodyBytes());
                routes(cfg, c);
            });
            http.start();
            housekeeping.start();
            archives.start();
            imports.resume();
            c.uploads.start();
            multiplexed.start();
            workers.start();
            trigrams.start();
            return new App(lock, database, mailQueue, housekeeping, verifier, archives, imports, claims, multiplexed, workers, http, baseUrl,
                    c.passwords, trigrams);
        } catch (RuntimeException | Error e) {
            if (http != null) http.stop();
            if (housekeeping != null) housekeeping.close();
            if (verifier != null) verifier.close();
            if (archives != null) archives.close();
            if (imports != null) imports.close();
            if (multiplexed != null) multiplexed.close();
            if (claims != null) claims.close();
            if (workers != null) workers.close();
            if (trigrams != null) trigrams.close();
            mailQueue.shutdownNow();
            if (database != null) database.close();
            lock.close();
            throw e;
        }
    }

    private static void routes(io.javalin.config.JavalinConfig cfg, Components c) {
        var r = cfg.routes;
        r.before(ctx -> {
            RequestIds.assign(ctx);
            if (c.cors.apply(ctx)) {
                ctx.skipRemainingHandlers();
                return;
            }
            BodyTypes.check(ctx);
        });

        // health
        get(r, "/ping", c.health::ping);
        get(r, "/health", c.health::health);

        // the contract
        get(r, "/openapi.yaml", c.docs::spec);
        get(r, "/docs", c.docs::page);

        // accounts and tokens
        r.post("/signup", c.authRoutes::signup);
        r.post("/login", c.authRoutes::login);
        r.post("/oidc-login", c.authRoutes::oidcLogin);
        get(r, "/oidc-issuers", c.authRoutes::oidcIssuers);
        r.post("/logout", c.authRoutes::logout);
        get(r, "/token", c.authRoutes::token);
        r.post("/password-reset/request", c.authRoutes::requestPasswordReset);
        r.post("/password-reset", c.authRoutes::resetPassword);

        // users
        get(r, "/me", c.userRoutes::me);
        get(r, "/users/search", c.peopleSearch::users);
        r.post("/settings/user", c.userRoutes::updateSettings);
        r.post("/settings/password", c.userRoutes::changePassword);
        r.post("/settings/key", c.userRoutes::setSshKey);
        r.post("/admin/users/{username}", c.userRoutes::adminUpdateUser);
        r.post("/admin/storage/verify", c.verifyRoutes::start);
        get(r, "/admin/storage/verify", c.verifyRoutes::get);

        // personal API tokens: one's own, and (administrators) anyone's
        r.post("/settings/tokens", c.personalTokenRoutes::create);
        get(r, "/settings/tokens", c.personalTokenRoutes::list);
        r.post("/settings/tokens/{id}/revoke", c.personalTokenRoutes::revoke);
        get(r, "/admin/users/{username}/tokens", c.personalTokenRoutes::adminList);
        r.post("/admin/tokens/{id}/revoke", c.personalTokenRoutes::adminRevoke);

        // groups
        r.post("/groups/new", c.groupRoutes::create);
        get(r, "/groups", c.groupRoutes::list);
        get(r, "/groups/search", c.peopleSearch::groups);
        get(r, "/groups/{slug}", c.groupRoutes::get);
        r.post("/groups/{slug}/invite", c.groupRoutes::invite);
        r.post("/groups/{slug}/accept", c.groupRoutes::accept);
        r.post("/groups/{slug}/decline", c.groupRoutes::decline);
        r.post("/groups/{slug}/leave", c.groupRoutes::leave);
        r.post("/groups/{slug}/members/{username}/role", c.groupRoutes::setRole);
        r.post("/groups/{slug}/members/{username}/remove", c.groupRoutes::remove);
        r.post("/groups/{slug}/delete", c.groupRoutes::delete);

        // search
        get(r, "/search", c.searchRoutes::quick);
        get(r, "/search/info", c.searchRoutes::info);

        // projects
        get(r, "/projects", c.projectRoutes::list);
        get(r, "/projects/owned", c.projectRoutes::owned);
        get(r, "/projects/shared", c.projectRoutes::shared);
        get(r, "/projects/public", c.projectRoutes::publicProjects);
        r.post("/projects/new", c.projectRoutes::create);
        get(r, "/projects/search", c.projectSearch::search);
        get(r, "/projects/{id}", c.projectRoutes::get);
        get(r, "/projects/{id}/samples", c.projectRoutes::samples);
        get(r, "/projects/{id}/executions", c.projectRoutes::executions);
        get(r, "/projects/{id}/data", c.projectRoutes::data);
        r.post("/projects/{id}/edit", c.projectRoutes::edit);
        r.post("/projects/{id}/metadata", c.projectRoutes::metadata);
        get(r, "/projects/{id}/share", c.projectSharing::grants);
        r.post("/projects/{id}/share", c.projectSharing::share);
        r.post("/projects/{id}/transfer", c.projectSharing::transfer);
        r.post("/projects/{id}/delete", c.projectSharing::delete);

        // vocabularies (before /samples/{id}: Javalin matches routes in the order they are added)
        get(r, "/samples/sources", c.vocabularyRoutes.sources::list);
        r.post("/samples/sources/create", c.vocabularyRoutes.sources::create);
        r.post("/samples/sources/{id}/edit", c.vocabularyRoutes.sources::edit);
        r.post("/samples/sources/{id}/delete", c.vocabularyRoutes.sources::delete);
        get(r, "/samples/purification_targets", c.vocabularyRoutes.purificationTargets::list);
        r.post("/samples/purification_targets/create", c.vocabularyRoutes.purificationTargets::create);
        r.post("/samples/purification_targets/{id}/edit", c.vocabularyRoutes.purificationTargets::edit);
        r.post("/samples/purification_targets/{id}/delete", c.vocabularyRoutes.purificationTargets::delete);
        get(r, "/samples/types", c.vocabularyRoutes.sampleTypes::list);
        r.post("/samples/types/create", c.vocabularyRoutes.sampleTypes::create);
        r.post("/samples/types/{id}/edit", c.vocabularyRoutes.sampleTypes::edit);
        r.post("/samples/types/{id}/delete", c.vocabularyRoutes.sampleTypes::delete);
        get(r, "/samples/metadata", c.metadataAttributes::list);
        get(r, "/samples/metadata/{identifier}/options", c.metadataAttributes::options);
        r.post("/samples/metadata/create", c.metadataAttributes::create);
        r.post("/samples/metadata/{identifier}/edit", c.metadataAttributes::edit);
        r.post("/samples/metadata/{identifier}/delete", c.metadataAttributes::delete);
        r.post("/samples/metadata/{identifier}/options", c.metadataAttributes::setOptions);
        r.post("/samples/metadata/{identifier}/sample_types", c.metadataAttributes::setSampleTypes);
        get(r, "/organisms", c.vocabularyRoutes.organisms::list);
        r.post("/organisms/create", c.vocabularyRoutes.organisms::create);
        r.post("/organisms/{id}/edit", c.vocabularyRoutes.organisms::edit);
        r.post("/organisms/{id}/delete", c.vocabularyRoutes.organisms::delete);
        // data types: before any /data/{id} route, since Javalin matches routes in the order they are added and
        // GET /data/{id} would otherwise take GET /data/types for the data record 'types'
        get(r, "/data/types", c.vocabularyRoutes.dataTypes::list);
        get(r, "/data/types/available", c.vocabularyRoutes.dataTypes::available);
        r.post("/data/types/create", c.vocabularyRoutes.dataTypes::create);
        r.post("/data/types/{id}/edit", c.vocabularyRoutes.dataTypes::edit);
        r.post("/data/types/{id}/delete", c.vocabularyRoutes.dataTypes::delete);

        // data and uploads (after the data types; /data/owned, /data/shared and /data/search before /data/{id} too)
        get(r, "/data/owned", c.dataRoutes::owned);
        get(r, "/data/shared", c.dataRoutes::shared);
        get(r, "/data/search", c.dataExecutionSearch::data);
        r.post("/data/delete", c.dataSharing::deleteMany);
        r.post("/data/import", c.dataRoutes::importData);
        get(r, "/data/{id}", c.dataRoutes::get);
        get(r, "/data/{id}/contents", c.dataRoutes::contents);
        get(r, "/data/{id}/downstream", c.dataRoutes::downstream);
        get(r, "/data/{id}/share", c.dataSharing::grants);
        r.post("/data/{id}/share", c.dataSharing::share);
        r.post("/data/{id}/transfer", c.dataSharing::transfer);
        r.post("/data/{id}/delete", c.dataSharing::delete);
        r.post("/upload", c.uploadRoutes::upload);
        r.post("/upload/sample", c.uploadRoutes::sample);
        r.post("/upload/multiplexed", c.uploadRoutes::multiplexed);
        get(r, "/upload/multiplexed/{id}", c.annotationRoutes::multiplexedStatus);
        get(r, "/filesets/search", c.filesetSearch::search);
        get(r, "/filesets/{id}", c.filesets::get);
        get(r, "/filesets/{id}/executions", c.filesets::executions);
        get(r, "/upload/{file_id}", c.uploadRoutes::progress);

        // downloads: /downloads/status before /downloads/{job_id}, which would take it for the job 'status'
        r.post("/downloads", c.downloadRoutes::create);
        get(r, "/downloads/status", c.downloadRoutes::status);
        get(r, "/downloads/{job_id}", c.downloadRoutes::archive);
        get(r, "/downloads/{data_id}/{filename}", c.downloadRoutes::data);

        // the pipeline registry: /pipelines/versions/{id} before /pipelines/{id}
        get(r, "/pipelines", c.pipelineRoutes::list);
        r.post("/pipelines/categories/new", c.pipelineRoutes::createCategory);
        r.post("/pipelines/new", c.pipelineRoutes::create);
        get(r, "/pipelines/versions/{id}", c.pipelineRoutes::version);
        r.post("/pipelines/versions/{id}/edit", c.pipelineRoutes::editVersion);
        get(r, "/pipelines/{id}", c.pipelineRoutes::get);
        r.post("/pipelines/{id}/edit", c.pipelineRoutes::edit);
        r.post("/pipelines/{id}/versions/new", c.pipelineRoutes::addVersion);

        // samples (after the vocabularies: /samples/types must match before /samples/{id})
        get(r, "/samples/search", c.sampleSearch::search);
        get(r, "/samples/owned", c.sampleRoutes::owned);
        get(r, "/samples/shared", c.sampleRoutes::shared);
        r.post("/samples/new", c.sampleRoutes::create);
        r.post("/samples/delete", c.sampleSharing::deleteMany);
        get(r, "/samples/{id}", c.sampleRoutes::get);
        get(r, "/samples/{id}/data", c.sampleRoutes::data);
        get(r, "/samples/{id}/executions", c.sampleRoutes::executions);
        r.post("/samples/{id}/edit", c.sampleRoutes::edit);
        get(r, "/samples/{id}/share", c.sampleSharing::grants);
        r.post("/samples/{id}/share", c.sampleSharing::share);
        r.post("/samples/{id}/transfer", c.sampleSharing::transfer);
        r.post("/samples/{id}/delete", c.sampleSharing::delete);

        // annotation spreadsheets
        get(r, "/annotation/{type}", c.annotationRoutes::template);
        r.post("/upload/annotation", c.annotationRoutes::upload);

        // executions: /owned, /shared, /search and /delete before /executions/{id}; /log and /share before the results archive /{filename}
        get(r, "/executions/owned", c.executionRoutes::owned);
        get(r, "/executions/shared", c.executionRoutes::shared);
        get(r, "/executions/search", c.dataExecutionSearch::executions);
        r.post("/executions/delete", c.executionSharing::deleteMany);
        get(r, "/executions/{id}", c.executionRoutes::get);
        get(r, "/executions/{id}/log", c.executionRoutes::log);
        get(r, "/executions/{id}/share", c.executionSharing::grants);
        get(r, "/executions/{id}/{filename}", c.executionRoutes::results);
        r.post("/executions/{id}/share", c.executionSharing::share);
        r.post("/executions/{id}/transfer", c.executionSharing::transfer);
        r.post("/executions/{id}/delete", c.executionSharing::delete);
        get(r, "/queue", c.executionRoutes::queue);
        r.post("/executions/{id}/cancel", c.cancelRoutes::cancel);
        r.post("/pipelines/versions/{id}/run", c.runRoutes::run);

        // PEKA results (public; loaded by `flow peka import`)
        get(r, "/peka/entities/", c.pekaRoutes::entities);
        get(r, "/peka/rbp", c.pekaRoutes::rbp);
        get(r, "/peka/motif", c.pekaRoutes::motif);
        get(r, "/peka/motif/lines", c.pekaRoutes::lines);
        // analytics
        get(r, "/analytics", c.analyticsRoutes::analytics);
        get(r, "/dau", c.analyticsRoutes::dau);

        // the web app (not API operations: see routeList): its files and client-side routes, and / for browsers
        get(r, "/", c.webApp::root);
        get(r, WebApp.PATH, c.webApp::serve);
        get(r, WebApp.PATH + "/*", c.webApp::serve);
    }

    /**
     * A GET route, and HEAD on the same path answering what GET would without the body (Jetty sends none to a HEAD
     * request): Javalin alone answers a HEAD on a GET route with an empty 200, without running the handler, so a
     * HEAD of a page one may not read, or of a file, would say nothing true.
     */
    private static void get(RoutesConfig r, String path, Handler handler) {
        r.get(path, handler);
        r.head(path, handler);
    }

    /** The components behind the routes, built once per server. */
    private static final class Components {
        final Cors cors;
        final Passwords passwords;
        final HealthRoutes health;
        final ApiDocs docs;
        final AuthService auth;
        final AuthRoutes authRoutes;
        final UserRoutes userRoutes;
        final PersonalTokenRoutes personalTokenRoutes;
        final GroupRoutes groupRoutes;
        final PeopleSearchRoutes peopleSearch;
        final VocabularyRoutes vocabularyRoutes;
        final ProjectRoutes projectRoutes;
        final SampleRoutes sampleRoutes;
        final DataRoutes dataRoutes;
        final UploadRoutes uploadRoutes;
        final Uploads uploads;
        final Multiplexed multiplexed;
        final Filesets filesets;
        final SampleSearch sampleSearch;
        final ProjectSearch projectSearch;
        final FilesetSearch filesetSearch;
        final Verifier verifier;
        final VerifyRoutes verifyRoutes;
        final Archives archives;
        final DownloadRoutes downloadRoutes;
        // Share, transfer and delete of each shareable kind: one SharedResourceRoutes per kind.
        final SharedResourceRoutes projectSharing;
        final SharedResourceRoutes sampleSharing;
        final SharedResourceRoutes dataSharing;
        final SharedResourceRoutes executionSharing;
        final ExecutionRoutes executionRoutes;
        final Path outbox;
        final Storage storage;
        final Imports imports;
        final PipelineRegistry pipelineRegistry;
        final PipelineRoutes pipelineRoutes;
        final Workers workers;
        final CancelRoutes cancelRoutes;
        final RunRoutes runRoutes;
        final SearchRoutes searchRoutes;
        final DataExecutionSearchRoutes dataExecutionSearch;
        final PekaRoutes pekaRoutes;
        final AnalyticsRoutes analyticsRoutes;
        final AnnotationRoutes annotationRoutes;
        final WebApp webApp;
        final MetadataAttributeRoutes metadataAttributes;

        Components(Config config, Jdbi jdbi, ExecutorService mailQueue, String baseUrl, Storage storage, Claims claims, Trigrams trigrams) {
            this.storage = storage;
            this.outbox = config.dataDir().resolve("mail-outbox");
            Mailer mailer = config.smtp().<Mailer>map(SmtpMailer::new).orElseGet(() -> new OutboxMailer(outbox));
            UserStore users = new UserStore(jdbi);
            byte[] tokenSecret = AccessTokens.loadOrCreateSecret(config.jwtSecret().orElse(null), config.dataDir());
            AccessTokens accessTokens = new AccessTokens(tokenSecret, "flow");
            RefreshTokens refreshTokens = new RefreshTokens(jdbi, Duration.ofDays(config.refreshTokenDays()), tokenSecret);
            boolean https = baseUrl.startsWith("https:");
            Sessions sessions = new Sessions(accessTokens, refreshTokens, https);
            LoginThrottle throttle = new LoginThrottle(jdbi, config.loginMaxFailuresPerAccount(),
                    config.loginMaxFailuresPerAddress(), config.signupMaxPerAddress(),
                    Duration.ofSeconds(config.loginFailureWindowSeconds()), Duration.ofSeconds(config.loginBackoffMaxSeconds()));
            PersonalTokens personalTokens = new PersonalTokens(jdbi);
            Authenticator authenticator = new Authenticator(accessTokens, personalTokens, jdbi, new ActiveUsers(jdbi));

            this.cors = new Cors(config.corsOrigins());
            this.passwords = new Passwords(config.passwordHashConcurrency(), config.passwordHashQueue(),
                    Duration.ofMillis(config.passwordHashWaitMillis()));
            this.verifier = new Verifier(jdbi, storage, config.verifyMaxMbPerSecond(), claims);
            this.docs = new ApiDocs();
            this.auth = new AuthService(jdbi, users, passwords, refreshTokens, throttle,
                    new OidcVerifier(config.oidcIssuers()), mailer, mailQueue, baseUrl, config.signupEnabled());
            ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
            this.authRoutes = new AuthRoutes(auth, sessions, refreshTokens, users, clientAddress, config.oidcIssuers());
            this.userRoutes = new UserRoutes(authenticator, users, auth, sessions, jdbi, clientAddress);
            this.personalTokenRoutes = new PersonalTokenRoutes(authenticator, personalTokens, users);
            this.groupRoutes = new GroupRoutes(authenticator, new GroupService(jdbi));
            this.peopleSearch = new PeopleSearchRoutes(authenticator, jdbi, throttle, config.peopleSearchMaxPerMinute(),
                    config.peopleSearchMinLength());
            this.vocabularyRoutes = new VocabularyRoutes(authenticator, jdbi);
            Vocabularies vocabularies = new Vocabularies();
            this.metadataAttributes = new MetadataAttributeRoutes(authenticator, jdbi, vocabularies);

            AccessPolicy policy = new AccessPolicy(jdbi);
            Sharing sharing = new Sharing(policy);
            DataFiles dataFiles = new DataFiles(jdbi, policy, storage);
            Projects projects = new Projects(jdbi, policy, vocabularies, dataFiles, trigrams);
            Samples samples = new Samples(jdbi, policy, vocabularies, dataFiles, trigrams);
            this.projectRoutes = new ProjectRoutes(authenticator, projects, samples);
            this.sampleRoutes = new SampleRoutes(authenticator, samples);
            this.projectSharing = new SharedResourceRoutes(Resource.PROJECT, projects, authenticator, jdbi, policy, sharing);
            this.sampleSharing = new SharedResourceRoutes(Resource.SAMPLE, samples, authenticator, jdbi, policy, sharing);
            this.dataSharing = new SharedResourceRoutes(Resource.DATA, dataFiles, authenticator, jdbi, policy, sharing);
            DataContents contents = new DataContents(jdbi, policy, storage);
            this.workers = workers(config, jdbi, storage, contents);
            this.health = new HealthRoutes(jdbi, storage, verifier, workers, Version.current());
            this.archives = new Archives(jdbi, policy, contents, storage, config.maxArchiveBytes(), Duration.ofHours(config.archiveExpiryHours()));
            this.downloadRoutes = new DownloadRoutes(authenticator, contents, archives);
            Executions executions = new Executions(jdbi, policy, dataFiles, config.workDir());
            this.executionRoutes = new ExecutionRoutes(authenticator, jdbi, policy, executions, contents);
            this.executionSharing = new SharedResourceRoutes(Resource.EXECUTION, executions, authenticator, jdbi, policy, sharing);
            this.uploads = new Uploads(jdbi, policy, vocabularies, storage, dataFiles, samples, config.maxUploadBytes(),
                    Duration.ofHours(config.uploadExpiryHours()), claims);
            ImportSources importSources = new ImportSources(config.importRoots(), config.importMaxRedirects(),
                    config.importRefusePrivateAddresses(), Duration.ofSeconds(config.importConnectTimeoutSeconds()),
                    Duration.ofSeconds(config.importReadTimeoutSeconds()), config.importS3());
            this.imports = new Imports(jdbi, vocabularies, storage, dataFiles, uploads, importSources, config.maxUploadBytes(),
                    config.importConcurrency(), claims);
            this.dataRoutes = new DataRoutes(authenticator, jdbi, dataFiles, contents, imports, trigrams);
            // Demultiplexed reads are written here before they go to storage: the data directory, as for the upload spool.
            this.multiplexed = new Multiplexed(jdbi, storage, uploads, samples, config.dataDir().resolve("demultiplexing"), claims);
            this.annotationRoutes = new AnnotationRoutes(authenticator, jdbi, vocabularies, policy, samples, multiplexed,
                    Duration.ofHours(config.uploadExpiryHours()));
            this.uploadRoutes = new UploadRoutes(authenticator, uploads, multiplexed::receive, uploadSpool(config.dataDir()), config.maxChunkBytes(),
                    config.uploadMemoryMb());
            this.filesets = new Filesets(authenticator, jdbi, policy);
            this.sampleSearch = new SampleSearch(authenticator, jdbi, vocabularies, trigrams);
            this.projectSearch = new ProjectSearch(authenticator, jdbi, trigrams);
            this.filesetSearch = new FilesetSearch(authenticator, jdbi, trigrams);
            this.verifyRoutes = new VerifyRoutes(authenticator, verifier);
            this.pipelineRegistry = new PipelineRegistry(jdbi, config.pipelinesDir(), new GitSources(Duration.ofSeconds(config.gitTimeoutSeconds())));
            this.pipelineRoutes = new PipelineRoutes(authenticator, pipelineRegistry);
            this.cancelRoutes = new CancelRoutes(authenticator, jdbi, policy);
            this.runRoutes = new RunRoutes(authenticator, new Submissions(jdbi, policy, workers::wake));
            this.searchRoutes = new SearchRoutes(authenticator, jdbi, trigrams);
            this.dataExecutionSearch = new DataExecutionSearchRoutes(authenticator, jdbi, vocabularies, trigrams);
            this.pekaRoutes = new PekaRoutes(jdbi);
            this.analyticsRoutes = new AnalyticsRoutes(authenticator, jdbi);
            this.webApp = new WebApp(config.oidcIssuers().stream().map(OidcIssuer::issuer).toList());
        }
    }

    /** The folder of the pipelines to register at start (FLOW_SHIPPED_PIPELINES), if any. */
    private static java.util.Optional<Path> shippedPipelines(Config config) {
        return switch (config.shippedPipelines()) {
            case "none" -> java.util.Optional.empty();
            case "bundled" -> ShippedPipelines.bundled();
            default -> java.util.Optional.of(Path.of(config.shippedPipelines()));
        };
    }

    /**
     * Where the stored files are, for the server, {@code ./flow worker} and {@code ./flow verify}: FLOW_STORAGE_DIR, or in an S3
     * bucket, which must answer now (a wrong endpoint, bucket or credentials stop the start with S3's answer).
     */
    static Storage storage(Config config) {
        if (config.storage().equals("local")) return new LocalStorage(config.storageDir());
        Config.StorageS3 s = config.storageS3();
        Config.PresignedDownloads presigned = s.presignedDownloads();
        S3Storage storage = S3Storage.connect(new S3Storage.Settings(s.endpoint(), s.region(), s.bucket(), s.accessKeyId(), s.secretAccessKey(),
                s.pathStyle(), presigned == null ? null : new S3Storage.Presigning(presigned.endpoint(), presigned.expiry())));
        try {
            storage.reachable();
        } catch (java.io.IOException e) {
            throw new Config.ConfigException("FLOW_STORAGE=s3: bucket " + s.bucket() + (s.endpoint() == null ? "" : " at " + s.endpoint())
                    + " cannot be reached: " + e.getMessage());
        }
        return storage;
    }

    /** The workers of a server or of {@code ./flow worker}: FLOW_WORKERS of them, on the run directories of FLOW_WORK_DIR. */
    private static Workers workers(Config config, Jdbi jdbi, Storage storage, DataContents contents) {
        return new Workers(jdbi, config.workDir(), Nextflow.install(config), config.workers(), config.maxExecutionResumes(),
                config.workerLeaseSeconds(), config.workerHost(), new RunPreparation(contents, storage), new Outputs(storage));
    }

    /**
     * {@code ./flow worker}: runs executions and serves no HTTP. It locks its data directory and opens the database as
     * the server does (migrating it when it is the first process to start on a new version), then runs FLOW_WORKERS
     * executions at once until {@link Worker#close}. Its health: its log, and its leases in the database
     * ({@code executions.worker}, {@code heartbeat}, {@code lease_until}).
     */
    public static Worker startWorker(Config config) {
        if (config.workers() == 0) throw new Config.ConfigException("flow worker with FLOW_WORKERS=0 would run nothing");
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        Database database = null;
        try {
            database = Database.open(config);
            Jdbi jdbi = database.jdbi();
            Storage storage = storage(config);
            Workers workers = workers(config, jdbi, storage, new DataContents(jdbi, new AccessPolicy(jdbi), storage));
            workers.start();
            return new Worker(lock, database, workers);
        } catch (RuntimeException | Error e) {
            if (database != null) database.close();
            lock.close();
            throw e;
        }
    }

    /** A running {@code ./flow worker}. */
    public record Worker(DataDirLock lock, Database database, Workers workers) implements AutoCloseable {
        /** Stops claiming (the Nextflow runs go on, see {@link Workers#close}), closes the database and the data directory. */
        @Override
        public void close() {
            workers.close();
            database.close();
            lock.close();
            log.info("Flow worker stopped");
        }
    }

    /**
     * The folder where Jetty spools the parts of upload requests: Flow's own and owner-only (never the system's
     * temporary folder), emptied at startup of what a crash left in it.
     */
    private static Path uploadSpool(Path dataDir) {
        Path spool = dataDir.resolve("upload-spool");
        try {
            PrivateFiles.folder(spool);
            try (var leftovers = Files.list(spool)) {
                for (Path p : (Iterable<Path>) leftovers::iterator) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the upload spool folder " + spool, e);
        }
        return spool;
    }

    /**
     * "METHOD /path" of every API route served, for the test that holds the routes and openapi.yaml in step: the web
     * app's pages and files are not operations of the API, so they are left out.
     */
    public List<String> routeList() {
        return http.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> !WebApp.isAppRoute(e.endpoint.path))
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .filter(r -> !r.startsWith("BEFORE") && !r.startsWith("AFTER"))
                .sorted().toList();
    }

    /** The database, for tests that must set up states they cannot wait for (such as expiry). */
    public Jdbi jdbi() {
        return database.jdbi();
    }

    /** Runs the periodic purge now, for tests of what it deletes. */
    public void housekeepNow() throws IOException {
        housekeeping.run();
    }

    /** Samples the search keys' trigrams now, for tests of searches that look up only the rare ones. */
    public void sampleTrigramsNow() {
        trigrams.sample();
    }

    /** The password hasher, for tests that check the bound on simultaneous hashes. */
    public Passwords passwords() {
        return passwords;
    }

    public int port() {
        return http.port();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Stops serving, stops a storage verification (which records that it was interrupted), breaks off the imports in
     * progress (they start again at the next start), lets the mail queue drain, then stops the database and releases
     * the data directory.
     */
    @Override
    public void close() {
        http.stop();
        housekeeping.close();
        verifier.close();
        archives.close();
        imports.close();
        multiplexed.close();
        claims.close();
        workers.close();
        trigrams.close();
        mailQueue.shutdown();
        try {
            mailQueue.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
        lock.close();
        log.info("Flow stopped");
    }
}
