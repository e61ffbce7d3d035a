package ai.metarouter.core.serve.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Optional bearer-token authentication ({@code Authorization: Bearer <token>}, RFC 6750). The
 * comparison is constant-time so response timing does not leak how much of a guess was right.
 */
final class BearerAuth {
    private static final String SCHEME = "Bearer ";
    private final byte[] token;

    /** @param token the expected token, or null to let every request through */
    BearerAuth(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    boolean enabled() {
        return token != null;
    }

    boolean permits(String authorizationHeader) {
        if (token == null) return true;
        if (authorizationHeader == null || authorizationHeader.length() < SCHEME.length()
                || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = authorizationHeader.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }
}
