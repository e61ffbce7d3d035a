package ai.metarouter.jobs.train;

import breeze.linalg.DenseVector;
import breeze.optimize.CachedDiffFunction;
import breeze.optimize.DiffFunction;
import scala.reflect.ClassTag$;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.invoke.MethodHandles;
import org.apache.xbean.asm9.ClassWriter;
import org.apache.xbean.asm9.MethodVisitor;
import org.apache.xbean.asm9.Opcodes;
import org.apache.xbean.asm9.Type;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * The one place that touches Breeze: L-BFGS ({@link LBFGS}) over a function given as plain Java
 * (double arrays in, value and gradient out), with a listener per iteration and resumable state.
 * Everything Scala (DenseVector, Tuple2, the iterator of optimiser states) stays in this class.
 *
 * <p>Resuming: every iteration's Breeze state (position, gradient, the m correction pairs of the
 * inverse-Hessian approximation, the convergence history) is handed to the listener as Java
 * serialisation bytes; passing them back as {@code resumeFrom} continues with exactly the
 * iterations an uninterrupted run would have taken, because L-BFGS is deterministic given its
 * state and a deterministic function.
 */
public final class BreezeLbfgs {
    private BreezeLbfgs() {}

    /** The function to minimise. */
    @FunctionalInterface
    public interface Objective {
        Evaluation evaluate(double[] x);
    }

    /** f(x) and its gradient. */
    public record Evaluation(double value, double[] gradient) {}

    /**
     * One completed L-BFGS iteration.
     *
     * @param iteration 1-based iteration number (0 is the starting point, not reported)
     * @param x the position after the iteration
     * @param value f(x)
     * @param gradientNorm |grad f(x)|
     * @param evaluations function evaluations of this iteration (line search included)
     * @param state the optimiser state to resume from (Java serialisation bytes)
     */
    public record Iteration(int iteration, double[] x, double value, double gradientNorm, int evaluations, byte[] state) {}

    /** Called after every iteration, in order. */
    @FunctionalInterface
    public interface Listener {
        void onIteration(Iteration it);
    }

    /**
     * The result.
     *
     * @param x the last position
     * @param value f(x)
     * @param iterations iterations completed (including resumed ones)
     * @param converged why Breeze stopped ("max iterations", "function values converged", ...)
     */
    public record Result(double[] x, double value, int iterations, String converged) {}

    /**
     * Minimises {@code f} from {@code x0} (or from {@code resumeFrom}, a state handed out by an
     * earlier run's listener, in which case {@code x0} is ignored) for at most
     * {@code maxIterations} iterations in all.
     */
    public static Result minimize(Objective f, double[] x0, int maxIterations, int memory, double tolerance, byte[] resumeFrom,
                                  Listener listener) {
        LBFGS<DenseVector<Object>> lbfgs = new LBFGS<>(maxIterations, memory, tolerance, DenseVector.space_Double());
        int[] evaluations = {0};
        // Wrapped in Breeze's cache, as Spark MLlib does: the line search's accepted point is not
        // evaluated (one distributed pass) a second time.
        // Wrapped in Breeze's cache, as Spark MLlib does: the line search's accepted point is not
        // evaluated (one distributed pass) a second time.
        DiffFunction<DenseVector<Object>> df = new CachedDiffFunction<>(diffFunction(x -> {
            evaluations[0]++;
            @SuppressWarnings("unchecked")
            Evaluation e = f.evaluate(toArray((DenseVector<Object>) x));
            return new Tuple2<>(e.value(), vector(e.gradient()));
        }), DenseVector.canCopyDenseVector(ClassTag$.MODULE$.Double()));
        FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> last = resumeFrom == null
                ? lbfgs.initialState(lbfgs.adjustFunction(df), vector(x0))
                : readState(resumeFrom);
        // Breeze's iterations() = infiniteIterations() cut where the convergence check fires; done
        // here by hand so that a resumed state continues exactly like an uninterrupted run.
        if (converged(lbfgs, last)) return result(last);
        Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>> states = lbfgs.infiniteIterations(df, last);
        states.next(); // the given state itself
        evaluations[0] = 0;
        while (states.hasNext()) {
            FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> s = states.next();
            last = s;
            boolean done = converged(lbfgs, s);
            if (listener != null) {
                listener.onIteration(new Iteration(s.iter(), toArray(s.x()), s.value(), norm(toArray(s.grad())), evaluations[0], writeState(s)));
            }
            evaluations[0] = 0;
            if (done) break;
        }
        return result(last);
    }

    /** Applies the convergence check and records its reason in the state, as Breeze's iterations() does. */
    private static boolean converged(LBFGS<DenseVector<Object>> lbfgs, FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> s) {
        scala.Option<FirstOrderMinimizer.ConvergenceReason> reason = lbfgs.convergenceCheck().apply(s, s.convergenceInfo());
        if (reason.isDefined()) s.convergenceReason_$eq(reason);
        return reason.isDefined();
    }

    private static Result result(FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> s) {
        String reason = s.convergenceReason().isDefined() ? s.convergenceReason().get().reason() : "iterations exhausted";
        return new Result(toArray(s.x()), s.value(), s.iter(), reason);
    }

    /** What the generated {@link DiffFunction} delegates {@code calculate} to. */
    public interface Calculation {
        Tuple2<Object, Object> calculate(Object x);
    }

    /**
     * A Breeze {@link DiffFunction} whose {@code calculate} is Java code. Java source cannot
     * implement DiffFunction: Scala's {@code StochasticDiffFunction} declares {@code double apply(T)}
     * and {@code Function1} declares {@code Object apply(T)}, which javac rejects as a clash (the
     * JVM allows both; scalac emits a bridge). So the class is generated once with ASM (the copy
     * Spark itself uses, xbean-asm9-shaded) and holds exactly the methods scalac would write:
     * <pre>
     * final class BreezeDiffFunction implements breeze.optimize.DiffFunction {
     *   final Calculation body;
     *   Tuple2 calculate(Object x) { return body.calculate(x); }
     *   Object apply(Object x)     { return calculate(x)._1(); }   // Function1's bridge
     *   Object repr()              { return this; }               // NumericOps' abstract repr
     * }</pre>
     * Every other method of the trait hierarchy is an interface default method.
     */
    static DiffFunction<DenseVector<Object>> diffFunction(Calculation body) {
        try {
            @SuppressWarnings("unchecked")
            DiffFunction<DenseVector<Object>> f = (DiffFunction<DenseVector<Object>>) GeneratedDiffFunction.CONSTRUCTOR.newInstance(body);
            return f;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the generated Breeze DiffFunction", e);
        }
    }

    /** Holder of the generated class (defined on first use, once per class loader). */
    private static final class GeneratedDiffFunction {
        static final java.lang.reflect.Constructor<?> CONSTRUCTOR = define();

        private static java.lang.reflect.Constructor<?> define() {
            String self = Type.getInternalName(BreezeLbfgs.class) + "$BreezeDiffFunction";
            String body = Type.getInternalName(Calculation.class);
            String tuple = "scala/Tuple2";
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
            cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, "java/lang/Object",
                    new String[] {"breeze/optimize/DiffFunction"});
            cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "body", "L" + body + ";", null, null).visitEnd();

            MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(L" + body + ";)V", null, null);
            init.visitCode();
            init.visitVarInsn(Opcodes.ALOAD, 0);
            init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            init.visitVarInsn(Opcodes.ALOAD, 0);
            init.visitVarInsn(Opcodes.ALOAD, 1);
            init.visitFieldInsn(Opcodes.PUTFIELD, self, "body", "L" + body + ";");
            init.visitInsn(Opcodes.RETURN);
            init.visitMaxs(0, 0);
            init.visitEnd();

            MethodVisitor calc = cw.visitMethod(Opcodes.ACC_PUBLIC, "calculate", "(Ljava/lang/Object;)L" + tuple + ";", null, null);
            calc.visitCode();
            calc.visitVarInsn(Opcodes.ALOAD, 0);
            calc.visitFieldInsn(Opcodes.GETFIELD, self, "body", "L" + body + ";");
            calc.visitVarInsn(Opcodes.ALOAD, 1);
            calc.visitMethodInsn(Opcodes.INVOKEINTERFACE, body, "calculate", "(Ljava/lang/Object;)L" + tuple + ";", true);
            calc.visitInsn(Opcodes.ARETURN);
            calc.visitMaxs(0, 0);
            calc.visitEnd();

            MethodVisitor apply = cw.visitMethod(Opcodes.ACC_PUBLIC, "apply", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
            apply.visitCode();
            apply.visitVarInsn(Opcodes.ALOAD, 0);
            apply.visitVarInsn(Opcodes.ALOAD, 1);
            apply.visitMethodInsn(Opcodes.INVOKEVIRTUAL, self, "calculate", "(Ljava/lang/Object;)L" + tuple + ";", false);
            apply.visitMethodInsn(Opcodes.INVOKEVIRTUAL, tuple, "_1", "()Ljava/lang/Object;", false);
            apply.visitInsn(Opcodes.ARETURN);
            apply.visitMaxs(0, 0);
            apply.visitEnd();

            MethodVisitor repr = cw.visitMethod(Opcodes.ACC_PUBLIC, "repr", "()Ljava/lang/Object;", null, null);
            repr.visitCode();
            repr.visitVarInsn(Opcodes.ALOAD, 0);
            repr.visitInsn(Opcodes.ARETURN);
            repr.visitMaxs(0, 0);
            repr.visitEnd();
            cw.visitEnd();
            try {
                Class<?> c = MethodHandles.lookup().defineClass(cw.toByteArray());
                return c.getConstructor(Calculation.class);
            } catch (IllegalAccessException | NoSuchMethodException e) {
                throw new IllegalStateException("cannot define the Breeze DiffFunction adapter", e);
            }
        }
    }

    static DenseVector<Object> vector(double[] values) {
        return new breeze.linalg.DenseVector$mcD$sp(values.clone());
    }

    static double[] toArray(DenseVector<Object> v) {
        double[] data = (double[]) v.data();
        int n = v.length();
        int off = v.offset();
        int stride = v.stride();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = data[off + i * stride];
        return out;
    }

    private static double norm(double[] g) {
        double s = 0;
        for (double x : g) s += x * x;
        return Math.sqrt(s);
    }

    /**
     * The state as bytes: Java serialisation of the state with its history detached (the
     * inverse-Hessian approximation holds Breeze's vector space, which is not serialisable) and
     * of the history's correction pairs, from which {@link #readState} rebuilds it.
     */
    private static byte[] writeState(FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> s) {
        LBFGS.ApproximateInverseHessian<?> h = (LBFGS.ApproximateInverseHessian<?>) s.history();
        Object detached = s.copy(s.x(), s.value(), s.grad(), s.adjustedValue(), s.adjustedGradient(), s.iter(), s.initialAdjVal(),
                null, s.convergenceInfo(), s.searchFailed(), s.convergenceReason());
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(detached);
            out.writeInt(h.m());
            out.writeObject(h.memStep());
            out.writeObject(h.memGradDelta());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the L-BFGS state: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> readState(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> s =
                    (FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>) in.readObject();
            int m = in.readInt();
            scala.collection.IndexedSeq<DenseVector<Object>> memStep = (scala.collection.IndexedSeq<DenseVector<Object>>) in.readObject();
            scala.collection.IndexedSeq<DenseVector<Object>> memGradDelta = (scala.collection.IndexedSeq<DenseVector<Object>>) in.readObject();
            Object history = new LBFGS.ApproximateInverseHessian<>(m, memStep, memGradDelta, DenseVector.space_Double());
            return s.copy(s.x(), s.value(), s.grad(), s.adjustedValue(), s.adjustedGradient(), s.iter(), s.initialAdjVal(), history,
                    s.convergenceInfo(), s.searchFailed(), s.convergenceReason());
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("not a resumable L-BFGS state: " + e.getMessage(), e);
        }
    }
}
