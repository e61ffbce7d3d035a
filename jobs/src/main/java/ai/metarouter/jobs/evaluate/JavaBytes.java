package ai.metarouter.jobs.evaluate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * Java serialisation to and from bytes. Why: the jobs run with Kryo as Spark's serializer, and
 * Kryo cannot rebuild Java records (their final fields are set only by the canonical constructor),
 * while Java serialisation does exactly that. Shipping records as byte[] keeps them exact under
 * any Spark serializer.
 */
public final class JavaBytes {
    private JavaBytes() {}

    public static byte[] write(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    public static <T> T read(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (T) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deserialise", e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("class missing on this JVM: " + e.getMessage(), e);
        }
    }
}
