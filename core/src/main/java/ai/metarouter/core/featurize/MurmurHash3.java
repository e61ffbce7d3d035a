package ai.metarouter.core.featurize;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3 x86_32 (Austin Appleby's public-domain reference, {@code MurmurHash3_x86_32}), written
 * out here rather than taken from a library so that the featuriser's output depends on nothing
 * but this file: the hashed feature indices are part of every trained artifact, and a library
 * upgrade must never move them. Blocks are read little-endian, as the reference does on x86.
 */
public final class MurmurHash3 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private MurmurHash3() {}

    /** The 32-bit hash of {@code len} bytes of {@code data} starting at {@code offset}. */
    public static int hash32(byte[] data, int offset, int len, int seed) {
        int h1 = seed;
        int end = offset + (len & ~3);
        for (int i = offset; i < end; i += 4) {
            int k1 = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24;
            k1 *= C1;
            k1 = Integer.rotateLeft(k1, 15);
            k1 *= C2;
            h1 ^= k1;
            h1 = Integer.rotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }
        int k1 = 0;
        switch (len & 3) {
            case 3:
                k1 ^= (data[end + 2] & 0xff) << 16;
                // fall through
            case 2:
                k1 ^= (data[end + 1] & 0xff) << 8;
                // fall through
            case 1:
                k1 ^= data[end] & 0xff;
                k1 *= C1;
                k1 = Integer.rotateLeft(k1, 15);
                k1 *= C2;
                h1 ^= k1;
                break;
            default:
                break;
        }
        h1 ^= len;
        return fmix32(h1);
    }

    /** The hash of a whole array. */
    public static int hash32(byte[] data, int seed) {
        return hash32(data, 0, data.length, seed);
    }

    /** The hash of a string's UTF-8 bytes (allocates; not for hot paths). */
    public static int hash32(String s, int seed) {
        return hash32(s.getBytes(StandardCharsets.UTF_8), seed);
    }

    /** The reference finaliser: every input bit affects every output bit. */
    static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
