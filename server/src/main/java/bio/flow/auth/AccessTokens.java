package bio.flow.auth;

import bio.flow.storage.PrivateFiles;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * Flow's access tokens: HS256 JWTs that live 15 minutes, naming the user by id in {@code sub}. The secret
 * is FLOW_JWT_SECRET, or one generated at first start and kept in the data directory, so that tokens
 * survive restarts and every server sharing the data directory (or given the same secret) accepts them.
 */
public final class AccessTokens {
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    private final byte[] secret;
    private final String issuer;

    public AccessTokens(byte[] secret, String issuer) {
        if (secret.length < 32) throw new IllegalArgumentException("FLOW_JWT_SECRET must be at least 32 bytes long");
        this.secret = secret.clone();
        this.issuer = issuer;
    }

    /** The configured secret, else the one kept in {@code <data dir>/jwt-secret}, created on first use. */
    public static byte[] loadOrCreateSecret(String configured, Path dataDir) {
        if (configured != null) return configured.getBytes(StandardCharsets.UTF_8);
        Path file = dataDir.resolve("jwt-secret");
        try {
            if (Files.exists(file)) return Base64.getDecoder().decode(Files.readString(file).strip());
            byte[] fresh = new byte[64];
            new SecureRandom().nextBytes(fresh);
            PrivateFiles.write(file, Base64.getEncoder().encodeToString(fresh));
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** {@code signedInAt}: when the user last proved who they are (the sign-in of the session), as {@code auth_time}. */
    public String issue(long userId, String username, Instant signedInAt) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(Long.toString(userId))
                .claim("username", username)
                .claim("typ", "access")
                .claim("auth_time", signedInAt.getEpochSecond())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign access token", e);
        }
    }

    /** What a valid access token says: whose it is, and when that user signed in. */
    public record Verified(long userId, Instant signedInAt) {}

    /** The token's user and sign-in time, or empty when the token is malformed, forged, expired or foreign. */
    public Optional<Verified> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) return Optional.empty();
            if (!jwt.verify(new MACVerifier(secret))) return Optional.empty();
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!issuer.equals(c.getIssuer()) || !"access".equals(c.getClaim("typ"))) return Optional.empty();
            if (c.getExpirationTime() == null || c.getExpirationTime().toInstant().isBefore(Instant.now())) return Optional.empty();
            // Tokens from before auth_time was issued count as a sign-in long ago.
            Date authTime = c.getDateClaim("auth_time");
            return Optional.of(new Verified(Long.parseLong(c.getSubject()), authTime == null ? Instant.EPOCH : authTime.toInstant()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
