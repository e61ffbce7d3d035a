package ai.metarouter.jobs.train;

import java.io.Serializable;

/**
 * An admitted user as the outer loop reads it: the {@link PreparedUserCodec} record, and the
 * decoded {@link PreparedUser} once something asked for it.
 *
 * <p>When {@link UserTasks} keeps the decoded users in memory ({@link UserTasks.DecodedCache}),
 * each instance is decoded once and reused by every iteration; otherwise each pass makes fresh
 * instances and decodes only the users its sample includes. The decoded form is transient, so a
 * block Spark does serialise (a remote read, a spill) travels as the compact bytes under Java and
 * Kryo serialisation alike and is decoded again where it is read. Decoding is exact, so both ways
 * give the same task, bit for bit.
 */
public final class TrainingUser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] encoded;
    private transient PreparedUser decoded;

    TrainingUser(byte[] encoded) {
        this.encoded = encoded;
    }

    /** The user id, read from the record's header (no decoding). */
    public String userId() {
        return decoded != null ? decoded.userId() : PreparedUserCodec.userId(encoded);
    }

    /** The decoded user, decoding it with {@code codec} on first use. */
    public PreparedUser user(PreparedUserCodec codec) {
        PreparedUser u = decoded;
        if (u == null) {
            u = codec.decode(encoded);
            decoded = u;
        }
        return u;
    }
}
