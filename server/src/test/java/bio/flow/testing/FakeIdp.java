package bio.flow.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
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

    /** Serves {@code json} at {@code path}, to browsers of any origin too (as providers serve discovery and keys). */
    public FakeIdp serve(String path, String json) {
        http.createContext(path, ex -> answer(ex, 200, json));
        return this;
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    /** A sign-in under way: what {@code /authorize} was asked, until its code is exchanged. */
    private record Authorization(String clientId, String redirectUri, String challenge, String nonce) {}

    /**
     * Plays the browser sign-in of an issuer {@code base() + prefix} (authorization code with PKCE, a public client):
     * its discovery document and keys; {@code /authorize}, which signs in the person at once and sends the browser back
     * to the redirect_uri with a code and the state; and {@code /token}, which exchanges a code once, for the client
     * and redirect_uri it was given to and the verifier of its S256 challenge, for an id_token of subject {@code sub}
     * with {@code claims} and the nonce asked for. Anything else is answered 400 {@code invalid_request} or
     * {@code invalid_grant}, as a provider would. Answers how many codes were exchanged.
     */
    public java.util.concurrent.atomic.AtomicInteger serveSignIn(String prefix, RSAKey key, String sub, Map<String, Object> claims) {
        String issuer = base() + prefix;
        Map<String, Authorization> codes = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger exchanged = new java.util.concurrent.atomic.AtomicInteger();
        serve(prefix + "/.well-known/openid-configuration", "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer
                + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/keys\"}");
        serveKeys(prefix + "/keys", key);
        http.createContext(prefix + "/authorize", ex -> {
            Map<String, String> q = form(ex.getRequestURI().getRawQuery());
            if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                    || q.get("client_id") == null || q.get("redirect_uri") == null || q.get("state") == null) {
                answer(ex, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            String code = java.util.UUID.randomUUID().toString();
            codes.put(code, new Authorization(q.get("client_id"), q.get("redirect_uri"), q.get("code_challenge"), q.get("nonce")));
            ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state="
                    + java.net.URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        http.createContext(prefix + "/token", ex -> {
            Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Authorization a = f.get("code") == null ? null : codes.remove(f.get("code"));
            if (!"POST".equals(ex.getRequestMethod()) || !"authorization_code".equals(f.get("grant_type")) || a == null
                    || !a.clientId().equals(f.get("client_id")) || !a.redirectUri().equals(f.get("redirect_uri"))
                    || f.get("code_verifier") == null || !a.challenge().equals(s256(f.get("code_verifier")))) {
                answer(ex, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            Map<String, Object> all = new java.util.HashMap<>(claims);
            if (a.nonce() != null) all.put("nonce", a.nonce());
            try {
                String idToken = idToken(key, issuer, a.clientId(), sub, Instant.now().plusSeconds(300), all);
                exchanged.incrementAndGet();
                answer(ex, 200, "{\"access_token\":\"unused\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken + "\"}");
            } catch (Exception e) {
                answer(ex, 500, "{\"error\":\"server_error\"}");
            }
        });
        return exchanged;
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new java.util.HashMap<>();
        if (encoded == null || encoded.isEmpty()) return out;
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String s256(String verifier) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
