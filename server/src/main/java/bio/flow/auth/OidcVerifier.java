package bio.flow.auth;

import bio.flow.config.Config.OidcIssuer;
import bio.flow.http.ApiException;
import bio.flow.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an OIDC id_token from one of the configured issuers: its signature against that issuer's JWKS
 * (fetched and cached; taken from the discovery document when no JWKS URL is configured), and its
 * {@code iss}, {@code aud} (our client id), {@code azp} when present (our client id too) and {@code exp}.
 * It names the token ({@link Identity#tokenId}) so that the login can accept it only once.
 */
public final class OidcVerifier {
    private static final Logger log = LoggerFactory.getLogger(OidcVerifier.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final Map<String, OidcIssuer> issuers;
    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public OidcVerifier(List<OidcIssuer> issuers) {
        this.issuers = issuers.stream().collect(Collectors.toUnmodifiableMap(OidcIssuer::issuer, i -> i));
    }

    /**
     * What Flow keeps of a verified identity, and the token that proved it: its {@code jti}, or its hash
     * when it has none, and until when it could still be accepted.
     */
    public record Identity(String issuer, String subject, String preferredUsername, String email, boolean emailVerified,
                           String givenName, String familyName, String tokenId, Instant tokenExpires) {}

    public Identity verify(String idToken) {
        if (issuers.isEmpty()) throw ApiException.of(400, "VALIDATION_ERROR", "OIDC login is not configured on this server", Map.of());
        String iss;
        try {
            iss = SignedJWT.parse(idToken).getJWTClaimsSet().getIssuer();
        } catch (Exception e) {
            throw ApiException.invalid("id_token", "is not a signed JWT");
        }
        OidcIssuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null) throw ApiException.unauthorized("id_token is from an issuer this server does not trust");
        JWTClaimsSet claims;
        try {
            claims = processor(issuer).process(idToken, null);
        } catch (ApiException e) {
            throw e;
        } catch (KeySourceException e) {
            log.warn("cannot fetch the keys of OIDC issuer {}: {}", iss, e.getMessage());
            throw ApiException.of(503, "SERVICE_UNAVAILABLE", "the identity provider cannot be reached", Map.of());
        } catch (Exception e) {
            log.info("rejected id_token from {}: {}", iss, e.getMessage());
            throw ApiException.unauthorized("id_token rejected: " + e.getMessage());
        }
        // A token for several audiences names the one it was issued to in azp: that must be us.
        Object azp = claims.getClaim("azp");
        if (azp != null && !issuer.clientId().equals(azp)) {
            log.info("rejected id_token from {}: azp {} is not our client id", iss, azp);
            throw ApiException.unauthorized("id_token rejected: it was issued to another client (azp)");
        }
        String tokenId = claims.getJWTID() != null ? "jti:" + claims.getJWTID() : "sha256:" + RefreshTokens.sha256(idToken);
        Instant tokenExpires = claims.getExpirationTime().toInstant().plusSeconds(DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS);
        return new Identity(issuer.issuer(), claims.getSubject(), stringClaim(claims, "preferred_username"),
                stringClaim(claims, "email"), Boolean.TRUE.equals(claims.getClaim("email_verified")),
                stringClaim(claims, "given_name"), stringClaim(claims, "family_name"), tokenId, tokenExpires);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    private DefaultJWTProcessor<SecurityContext> processor(OidcIssuer issuer) {
        return processors.computeIfAbsent(issuer.issuer(), k -> {
            JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUrl(issuer)).retrying(true).build();
            DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
            p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
            p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(issuer.clientId()),
                    new JWTClaimsSet.Builder().issuer(issuer.issuer()).build(), Set.of("sub", "exp", "iat"), null));
            return p;
        });
    }

    private URL jwksUrl(OidcIssuer issuer) {
        try {
            if (issuer.jwksUrl() != null) return URI.create(issuer.jwksUrl()).toURL();
            String discovery = issuer.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(discovery)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + " from " + discovery);
            JsonNode doc = Json.MAPPER.readTree(r.body());
            return URI.create(doc.path("jwks_uri").asText()).toURL();
        } catch (Exception e) {
            log.warn("cannot find the JWKS of OIDC issuer {}: {}", issuer.issuer(), e.toString());
            throw ApiException.of(503, "SERVICE_UNAVAILABLE", "the identity provider cannot be reached", Map.of());
        }
    }
}
