package bio.flow.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * OpenID providers played by a test: JSON documents (JWKS, discovery) served on loopback, and id_tokens signed
 * with the test's keys. Nothing leaves the machine.
 */
public final class FakeIdp implements AutoCloseable {
    private final HttpServer http;

    private FakeIdp(HttpServer http) {
        this.http = http;
    }

    public static FakeIdp start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.start();
            return new FakeIdp(http);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** http://127.0.0.1:port, under which the documents are served. */
    public String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Serves {@code json} at {@code path}. */
    public FakeIdp serve(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        http.createContext(path, ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        return this;
    }

    /** Serves the public halves of the keys as a JWKS at {@code path}. */
    public FakeIdp serveKeys(String path, RSAKey... keys) {
        return serve(path, new JWKSet(java.util.Arrays.stream(keys).map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList()).toString());
    }

    /** An RS256 id_token signed with {@code key}, with these claims and any {@code extra} ones. */
    public static String idToken(RSAKey key, String iss, String aud, String sub, Instant exp, Map<String, Object> extra) throws Exception {
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject(sub)
                .issueTime(new Date()).expirationTime(Date.from(exp));
        extra.forEach(c::claim);
        SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c.build());
        t.sign(new RSASSASigner(key));
        return t.serialize();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
