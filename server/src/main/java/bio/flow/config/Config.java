package bio.flow.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Every setting Flow reads, in one place. Values come from environment variables, or from the same
 * keys in an optional properties file (FLOW_CONFIG_FILE, else {@code <data dir>/flow.properties});
 * the environment wins. The README's configuration table lists each key.
 */
public final class Config {
    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Reads the process environment and the optional config file. */
    public static Config load() {
        return fromMap(System.getenv());
    }

    /** Builds a config from explicit keys (plus the config file they point to); tests use this. */
    public static Config fromMap(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        Path file = configFile(env);
        if (file != null) {
            merged.putAll(readProperties(file));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("FLOW_") && v != null) merged.put(k, v);
        });
        return new Config(merged);
    }

    private static Path configFile(Map<String, String> env) {
        String explicit = env.get("FLOW_CONFIG_FILE");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) throw new ConfigException("FLOW_CONFIG_FILE " + p + " does not exist");
            return p;
        }
        Path implicit = Path.of(env.getOrDefault("FLOW_DATA_DIR", "./flow-data"), "flow.properties");
        return Files.isRegularFile(implicit) ? implicit : null;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k.trim(), props.getProperty(k).trim()));
        return out;
    }

    public Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public int getInt(String key, int fallback) {
        return get(key).map(v -> parseInt(key, v)).orElse(fallback);
    }

    public boolean getBool(String key, boolean fallback) {
        return get(key).map(v -> switch (v.toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(key + " must be true or false, not '" + v + "'");
        }).orElse(fallback);
    }

    public long getLong(String key, long fallback) {
        return get(key).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a whole number, not '" + v + "'");
            }
        }).orElse(fallback);
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, not '" + v + "'");
        }
    }

    // ---- typed views of the settings ----

    public int port() { return getInt("FLOW_PORT", 8080); }

    public String host() { return get("FLOW_HOST", "0.0.0.0"); }

    public Path dataDir() { return Path.of(get("FLOW_DATA_DIR", "./flow-data")).toAbsolutePath().normalize(); }

    /** The address clients reach Flow at; used in mails and to decide whether cookies are Secure. */
    public String baseUrl(int actualPort) {
        String url = get("FLOW_BASE_URL", "http://localhost:" + actualPort);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public List<String> corsOrigins() {
        return get("FLOW_CORS_ORIGINS").map(v -> List.of(v.split("\\s*,\\s*"))).orElse(List.of());
    }

    public Optional<String> databaseUrl() { return get("FLOW_DATABASE_URL"); }

    public String databaseUser() { return get("FLOW_DATABASE_USER", "postgres"); }

    public String databasePassword() { return get("FLOW_DATABASE_PASSWORD", ""); }

    public int databasePoolSize() { return getInt("FLOW_DATABASE_POOL_SIZE", 16); }

    /** 0 means: pick a free port at every start, so that several instances can run side by side. */
    public int embeddedDatabasePort() { return getInt("FLOW_EMBEDDED_DB_PORT", 0); }

    public Optional<String> jwtSecret() { return get("FLOW_JWT_SECRET"); }

    public int refreshTokenDays() { return getInt("FLOW_REFRESH_TOKEN_DAYS", 30); }

    public boolean signupEnabled() { return getBool("FLOW_SIGNUP_ENABLED", true); }

    public long maxBodyBytes() { return getInt("FLOW_MAX_BODY_BYTES", 1024 * 1024); }

    /** The largest file an upload may make (declared or actual); larger ones get 413 and nothing is kept. */
    public long maxUploadBytes() { return positiveLong("FLOW_MAX_UPLOAD_BYTES", 50L << 30); }

    /** The largest chunk of an upload one multipart request may carry (parsed in memory within FLOW_UPLOAD_MEMORY_MB, else spooled). */
    public long maxChunkBytes() { return positiveLong("FLOW_MAX_CHUNK_BYTES", 64L << 20); }

    /** How many MiB of upload requests may be parsed in memory at once; the others are spooled to disk. 0: all spooled. */
    public int uploadMemoryMb() {
        int v = getInt("FLOW_UPLOAD_MEMORY_MB", 128);
        if (v < 0 || v > 1 << 20) throw new ConfigException("FLOW_UPLOAD_MEMORY_MB must be between 0 and " + (1 << 20));
        return v;
    }

    /** How long an unfinished upload is kept after it started. */
    public int uploadExpiryHours() { return positive("FLOW_UPLOAD_EXPIRY_HOURS", 24); }

    /** How fast storage verification may read stored files, in MiB per second; 0: as fast as the disk goes. */
    public int verifyMaxMbPerSecond() {
        int v = getInt("FLOW_VERIFY_MAX_MB_PER_SECOND", 200);
        if (v < 0) throw new ConfigException("FLOW_VERIFY_MAX_MB_PER_SECOND must not be negative");
        return v;
    }

    /** The most bytes of files one bulk archive (POST /downloads) may hold. */
    public long maxArchiveBytes() { return positiveLong("FLOW_MAX_ARCHIVE_BYTES", 100L << 30); }

    /** How long a finished bulk archive is kept. */
    public int archiveExpiryHours() { return positive("FLOW_ARCHIVE_EXPIRY_HOURS", 24); }

    /** Folders whose files any signed-in user may import (source server); none by default. Absolute paths, comma-separated. */
    public List<Path> importRoots() {
        return get("FLOW_IMPORT_ROOTS").map(v -> List.of(v.strip().split("\\s*,\\s*")).stream().map(root -> {
            Path p = Path.of(root);
            if (!p.isAbsolute()) throw new ConfigException("FLOW_IMPORT_ROOTS: " + root + " is not an absolute path");
            return p.normalize();
        }).toList()).orElse(List.of());
    }

    /** How many imports run at once; more wait their turn. */
    public int importConcurrency() { return positive("FLOW_IMPORT_CONCURRENCY", 2); }

    public int importMaxRedirects() {
        int n = getInt("FLOW_IMPORT_MAX_REDIRECTS", 5);
        if (n < 0) throw new ConfigException("FLOW_IMPORT_MAX_REDIRECTS must not be negative");
        return n;
    }

    /** Whether imports refuse hosts at loopback, link-local, private, unique-local and any-local addresses. */
    public boolean importRefusePrivateAddresses() { return getBool("FLOW_IMPORT_REFUSE_PRIVATE_ADDRESSES", false); }

    public int importConnectTimeoutSeconds() { return positive("FLOW_IMPORT_CONNECT_TIMEOUT_SECONDS", 30); }

    /** How long an import waits for the next bytes from its source before it fails. */
    public int importReadTimeoutSeconds() { return positive("FLOW_IMPORT_READ_TIMEOUT_SECONDS", 120); }

    /** Where stored files are kept: {@code local} (under the data directory) or {@code s3} (a bucket, {@link #storageS3}). */
    public String storage() {
        String v = get("FLOW_STORAGE", "local").strip();
        if (!v.equals("local") && !v.equals("s3")) throw new ConfigException("FLOW_STORAGE must be local or s3, not '" + v + "'");
        if (v.equals("local")) {
            for (String key : S3_STORAGE_KEYS) {
                if (get(key).isPresent()) throw new ConfigException(key + " is set but FLOW_STORAGE is local: set FLOW_STORAGE=s3 to store files in S3");
            }
        }
        return v;
    }

    private static final List<String> S3_STORAGE_KEYS = List.of("FLOW_S3_ENDPOINT", "FLOW_S3_REGION", "FLOW_S3_BUCKET", "FLOW_S3_ACCESS_KEY_ID",
            "FLOW_S3_SECRET_ACCESS_KEY", "FLOW_S3_PATH_STYLE", "FLOW_S3_PRESIGNED_DOWNLOADS", "FLOW_S3_PRESIGN_SECONDS", "FLOW_S3_PUBLIC_ENDPOINT");

    /** The longest life of a presigned URL: what S3's signatures (SigV4) allow, 7 days. */
    public static final int MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

    /**
     * The bucket of FLOW_STORAGE=s3: FLOW_S3_BUCKET (required), _ENDPOINT (else AWS), _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY,
     * _PATH_STYLE, and the presigned downloads of {@link #presignedDownloads}.
     */
    public StorageS3 storageS3() {
        String bucket = get("FLOW_S3_BUCKET").map(String::strip)
                .orElseThrow(() -> new ConfigException("FLOW_STORAGE=s3 needs FLOW_S3_BUCKET, the bucket Flow keeps its files in"));
        Optional<String> keyId = get("FLOW_S3_ACCESS_KEY_ID");
        Optional<String> secret = get("FLOW_S3_SECRET_ACCESS_KEY");
        if (keyId.isPresent() != secret.isPresent()) {
            throw new ConfigException("FLOW_S3_ACCESS_KEY_ID and FLOW_S3_SECRET_ACCESS_KEY are set together or not at all");
        }
        URI endpoint = httpUrl("FLOW_S3_ENDPOINT");
        return new StorageS3(endpoint, get("FLOW_S3_REGION", "us-east-1"), bucket, keyId.orElse(null), secret.orElse(null),
                getBool("FLOW_S3_PATH_STYLE", false), presignedDownloads(endpoint));
    }

    /**
     * FLOW_S3_PRESIGNED_DOWNLOADS=true: file downloads redirect to presigned GET URLs of the bucket, valid FLOW_S3_PRESIGN_SECONDS
     * (default 300, 1 to 7 days), of FLOW_S3_PUBLIC_ENDPOINT (else the endpoint Flow uses); null when off. Either setting without
     * the first is refused: it would do nothing, silently.
     */
    private PresignedDownloads presignedDownloads(URI endpoint) {
        if (!getBool("FLOW_S3_PRESIGNED_DOWNLOADS", false)) {
            for (String key : List.of("FLOW_S3_PRESIGN_SECONDS", "FLOW_S3_PUBLIC_ENDPOINT")) {
                if (get(key).isPresent()) throw new ConfigException(key + " is set but FLOW_S3_PRESIGNED_DOWNLOADS is not true: set it to redirect downloads to S3");
            }
            return null;
        }
        int seconds = getInt("FLOW_S3_PRESIGN_SECONDS", 300);
        if (seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
            throw new ConfigException("FLOW_S3_PRESIGN_SECONDS must be 1 to " + MAX_PRESIGN_SECONDS + " (7 days, the most S3 signatures allow), not " + seconds);
        }
        URI publicEndpoint = httpUrl("FLOW_S3_PUBLIC_ENDPOINT");
        return new PresignedDownloads(publicEndpoint != null ? publicEndpoint : endpoint, Duration.ofSeconds(seconds));
    }

    /** An http(s) URL with a host, or null when the key is not set. */
    private URI httpUrl(String key) {
        return get(key).map(v -> {
            try {
                URI uri = new URI(v.strip());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(key + " must be an http or https URL, not '" + v + "'");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new ConfigException(key + " is not a URL: " + e.getMessage());
            }
        }).orElse(null);
    }

    /** {@code presignedDownloads} null: downloads stream through Flow. */
    public record StorageS3(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey, boolean pathStyle,
                            PresignedDownloads presignedDownloads) {}

    /** Where presigned URLs point ({@code endpoint} null: AWS's for the region) and how long they are valid. */
    public record PresignedDownloads(URI endpoint, Duration expiry) {}

    /** Where imports of source s3 read: FLOW_S3_IMPORT_ENDPOINT (else AWS), _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, _PATH_STYLE. */
    public ImportS3 importS3() {
        Optional<String> keyId = get("FLOW_S3_IMPORT_ACCESS_KEY_ID");
        Optional<String> secret = get("FLOW_S3_IMPORT_SECRET_ACCESS_KEY");
        if (keyId.isPresent() != secret.isPresent()) {
            throw new ConfigException("FLOW_S3_IMPORT_ACCESS_KEY_ID and FLOW_S3_IMPORT_SECRET_ACCESS_KEY are set together or not at all");
        }
        URI endpoint = get("FLOW_S3_IMPORT_ENDPOINT").map(v -> {
            try {
                return new URI(v);
            } catch (URISyntaxException e) {
                throw new ConfigException("FLOW_S3_IMPORT_ENDPOINT is not a URL: " + e.getMessage());
            }
        }).orElse(null);
        return new ImportS3(endpoint, get("FLOW_S3_IMPORT_REGION", "us-east-1"), keyId.orElse(null), secret.orElse(null),
                getBool("FLOW_S3_IMPORT_PATH_STYLE", false));
    }

    public record ImportS3(URI endpoint, String region, String accessKeyId, String secretAccessKey, boolean pathStyle) {}

    /** How long one git command (clone, checkout) of registering a pipeline from a git source may run before it is killed. */
    public int gitTimeoutSeconds() { return positive("FLOW_GIT_TIMEOUT_SECONDS", 120); }

    /**
     * Which pipelines Flow registers at start: {@code bundled} (those built into the server from the repository's
     * pipelines/), {@code none}, or those in an absolute folder (one sub-folder per pipeline, as in pipelines/).
     */
    public String shippedPipelines() {
        String v = get("FLOW_SHIPPED_PIPELINES", "bundled").strip();
        if (!v.equals("bundled") && !v.equals("none") && !Path.of(v).isAbsolute()) {
            throw new ConfigException("FLOW_SHIPPED_PIPELINES must be bundled, none or an absolute folder, not '" + v + "'");
        }
        return v;
    }

    /** The folder holding Nextflow's jars (lib/) and Flow's plugin (plugin/); else target/nextflow beside Flow's classes or jar. */
    public Optional<Path> nextflowLib() {
        return get("FLOW_NEXTFLOW_LIB").map(v -> Path.of(v).toAbsolutePath().normalize());
    }

    /**
     * The executors Nextflow 24.10 knows by name: its own (local and the grid schedulers) and those its plugins bring
     * (k8s, awsbatch, google-batch, azurebatch, tes). A name outside the list is refused at start rather than at each
     * run's first task.
     */
    public static final List<String> NEXTFLOW_EXECUTORS = List.of("local", "slurm", "sge", "uge", "oge", "lsf", "pbs", "pbspro",
            "condor", "moab", "nqsii", "oar", "hq", "flux", "bridge", "crg", "bsc", "k8s", "awsbatch", "google-batch", "azurebatch", "tes");

    /** The Nextflow executor tasks run on, one of {@link #NEXTFLOW_EXECUTORS}. */
    public String nextflowExecutor() {
        String v = get("FLOW_NEXTFLOW_EXECUTOR", "local").strip();
        if (!NEXTFLOW_EXECUTORS.contains(v)) {
            throw new ConfigException("FLOW_NEXTFLOW_EXECUTOR must be one of " + String.join(", ", NEXTFLOW_EXECUTORS) + ", not '" + v + "'");
        }
        return v;
    }

    /** The executor's queue (SLURM partition, SGE/LSF queue, AWS Batch job queue) of every task: {@code process.queue}. */
    public Optional<String> nextflowQueue() {
        return get("FLOW_NEXTFLOW_QUEUE").map(String::strip);
    }

    /** Options passed as they are to the scheduler's submit command ({@code sbatch}, ...): {@code process.clusterOptions}. */
    public Optional<String> nextflowClusterOptions() {
        return get("FLOW_NEXTFLOW_CLUSTER_OPTIONS").map(String::strip);
    }

    /** How many tasks one run has queued or running on its executor at most: {@code executor.queueSize}. */
    public Optional<Integer> nextflowQueueSize() {
        return get("FLOW_NEXTFLOW_QUEUE_SIZE").map(v -> {
            int n = parseInt("FLOW_NEXTFLOW_QUEUE_SIZE", v);
            if (n < 1) throw new ConfigException("FLOW_NEXTFLOW_QUEUE_SIZE must be at least 1, not " + n);
            return n;
        });
    }

    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("[0-9]{1,9} ?(ms|s|sec|m|min|h)");

    /** How often Nextflow asks the executor for its tasks' states ({@code executor.pollInterval}): 500ms, 10s, 1min, ... */
    public Optional<String> nextflowPollInterval() {
        return get("FLOW_NEXTFLOW_POLL_INTERVAL").map(String::strip).map(v -> {
            if (!DURATION.matcher(v).matches()) {
                throw new ConfigException("FLOW_NEXTFLOW_POLL_INTERVAL must be a duration such as 500ms, 10s or 1min, not '" + v + "'");
            }
            return v;
        });
    }

    /** A Nextflow configuration file whose text is part of every run's configuration (executor options, queues, ...). */
    public Optional<Path> nextflowConfig() {
        return get("FLOW_NEXTFLOW_CONFIG").map(v -> {
            Path p = Path.of(v);
            if (!Files.isRegularFile(p)) throw new ConfigException("FLOW_NEXTFLOW_CONFIG " + p + " is not a file");
            return p;
        });
    }

    /** The options of each run's Nextflow JVM (heap and start-up: a JVM per run, mostly waiting on its tasks). */
    public List<String> nextflowJavaOptions() {
        return List.of(get("FLOW_NEXTFLOW_JAVA_OPTS", "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").strip().split("\\s+"));
    }

    /**
     * How many executions this process runs at once; 0: none (an API-only server). FLOW_WORKERS, its older
     * name, is refused rather than ignored: ignoring it would make a server meant to run none run two.
     */
    public int workers() {
        if (get("FLOW_MAX_RUNNING_EXECUTIONS").isPresent()) {
            throw new ConfigException("FLOW_MAX_RUNNING_EXECUTIONS was renamed FLOW_WORKERS: set that instead");
        }
        int n = getInt("FLOW_WORKERS", 2);
        if (n < 0) throw new ConfigException("FLOW_WORKERS must not be negative");
        return n;
    }

    /** Where the executions' run directories (Nextflow's launch and work directories) are; shared by all workers. */
    public Path workDir() {
        return get("FLOW_WORK_DIR").map(v -> absolute("FLOW_WORK_DIR", v)).orElseGet(() -> dataDir().resolve("runs"));
    }

    /** Where Flow keeps the pipeline folders it makes (shipped ones extracted, git sources checked out); shared by workers. */
    public Path pipelinesDir() {
        return get("FLOW_PIPELINES_DIR").map(v -> absolute("FLOW_PIPELINES_DIR", v)).orElseGet(() -> dataDir().resolve("pipelines"));
    }

    /** Where local storage keeps the stored files; shared by every server and worker. */
    public Path storageDir() {
        return get("FLOW_STORAGE_DIR").map(v -> absolute("FLOW_STORAGE_DIR", v)).orElseGet(() -> dataDir().resolve("files"));
    }

    /**
     * How long a worker's hold on an execution lasts without renewal: then any worker may take the execution over. It
     * renews every sixth of it and stops its Nextflow when half of it passed without a renewal (see Workers).
     */
    public int workerLeaseSeconds() {
        int n = getInt("FLOW_WORKER_LEASE_SECONDS", 60);
        if (n < 6) throw new ConfigException("FLOW_WORKER_LEASE_SECONDS must be at least 6");
        return n;
    }

    /**
     * The name of this machine in leases and claims (workers, imports, verifications, upload completions): processes with
     * the same name look at each other's processes (a holder whose pid is gone is dead at once, see {@code Claims}). Set it
     * when host names are not unique across the machines sharing a database.
     */
    public String workerHost() {
        String v = get("FLOW_WORKER_HOST").orElseGet(Config::hostName).strip();
        if (!v.matches("[A-Za-z0-9._-]{1,100}")) throw new ConfigException("FLOW_WORKER_HOST must be letters, digits, '.', '_' or '-', not '" + v + "'");
        return v;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static Path absolute(String key, String v) {
        Path p = Path.of(v.strip());
        if (!p.isAbsolute()) throw new ConfigException(key + " must be an absolute path, not '" + v + "'");
        return p.normalize();
    }

    /** How many times an execution whose worker died is started again with -resume before it is failed. */
    public int maxExecutionResumes() {
        int n = getInt("FLOW_MAX_EXECUTION_RESUMES", 3);
        if (n < 0) throw new ConfigException("FLOW_MAX_EXECUTION_RESUMES must not be negative");
        return n;
    }

    public int loginMaxFailuresPerAccount() { return getInt("FLOW_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5); }

    public int loginMaxFailuresPerAddress() { return getInt("FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS", 50); }

    public int loginFailureWindowSeconds() { return getInt("FLOW_LOGIN_FAILURE_WINDOW_SECONDS", 900); }

    /** How long mails stay in the outbox folder before housekeeping deletes them. */
    public int mailOutboxDays() {
        int days = getInt("FLOW_MAIL_OUTBOX_DAYS", 30);
        if (days < 1) throw new ConfigException("FLOW_MAIL_OUTBOX_DAYS must be at least 1, not " + days);
        return days;
    }

    /** The longest pause an account is slowed down to after its failed logins (the back-off's cap). */
    public int loginBackoffMaxSeconds() { return positive("FLOW_LOGIN_BACKOFF_MAX_SECONDS", 900); }

    public int signupMaxPerAddress() { return getInt("FLOW_SIGNUP_MAX_PER_ADDRESS", 20); }

    /** How many user and group searches (GET /users/search, /groups/search) one account may make a minute. */
    public int peopleSearchMaxPerMinute() { return positive("FLOW_PEOPLE_SEARCH_MAX_PER_MINUTE", 60); }

    /** The fewest letters and digits a user or group search must have (admins excepted; a whole email is enough). */
    public int peopleSearchMinLength() { return positive("FLOW_PEOPLE_SEARCH_MIN_LENGTH", 3); }

    /** How many password hashes may run at once: each takes a core and 19 MiB. */
    public int passwordHashConcurrency() {
        return positive("FLOW_PASSWORD_HASH_CONCURRENCY", Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** How many requests may wait for a place to hash a password; more get 503 at once. Each holds a request thread. */
    public int passwordHashQueue() {
        int n = getInt("FLOW_PASSWORD_HASH_QUEUE", 64);
        if (n < 0) throw new ConfigException("FLOW_PASSWORD_HASH_QUEUE must not be negative");
        return n;
    }

    /** How long a request waits for a free place to hash a password before it gets 503. */
    public int passwordHashWaitMillis() {
        int ms = getInt("FLOW_PASSWORD_HASH_WAIT_MS", 3000);
        if (ms < 0) throw new ConfigException("FLOW_PASSWORD_HASH_WAIT_MS must not be negative");
        return ms;
    }

    /** Proxies (CIDRs) whose X-Forwarded-For header names the client; none by default. */
    public List<String> trustedProxies() {
        return get("FLOW_TRUSTED_PROXIES").map(v -> List.of(v.strip().split("\\s*,\\s*"))).orElse(List.of());
    }

    private long positiveLong(String key, long fallback) {
        long v = getLong(key, fallback);
        if (v < 1) throw new ConfigException(key + " must be at least 1");
        return v;
    }

    private int positive(String key, int fallback) {
        int v = getInt(key, fallback);
        if (v < 1) throw new ConfigException(key + " must be at least 1");
        return v;
    }

    public Optional<AdminAccount> adminAccount() {
        Optional<String> username = get("FLOW_ADMIN_USERNAME");
        if (username.isEmpty()) return Optional.empty();
        String password = get("FLOW_ADMIN_PASSWORD")
                .orElseThrow(() -> new ConfigException("FLOW_ADMIN_USERNAME is set but FLOW_ADMIN_PASSWORD is not"));
        return Optional.of(new AdminAccount(username.get(), password,
                get("FLOW_ADMIN_EMAIL", username.get() + "@localhost")));
    }

    public Optional<Smtp> smtp() {
        return get("FLOW_SMTP_HOST").map(host -> new Smtp(host, getInt("FLOW_SMTP_PORT", 587),
                get("FLOW_SMTP_USERNAME").orElse(null), get("FLOW_SMTP_PASSWORD").orElse(null),
                get("FLOW_SMTP_FROM", "flow@localhost"), getBool("FLOW_SMTP_STARTTLS", true),
                getInt("FLOW_SMTP_TIMEOUT_SECONDS", 10)));
    }

    /**
     * OIDC issuers: FLOW_OIDC_ISSUER / FLOW_OIDC_CLIENT_ID / FLOW_OIDC_JWKS_URL, and more with the
     * suffixes _2, _3, ... (FLOW_OIDC_ISSUER_2 and so on), usually in the config file.
     */
    public List<OidcIssuer> oidcIssuers() {
        List<OidcIssuer> out = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String suffix = i == 1 ? "" : "_" + i;
            Optional<String> issuer = get("FLOW_OIDC_ISSUER" + suffix);
            if (issuer.isEmpty()) continue;
            String clientId = get("FLOW_OIDC_CLIENT_ID" + suffix).orElseThrow(() ->
                    new ConfigException("FLOW_OIDC_ISSUER" + suffix + " is set but FLOW_OIDC_CLIENT_ID" + suffix + " is not"));
            out.add(new OidcIssuer(issuer.get(), clientId, get("FLOW_OIDC_JWKS_URL" + suffix).orElse(null)));
        }
        return out;
    }

    public record AdminAccount(String username, String password, String email) {}

    /**
     * startTls: STARTTLS is required (a server that does not offer it gets no mail); timeoutSeconds: the limit of
     * connecting, and of each read and write, so that a stalled server fails a mail instead of holding the queue.
     */
    public record Smtp(String host, int port, String username, String password, String from, boolean startTls,
                       int timeoutSeconds) {}

    /** jwksUrl may be null: it is then read from the issuer's discovery document. */
    public record OidcIssuer(String issuer, String clientId, String jwksUrl) {}

    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) { super(message); }
    }
}
