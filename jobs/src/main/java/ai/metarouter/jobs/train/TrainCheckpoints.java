package ai.metarouter.jobs.train;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.Tensor;
import ai.metarouter.core.artifact.TensorBundle;
import ai.metarouter.core.artifact.TensorBundleCodec;
import ai.metarouter.core.learn.AdamState;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.NamedTensor;
import ai.metarouter.jobs.io.HadoopFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints of one training run in a directory of any Hadoop FileSystem:
 * <pre>
 * &lt;dir&gt;/ckpt-00000010.mrt     state after iterations 0..9 (a TensorBundle: checksummed)
 * &lt;dir&gt;/_tmp-&lt;uuid&gt;           a checkpoint being written (renamed into place when complete)
 * </pre>
 * A checkpoint holds the meta-parameters, Adam's moments and step, the L-BFGS state, the
 * iteration log so far, and the run's fingerprint ({@link TrainSettings#fingerprint}). Writing is
 * write-then-rename, so a killed job leaves either the previous checkpoint or the new one, never a
 * half-written one; older checkpoints are deleted after a newer one is in place. {@link #latest}
 * returns the newest readable checkpoint with the expected fingerprint; checkpoints of other runs
 * (other settings or data) are never resumed from.
 */
public final class TrainCheckpoints {
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{8})\\.mrt");
    private static final String PARAMS = "checkpoint.params";
    private static final String ADAM_M = "checkpoint.adam.m";
    private static final String ADAM_V = "checkpoint.adam.v";
    private static final String KEY_FORMAT = "checkpoint.format";
    private static final String KEY_FINGERPRINT = "checkpoint.fingerprint";
    private static final String KEY_NEXT = "checkpoint.next_iteration";
    private static final String KEY_ADAM_STEP = "checkpoint.adam.step";
    private static final String KEY_DIMS = "checkpoint.dimensions";
    private static final String KEY_LOG = "checkpoint.log";
    private static final String KEY_LBFGS = "checkpoint.lbfgs_state";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Configuration conf;
    private final Path dir;
    private final String fingerprint;

    public TrainCheckpoints(Configuration conf, String dirUri, String fingerprint) {
        this.conf = conf;
        this.dir = HadoopFiles.qualify(conf, dirUri);
        this.fingerprint = fingerprint;
    }

    public Path directory() {
        return dir;
    }

    public String fingerprint() {
        return fingerprint;
    }

    /** Writes {@code state} as the newest checkpoint and removes older ones. */
    public void save(TrainState state) {
        FileSystem fs = HadoopFiles.fileSystem(conf, dir);
        Path target = new Path(dir, String.format("ckpt-%08d.mrt", state.nextIteration()));
        Path tmp = new Path(dir, "_tmp-" + UUID.randomUUID());
        try {
            fs.mkdirs(dir);
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(TensorBundleCodec.encode(encode(state)));
            }
            if (fs.exists(target)) fs.delete(target, false);
            if (!fs.rename(tmp, target)) throw new IOException("could not rename " + tmp + " to " + target);
            for (FileStatus f : fs.listStatus(dir)) {
                Matcher m = NAME.matcher(f.getPath().getName());
                if (m.matches() && Integer.parseInt(m.group(1)) < state.nextIteration()) fs.delete(f.getPath(), false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The newest checkpoint of this run (same fingerprint) that reads back intact, if any. Damaged
     * files and checkpoints of other runs are skipped.
     */
    public Optional<TrainState> latest() {
        FileSystem fs = HadoopFiles.fileSystem(conf, dir);
        List<Path> candidates = new ArrayList<>();
        try {
            for (FileStatus f : fs.listStatus(dir)) if (NAME.matcher(f.getPath().getName()).matches()) candidates.add(f.getPath());
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
        candidates.sort(Comparator.comparing(Path::getName).reversed());
        for (Path p : candidates) {
            byte[] bytes;
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                continue;
            }
            try {
                TensorBundle b = TensorBundleCodec.decode(bytes, p.toString());
                if (!fingerprint.equals(b.metadata(KEY_FINGERPRINT).orElse(""))) continue;
                return Optional.of(decode(b));
            } catch (ArtifactException | IllegalArgumentException e) {
                // a damaged checkpoint: try the previous one
            }
        }
        return Optional.empty();
    }

    /** Removes the directory (after the run published its artifact). */
    public void clear() {
        try {
            FileSystem fs = HadoopFiles.fileSystem(conf, dir);
            if (fs.exists(dir)) fs.delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove checkpoints " + dir + ": " + e.getMessage(), e);
        }
    }

    private TensorBundle encode(TrainState s) {
        AdamState adam = s.adam();
        MetaDimensions d = s.params().dims();
        TensorBundle.Builder b = TensorBundle.builder()
                .put(PARAMS, Tensor.vector(s.params().toArray()))
                .put(ADAM_M, Tensor.vector(adam.m()))
                .put(ADAM_V, Tensor.vector(adam.v()))
                .putMetadata(KEY_FORMAT, "1")
                .putMetadata(KEY_FINGERPRINT, fingerprint)
                .putMetadata(KEY_NEXT, Integer.toString(s.nextIteration()))
                .putMetadata(KEY_ADAM_STEP, Long.toString(adam.step()))
                .putMetadata(KEY_DIMS, d.basisDim() + "," + d.hidden() + "," + d.latent());
        List<Map<String, Object>> log = new ArrayList<>();
        for (IterationRecord r : s.log()) log.add(r.toMap());
        try {
            b.putMetadata(KEY_LOG, JSON.writeValueAsString(log));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the iteration log", e);
        }
        if (s.lbfgsState() != null) b.putMetadata(KEY_LBFGS, Base64.getEncoder().encodeToString(s.lbfgsState()));
        return b.build();
    }

    private static TrainState decode(TensorBundle b) {
        String[] dims = b.metadata(KEY_DIMS).orElseThrow(() -> new IllegalArgumentException("checkpoint without dimensions")).split(",");
        MetaDimensions d = new MetaDimensions(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
        MetaParameters params = MetaParameters.of(d, b.getVector(PARAMS));
        Map<String, NamedTensor> adamBlocks = new LinkedHashMap<>();
        long step = Long.parseLong(b.metadata(KEY_ADAM_STEP).orElse("0"));
        adamBlocks.put(AdamState.BLOCK_STEP, NamedTensor.of(AdamState.BLOCK_STEP, new int[] {1}, new double[] {step}));
        adamBlocks.put(AdamState.BLOCK_M, NamedTensor.of(AdamState.BLOCK_M, new int[] {params.size()}, b.getVector(ADAM_M, params.size())));
        adamBlocks.put(AdamState.BLOCK_V, NamedTensor.of(AdamState.BLOCK_V, new int[] {params.size()}, b.getVector(ADAM_V, params.size())));
        List<IterationRecord> log = new ArrayList<>();
        try {
            for (Map<String, Object> m : JSON.readValue(b.metadata(KEY_LOG).orElse("[]"), new TypeReference<List<Map<String, Object>>>() {})) {
                log.add(IterationRecord.fromMap(m));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint log is not JSON: " + e.getOriginalMessage(), e);
        }
        byte[] lbfgs = b.metadata(KEY_LBFGS).map(s -> Base64.getDecoder().decode(s)).orElse(null);
        return new TrainState(Integer.parseInt(b.metadata(KEY_NEXT).orElseThrow()), params, AdamState.fromBlocks(adamBlocks), lbfgs, log);
    }
}
