package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.TaskEvent;
import ai.metarouter.core.learn.UserCap;
import ai.metarouter.core.learn.UserTask;
import ai.metarouter.core.model.UtilityBasis;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes a {@link PreparedUser} is persisted as between outer iterations: compact, exact (every
 * double is stored as its bits), and independent of Spark's serializer (a {@code byte[]} is the
 * same under Java and Kryo serialization, and records, which Kryo cannot rebuild, never reach it).
 *
 * <p>Route events dominate a task (n candidates x d basis values each). When a candidate's psi is
 * exactly {@code basis.value(psi[0], psi[1])} (always so for tasks built by
 * {@link ai.metarouter.core.learn.UserTaskBuilder}, whose psi[0] is q^ and psi[1] is cs^), only
 * (q^, cs^) are stored and psi is recomputed on decoding, bit for bit; otherwise psi is stored
 * whole. The check is made per event when encoding, so decoding never changes a value.
 *
 * <pre>
 * header: u8 format, utf8 user id, u8 status (0 admitted, 1 + rejection ordinal), f64 weight,
 *         i32 original events, i32 kept events, i64 min ts, i64 max ts
 * task (admitted only): i32 basis dim, i32 skipped events, i32 events, then per event
 *   u8 1 Pair  f64 qWin csWin qLose csLose
 *   u8 2 Reward f64 q cs reward
 *   u8 3 Route i32 n, i32 chosen, f64 propensity reward observedQuality observedCs,
 *              u8 mode (0: n x (q, cs); 1: n x d psi)
 * </pre>
 * Instances are immutable and thread-safe.
 */
public final class PreparedUserCodec {
    private static final byte FORMAT = 1;
    private static final byte PAIR = 1;
    private static final byte REWARD = 2;
    private static final byte ROUTE = 3;
    private static final byte COMPACT = 0;
    private static final byte FULL = 1;
    private static final UserCap.Rejection[] REJECTIONS = UserCap.Rejection.values();

    private final UtilityBasis basis;
    private final int d;

    public PreparedUserCodec(UtilityBasis basis) {
        this.basis = basis;
        this.d = basis.dimension();
    }

    public byte[] encode(PreparedUser u) {
        byte[] id = u.userId().getBytes(StandardCharsets.UTF_8);
        UserTask task = u.task();
        boolean[] compact = null;
        int size = 1 + 4 + id.length + 1 + 8 + 4 + 4 + 8 + 8;
        if (task != null) {
            if (task.basisDim() != d) throw new IllegalArgumentException("user " + u.userId() + ": task basis dimension " + task.basisDim() + " is not " + d);
            List<TaskEvent> events = task.events();
            compact = new boolean[events.size()];
            size += 12;
            for (int i = 0; i < events.size(); i++) {
                TaskEvent e = events.get(i);
                size += 1;
                if (e instanceof TaskEvent.Pair) {
                    size += 32;
                } else if (e instanceof TaskEvent.Reward) {
                    size += 24;
                } else if (e instanceof TaskEvent.Route r) {
                    compact[i] = isCompact(r);
                    size += 8 + 32 + 1 + (compact[i] ? 16 * r.candidates() : 8 * r.candidates() * d);
                }
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(FORMAT);
        b.putInt(id.length).put(id);
        b.put(u.rejection() == null ? 0 : (byte) (1 + u.rejection().ordinal()));
        b.putDouble(u.weight()).putInt(u.originalEvents()).putInt(u.keptEvents());
        b.putLong(u.minTsMillis()).putLong(u.maxTsMillis());
        if (task != null) {
            List<TaskEvent> events = task.events();
            b.putInt(task.basisDim()).putInt(task.skippedEvents()).putInt(events.size());
            for (int i = 0; i < events.size(); i++) {
                TaskEvent e = events.get(i);
                if (e instanceof TaskEvent.Pair p) {
                    b.put(PAIR).putDouble(p.qWin()).putDouble(p.csWin()).putDouble(p.qLose()).putDouble(p.csLose());
                } else if (e instanceof TaskEvent.Reward r) {
                    b.put(REWARD).putDouble(r.q()).putDouble(r.cs()).putDouble(r.reward());
                } else if (e instanceof TaskEvent.Route r) {
                    int n = r.candidates();
                    b.put(ROUTE).putInt(n).putInt(r.chosen()).putDouble(r.propensity()).putDouble(r.reward())
                            .putDouble(r.observedQuality()).putDouble(r.observedCs());
                    double[] psi = r.candidatePsi();
                    if (compact[i]) {
                        b.put(COMPACT);
                        for (int a = 0; a < n; a++) b.putDouble(psi[a * d]).putDouble(psi[a * d + 1]);
                    } else {
                        b.put(FULL);
                        for (int j = 0; j < n * d; j++) b.putDouble(psi[j]);
                    }
                }
            }
        }
        if (b.hasRemaining()) throw new IllegalStateException("encoded size mismatch for user " + u.userId());
        return b.array();
    }

    /** Decodes everything, the task included. */
    public PreparedUser decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Header h = header(b);
        UserTask task = null;
        if (h.rejection() == null) {
            int dim = b.getInt();
            if (dim != d) throw new IllegalArgumentException("user " + h.userId() + ": encoded with basis dimension " + dim + ", codec has " + d);
            int skipped = b.getInt();
            int n = b.getInt();
            List<TaskEvent> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) events.add(event(b, h.userId()));
            task = new UserTask(h.userId(), dim, events, skipped);
        }
        return new PreparedUser(h.userId(), h.rejection(), h.weight(), h.originalEvents(), h.keptEvents(), h.minTsMillis(), h.maxTsMillis(), task);
    }

    /** Decodes the header only (not the task): for statistics. */
    public static Header decodeHeader(byte[] bytes) {
        return header(ByteBuffer.wrap(bytes));
    }

    /** The user id alone (cheapest). */
    public static String userId(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        checkFormat(b.get());
        int len = b.getInt();
        return new String(bytes, b.position(), len, StandardCharsets.UTF_8);
    }

    /** Whether the encoded user was admitted, without decoding more than the header. */
    public static boolean admitted(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        checkFormat(b.get());
        int len = b.getInt();
        return bytes[1 + 4 + len] == 0;
    }

    /**
     * A prepared user without its task: what statistics need.
     *
     * @param userId the user
     * @param rejection why the user is skipped, or null when admitted
     * @param weight the user's weight
     * @param originalEvents events before capping
     * @param keptEvents events after capping
     * @param minTsMillis earliest event time
     * @param maxTsMillis latest event time
     */
    public record Header(String userId, UserCap.Rejection rejection, double weight, int originalEvents, int keptEvents,
                         long minTsMillis, long maxTsMillis) {}

    private static Header header(ByteBuffer b) {
        checkFormat(b.get());
        byte[] id = new byte[b.getInt()];
        b.get(id);
        String userId = new String(id, StandardCharsets.UTF_8);
        int status = b.get();
        UserCap.Rejection rejection = status == 0 ? null : REJECTIONS[status - 1];
        return new Header(userId, rejection, b.getDouble(), b.getInt(), b.getInt(), b.getLong(), b.getLong());
    }

    private static void checkFormat(byte f) {
        if (f != FORMAT) throw new IllegalArgumentException("prepared user bytes have format " + f + ", this build reads " + FORMAT);
    }

    private TaskEvent event(ByteBuffer b, String userId) {
        byte tag = b.get();
        switch (tag) {
            case PAIR:
                return new TaskEvent.Pair(b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble());
            case REWARD:
                return new TaskEvent.Reward(b.getDouble(), b.getDouble(), b.getDouble());
            case ROUTE: {
                int n = b.getInt();
                int chosen = b.getInt();
                double propensity = b.getDouble();
                double reward = b.getDouble();
                double oq = b.getDouble();
                double ocs = b.getDouble();
                byte mode = b.get();
                double[] psi = new double[n * d];
                if (mode == COMPACT) {
                    for (int a = 0; a < n; a++) {
                        double q = b.getDouble();
                        double cs = b.getDouble();
                        basis.value(q, cs, psi, a * d);
                    }
                } else {
                    for (int j = 0; j < n * d; j++) psi[j] = b.getDouble();
                }
                return new TaskEvent.Route(psi, n, chosen, propensity, reward, oq, ocs);
            }
            default:
                throw new IllegalArgumentException("user " + userId + ": unknown task event tag " + tag);
        }
    }

    /** Whether every candidate's psi is exactly basis.value(q, cs) of its first two entries. */
    private boolean isCompact(TaskEvent.Route r) {
        double[] psi = r.candidatePsi();
        double[] again = new double[d];
        for (int a = 0; a < r.candidates(); a++) {
            basis.value(psi[a * d], psi[a * d + 1], again, 0);
            for (int j = 0; j < d; j++) {
                if (Double.doubleToRawLongBits(again[j]) != Double.doubleToRawLongBits(psi[a * d + j])) return false;
            }
        }
        return true;
    }
}
