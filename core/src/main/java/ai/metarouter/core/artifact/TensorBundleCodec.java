package ai.metarouter.core.artifact;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The binary form of a {@link TensorBundle} ({@code weights.mrt}), specified in
 * {@code data-schemas/artifact-format.md}. Everything is little-endian:
 *
 * <pre>
 * magic          8 bytes   89 4D 52 54 0D 0A 1A 0A  ("\x89MRT\r\n\x1a\n")
 * format_version u32       1
 * tensor_count   u32
 * tensor_count x { name_len u32, name UTF-8, rank u32, dims rank x u32, data prod(dims) x f64 }
 * metadata_count u32
 * metadata_count x { key_len u32, key UTF-8, value_len u32, value UTF-8 }
 * crc32          u32       CRC-32 (zlib polynomial) of every preceding byte
 * </pre>
 *
 * <p>The magic's high byte and CR/LF/EOF bytes catch the classic ways a binary file is mangled
 * (7-bit transfer, newline translation, text-mode truncation), as in PNG. CRC-32 rather than a
 * cryptographic hash because it guards against accidents; the manifest's SHA-256 guards the file
 * as a whole. CRC-32 (not CRC-32C) because every language's zlib has it.
 *
 * <p>The decoder never trusts a length before checking it against the bytes that remain, so a
 * corrupt header fails with a message instead of an allocation of gigabytes.
 */
public final class TensorBundleCodec {
    /** The format version this class writes. */
    public static final int FORMAT_VERSION = 1;
    /** Format versions this class reads. */
    public static final Set<Integer> SUPPORTED_VERSIONS = Set.of(1);

    private static final byte[] MAGIC = {(byte) 0x89, 'M', 'R', 'T', '\r', '\n', 0x1A, '\n'};
    private static final int HEADER_BYTES = MAGIC.length + 4 + 4;
    private static final int TRAILER_BYTES = 4;
    /** Metadata values may be longer than names (small JSON documents), but not unbounded. */
    private static final int MAX_METADATA_VALUE_BYTES = 16 * 1024 * 1024;

    private TensorBundleCodec() {}

    /** Encodes {@code bundle} in format {@link #FORMAT_VERSION}. */
    public static byte[] encode(TensorBundle bundle) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimateSize(bundle));
        ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        out.writeBytes(MAGIC);
        writeU32(out, word, FORMAT_VERSION);
        writeU32(out, word, bundle.size());
        for (var entry : bundle.tensors().entrySet()) {
            writeString(out, word, entry.getKey(), "tensor name");
            Tensor t = entry.getValue();
            writeU32(out, word, t.rank());
            for (int axis = 0; axis < t.rank(); axis++) writeU32(out, word, t.dim(axis));
            ByteBuffer data = ByteBuffer.allocate(t.size() * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < t.size(); i++) data.putDouble(t.at(i));
            out.writeBytes(data.array());
        }
        writeU32(out, word, bundle.metadata().size());
        for (var entry : bundle.metadata().entrySet()) {
            writeString(out, word, entry.getKey(), "metadata key");
            writeString(out, word, entry.getValue(), "metadata value");
        }
        CRC32 crc = new CRC32();
        byte[] body = out.toByteArray();
        crc.update(body);
        ByteBuffer result = ByteBuffer.allocate(body.length + TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        result.put(body).putInt((int) crc.getValue());
        return result.array();
    }

    /** Decodes a bundle; {@code source} (e.g. {@code v3/weights.mrt}) prefixes every error message. */
    public static TensorBundle decode(byte[] bytes, String source) {
        Reader r = new Reader(bytes, source);
        if (bytes.length < MAGIC.length && isMagicPrefix(bytes)) {
            throw r.truncated("the magic bytes", MAGIC.length);
        }
        if (bytes.length < MAGIC.length || !isMagicPrefix(bytes)) {
            byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, MAGIC.length));
            throw new ArtifactFormatException(source + ": not a MetaRouter tensor bundle (magic bytes are "
                    + HexFormat.ofDelimiter(" ").formatHex(head) + ", expected "
                    + HexFormat.ofDelimiter(" ").formatHex(MAGIC) + ")");
        }
        r.skip(MAGIC.length);
        int version = r.u32("format version");
        if (!SUPPORTED_VERSIONS.contains(version)) {
            throw new ArtifactFormatException(source + ": tensor bundle format version " + Integer.toUnsignedString(version)
                    + " is not supported by this reader (supports " + SUPPORTED_VERSIONS + "); upgrade MetaRouter");
        }
        if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
            throw r.truncated("the header and trailer", HEADER_BYTES + TRAILER_BYTES);
        }
        // The structure is parsed before the CRC is checked so that a cut-off file is reported as
        // truncated (an operator's copy went wrong) rather than as a generic checksum failure.
        TensorBundle.Builder builder = TensorBundle.builder();
        int tensorCount = r.count("tensor count", 4 + 4);
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < tensorCount; i++) {
            String name = r.string("name of tensor #" + i, 1, TensorBundle.Builder.MAX_NAME_BYTES);
            if (!seen.add(name)) throw r.corrupt("tensor name '" + name + "' appears twice");
            int rank = r.u32("rank of tensor '" + name + "'");
            if (rank < 0 || rank > Tensor.MAX_RANK) {
                throw r.corrupt("tensor '" + name + "' has rank " + Integer.toUnsignedString(rank)
                        + " (at most " + Tensor.MAX_RANK + ")");
            }
            int[] shape = new int[rank];
            long size = 1;
            for (int axis = 0; axis < rank; axis++) {
                shape[axis] = r.u32("dimension " + axis + " of tensor '" + name + "'");
                if (shape[axis] < 0) throw r.corrupt("tensor '" + name + "' has dimension " + Integer.toUnsignedString(shape[axis]));
                size *= shape[axis];
                if (size > Integer.MAX_VALUE - 8) throw r.corrupt("tensor '" + name + "' is impossibly large");
            }
            double[] data = r.doubles((int) size, "data of tensor '" + name + "'");
            for (int k = 0; k < data.length; k++) {
                if (!Double.isFinite(data[k])) {
                    throw r.corrupt("tensor '" + name + "' has non-finite value " + data[k] + " at flat index " + k);
                }
            }
            builder.put(name, shape, data);
        }
        int metadataCount = r.count("metadata count", 4 + 4);
        for (int i = 0; i < metadataCount; i++) {
            String key = r.string("metadata key #" + i, 1, TensorBundle.Builder.MAX_NAME_BYTES);
            String value = r.string("value of metadata '" + key + "'", 0, MAX_METADATA_VALUE_BYTES);
            if (builder.hasMetadata(key)) throw r.corrupt("metadata key '" + key + "' appears twice");
            builder.putMetadata(key, value);
        }
        int bodyEnd = r.position();
        int stored = r.u32("CRC-32 trailer");
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " unexpected bytes after the CRC-32 trailer");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bodyEnd);
        if ((int) crc.getValue() != stored) {
            throw new ArtifactFormatException(source + ": corrupt: CRC-32 mismatch (stored "
                    + String.format("%08x", stored) + ", computed " + String.format("%08x", (int) crc.getValue()) + ")");
        }
        return builder.build();
    }

    /** Whether the first min(length, 8) bytes agree with the magic. */
    private static boolean isMagicPrefix(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, MAGIC.length); i++) if (bytes[i] != MAGIC[i]) return false;
        return true;
    }

    private static int estimateSize(TensorBundle bundle) {
        long n = HEADER_BYTES + TRAILER_BYTES + 4;
        for (var e : bundle.tensors().entrySet()) n += 8 + e.getKey().length() * 3L + 4L * e.getValue().rank() + 8L * e.getValue().size();
        return (int) Math.min(n, Integer.MAX_VALUE - 8);
    }

    private static void writeU32(ByteArrayOutputStream out, ByteBuffer word, int value) {
        word.clear();
        word.putInt(value);
        out.write(word.array(), 0, 4);
    }

    private static void writeString(ByteArrayOutputStream out, ByteBuffer word, String s, String what) {
        byte[] utf8;
        try {
            // A strict encoder: a lone surrogate would silently become '?' and not round-trip.
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            utf8 = new byte[encoded.remaining()];
            encoded.get(utf8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not valid Unicode", e);
        }
        writeU32(out, word, utf8.length);
        out.writeBytes(utf8);
    }

    /** Bounds-checked little-endian reads whose errors name the source, the offset and the field. */
    private static final class Reader {
        private final ByteBuffer buf;
        private final String source;

        Reader(byte[] bytes, String source) {
            this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.source = source;
        }

        int position() {
            return buf.position();
        }

        int remaining() {
            return buf.remaining();
        }

        void skip(int n) {
            buf.position(buf.position() + n);
        }

        int u32(String what) {
            need(4, what);
            return buf.getInt();
        }

        /** A count whose every item needs at least {@code minBytesPerItem}: rejects absurd counts early. */
        int count(String what, int minBytesPerItem) {
            int n = u32(what);
            if (n < 0 || (long) n * minBytesPerItem > buf.remaining()) {
                throw truncated(what + " " + Integer.toUnsignedString(n) + " (items of at least " + minBytesPerItem + " bytes)",
                        Integer.toUnsignedLong(n) * minBytesPerItem);
            }
            return n;
        }

        String string(String what, int minBytes, int maxBytes) {
            int len = u32("length of " + what);
            if (len < minBytes || len > maxBytes) {
                throw corrupt(what + " is " + Integer.toUnsignedString(len) + " bytes long (allowed "
                        + minBytes + " to " + maxBytes + ")");
            }
            need(len, what);
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(buf.slice(buf.position(), len)).toString();
                skip(len);
                return s;
            } catch (CharacterCodingException e) {
                throw corrupt(what + " is not valid UTF-8");
            }
        }

        double[] doubles(int n, String what) {
            need((long) n * Double.BYTES, what);
            double[] out = new double[n];
            buf.asDoubleBuffer().get(out);
            skip(n * Double.BYTES);
            return out;
        }

        private void need(long n, String what) {
            if (n > buf.remaining()) throw truncated(what, n);
        }

        ArtifactFormatException truncated(String what, long needed) {
            return new ArtifactFormatException(source + ": truncated or corrupt: " + what + " needs " + needed
                    + " bytes at offset " + buf.position() + " but only " + buf.remaining() + " remain (file is "
                    + buf.capacity() + " bytes)");
        }

        ArtifactFormatException corrupt(String what) {
            return new ArtifactFormatException(source + ": corrupt at offset " + buf.position() + ": " + what);
        }
    }
}
