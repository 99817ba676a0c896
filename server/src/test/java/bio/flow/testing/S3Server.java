package bio.flow.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server for the tests: s3proxy in this JVM over jclouds' filesystem store (a temporary folder), with
 * AWS v2/v4 signatures required, on a free port; one for the whole test JVM ({@link #shared()}), removed at its exit.
 * Each test takes a bucket of its own ({@link #bucket}).
 */
public final class S3Server {
    public static final String KEY_ID = "flow-test-key";
    public static final String SECRET = "flow-test-secret";
    private static final AtomicInteger buckets = new AtomicInteger();
    private static S3Server shared;

    private final S3Proxy proxy;
    private final BlobStore blobs;
    private final Path dir;

    private S3Server() throws Exception {
        dir = Files.createTempDirectory("flow-s3-");
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(p).credentials(KEY_ID, SECRET).build(BlobStoreContext.class);
        blobs = context.getBlobStore();
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY_ID, SECRET).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) Thread.sleep(10);
    }

    public static synchronized S3Server shared() {
        if (shared == null) {
            try {
                shared = new S3Server();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start s3proxy", e);
            }
            S3Server s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.proxy.stop();
                } catch (Exception ignored) {
                    // the JVM is ending
                }
                TempDirs.delete(s.dir);
            }));
        }
        return shared;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A new empty bucket. */
    public String bucket(String prefix) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + buckets.incrementAndGet();
        blobs.createContainerInLocation(null, name);
        return name;
    }

    /** The settings of a Flow server storing its files in a new bucket of this server. */
    public Map<String, String> storageSettings(String bucket) {
        return Map.of("FLOW_STORAGE", "s3", "FLOW_S3_ENDPOINT", endpoint().toString(), "FLOW_S3_REGION", "us-east-1",
                "FLOW_S3_BUCKET", bucket, "FLOW_S3_ACCESS_KEY_ID", KEY_ID, "FLOW_S3_SECRET_ACCESS_KEY", SECRET, "FLOW_S3_PATH_STYLE", "true");
    }
}
