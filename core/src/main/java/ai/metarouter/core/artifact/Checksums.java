package ai.metarouter.core.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 as lowercase hex, the form the manifest records. The manifest's digests are what make a
 * version tamper-evident as a whole; the bundle's own CRC only catches accidents inside one file.
 */
public final class Checksums {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Checksums() {}

    /** A digest and the number of bytes it covers. */
    public record Digest(String sha256, long bytes) {}

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(newSha256().digest(data));
    }

    /** Digests a stream to its end without holding it in memory (large weights files). */
    public static Digest sha256(InputStream in) throws IOException {
        MessageDigest md = newSha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            md.update(buffer, 0, n);
            total += n;
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), total);
    }

    /** Whether {@code s} is a SHA-256 digest in the manifest's form (64 lowercase hex digits). */
    public static boolean isSha256Hex(String s) {
        return s != null && SHA256_HEX.matcher(s).matches();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256 (java.security.MessageDigest docs).
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
