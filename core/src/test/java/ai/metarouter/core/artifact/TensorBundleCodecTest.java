package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class TensorBundleCodecTest {
    private static final String SOURCE = "v3/weights.mrt";

    private static TensorBundle tricky() {
        return TensorBundle.builder()
                .putMatrix("m", new double[][] {{1.5, -2.25, 0.1}, {-0.0, Double.MIN_VALUE, Double.MAX_VALUE}})
                .putVector("v", new double[] {Math.PI, -Math.E, 1e-300, -1e300})
                .putScalar("s", 42.0)
                .put("rank3", new int[] {2, 1, 2}, new double[] {1, 2, 3, 4})
                .put("empty", new int[] {0}, new double[0])
                .putMetadata("note", "unicode ✓ ünïcödé, newline\nkept")
                .putMetadata("empty-value", "")
                .build();
    }

    @Test
    void roundTripKeepsEveryBitAndTheOrder() {
        TensorBundle original = tricky();
        TensorBundle decoded = TensorBundleCodec.decode(TensorBundleCodec.encode(original), SOURCE);
        assertEquals(original, decoded);
        assertEquals(List.of("m", "v", "s", "rank3", "empty"), decoded.names());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(decoded.getMatrix("m")[1][0]));
        assertEquals(Double.MIN_VALUE, decoded.getMatrix("m", 2, 3)[1][1]);
        assertArrayEquals(new double[] {Math.PI, -Math.E, 1e-300, -1e300}, decoded.getVector("v", 4));
        assertEquals(42.0, decoded.getScalar("s"));
        assertArrayEquals(new int[] {2, 1, 2}, decoded.tensor("rank3").shape());
        assertEquals("unicode ✓ ünïcödé, newline\nkept", decoded.metadata("note").orElseThrow());
        assertEquals("", decoded.metadata("empty-value").orElseThrow());
    }

    @Test
    void anEmptyBundleRoundTrips() {
        TensorBundle empty = TensorBundle.builder().build();
        byte[] bytes = TensorBundleCodec.encode(empty);
        assertEquals(8 + 4 + 4 + 4 + 4, bytes.length, "magic, version, tensor count, metadata count, crc");
        assertEquals(empty, TensorBundleCodec.decode(bytes, SOURCE));
    }

    @Test
    void encodingIsDeterministicAndFollowsTheDocumentedLayout() {
        TensorBundle b = TensorBundle.builder().putVector("ab", new double[] {1.0, -2.0}).putMetadata("k", "v").build();
        byte[] bytes = TensorBundleCodec.encode(b);
        assertArrayEquals(bytes, TensorBundleCodec.encode(TensorBundleCodec.decode(bytes, SOURCE)));
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        buf.get(magic);
        assertArrayEquals(new byte[] {(byte) 0x89, 'M', 'R', 'T', '\r', '\n', 0x1A, '\n'}, magic);
        assertEquals(1, buf.getInt(), "format version");
        assertEquals(1, buf.getInt(), "tensor count");
        assertEquals(2, buf.getInt(), "name length");
        assertEquals('a', buf.get());
        assertEquals('b', buf.get());
        assertEquals(1, buf.getInt(), "rank");
        assertEquals(2, buf.getInt(), "dim 0");
        assertEquals(1.0, buf.getDouble());
        assertEquals(-2.0, buf.getDouble());
        assertEquals(1, buf.getInt(), "metadata count");
        assertEquals(1, buf.getInt());
        assertEquals('k', buf.get());
        assertEquals(1, buf.getInt());
        assertEquals('v', buf.get());
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, buf.position());
        assertEquals((int) crc.getValue(), buf.getInt(), "CRC-32 of everything before it");
        assertEquals(0, buf.remaining());
    }

    @Test
    void wrongMagicIsRejected() {
        byte[] bytes = TensorBundleCodec.encode(tricky());
        bytes[1] = 'X';
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(bytes, SOURCE));
        assertTrue(e.getMessage().startsWith(SOURCE + ": not a MetaRouter tensor bundle (magic bytes are 89 58"), e.getMessage());
        ArtifactFormatException json = assertThrows(ArtifactFormatException.class,
                () -> TensorBundleCodec.decode("{\"weights\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8), SOURCE));
        assertTrue(json.getMessage().contains("not a MetaRouter tensor bundle"), json.getMessage());
    }

    @Test
    void unknownFormatVersionIsRejectedBeforeAnythingElse() {
        byte[] bytes = TensorBundleCodec.encode(tricky());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(bytes, SOURCE));
        assertEquals(SOURCE + ": tensor bundle format version 2 is not supported by this reader (supports [1]); upgrade MetaRouter",
                e.getMessage());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
        e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(bytes, SOURCE));
        assertTrue(e.getMessage().contains("format version 4294967295"), e.getMessage());
    }

    @Test
    void everyTruncationIsRejectedAsTruncatedOrCorrupt() {
        byte[] bytes = TensorBundleCodec.encode(tricky());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(cut, SOURCE),
                    "prefix of " + length + " bytes");
            assertTrue(e.getMessage().startsWith(SOURCE + ": "), e.getMessage());
        }
        // Cut inside the tensor data: the message says what was being read and where.
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> TensorBundleCodec.decode(Arrays.copyOf(bytes, 60), SOURCE));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("data of tensor 'm' needs 48 bytes at offset 33")
                && e.getMessage().contains("file is 60 bytes"), e.getMessage());
    }

    @Test
    void everySingleFlippedBitIsRejected() {
        byte[] bytes = TensorBundleCodec.encode(tricky());
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= (byte) (1 << bit);
                int at = i;
                assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(flipped, SOURCE),
                        "bit " + bit + " of byte " + at);
            }
        }
    }

    @Test
    void aFlippedDataByteIsACrcMismatch() {
        byte[] bytes = TensorBundleCodec.encode(tricky());
        bytes[8 + 4 + 4 + 4 + 1 + 4 + 8 + 3] ^= 0x10; // inside the first value of tensor 'm'
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(bytes, SOURCE));
        assertTrue(e.getMessage().startsWith(SOURCE + ": corrupt: CRC-32 mismatch (stored "), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = TensorBundleCodec.encode(tricky());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(longer, SOURCE));
        assertTrue(e.getMessage().contains("3 unexpected bytes after the CRC-32 trailer"), e.getMessage());
    }

    @Test
    void hugeDeclaredSizesFailWithoutAllocating() {
        byte[] bytes = TensorBundleCodec.encode(TensorBundle.builder().putVector("v", new double[] {1}).build());
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(8 + 4 + 4 + 4 + 1 + 4, Integer.MAX_VALUE); // dim 0 of 'v'
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(bytes, SOURCE));
        assertTrue(e.getMessage().contains("tensor 'v'"), e.getMessage());
        byte[] count = TensorBundleCodec.encode(TensorBundle.builder().build());
        ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 1_000_000_000);
        e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(count, SOURCE));
        assertTrue(e.getMessage().contains("tensor count 1000000000"), e.getMessage());
    }

    @Test
    void typedGettersCheckShapesAndNames() {
        TensorBundle b = tricky();
        ArtifactFormatException shape = assertThrows(ArtifactFormatException.class, () -> b.getMatrix("m", 3, 2));
        assertEquals("tensor 'm' has shape [2, 3], expected [3, 2]", shape.getMessage());
        ArtifactFormatException rank = assertThrows(ArtifactFormatException.class, () -> b.getVector("m"));
        assertTrue(rank.getMessage().contains("expected rank 1"), rank.getMessage());
        assertThrows(ArtifactFormatException.class, () -> b.getScalar("v"));
        assertThrows(ArtifactFormatException.class, () -> b.getVector("v", 5));
        ArtifactFormatException missing = assertThrows(ArtifactFormatException.class, () -> b.tensor("policy.w"));
        assertTrue(missing.getMessage().contains("no tensor 'policy.w'") && missing.getMessage().contains("rank3"),
                missing.getMessage());
    }

    @Test
    void bundlesAreImmutable() {
        double[][] rows = {{1, 2}, {3, 4}};
        TensorBundle b = TensorBundle.builder().putMatrix("m", rows).build();
        rows[0][0] = 99;
        b.getMatrix("m")[0][1] = 99;
        b.tensor("m").data()[0] = 99;
        assertArrayEquals(new double[] {1, 2}, b.getMatrix("m")[0]);
        assertThrows(UnsupportedOperationException.class, () -> b.tensors().clear());
    }

    @Test
    void builderRefusesWhatCouldNotBeReadBack() {
        assertThrows(IllegalArgumentException.class, () -> TensorBundle.builder().putVector("x", new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> TensorBundle.builder().putScalar("x", Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> TensorBundle.builder().putScalar("x", 1).putScalar("x", 2));
        assertThrows(IllegalArgumentException.class, () -> TensorBundle.builder().putScalar("", 1));
        assertThrows(IllegalArgumentException.class, () -> TensorBundle.builder().put("x", new int[] {2, 2}, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> TensorBundle.builder().putMatrix("x", new double[][] {{1}, {1, 2}}));
        TensorBundle loneSurrogate = TensorBundle.builder().putScalar("bad\uD800name", 1).build();
        assertThrows(IllegalArgumentException.class, () -> TensorBundleCodec.encode(loneSurrogate));
    }

    @Test
    void aNonFiniteValueSmuggledIntoTheBytesIsRejected() {
        byte[] bytes = TensorBundleCodec.encode(TensorBundle.builder().putScalar("s", 1.0).build());
        int dataOffset = 8 + 4 + 4 + 4 + 1 + 4;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(dataOffset, Double.NaN);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> TensorBundleCodec.decode(bytes, SOURCE));
        assertTrue(e.getMessage().contains("non-finite value NaN"), e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf("tensor 's'"));
    }
}
