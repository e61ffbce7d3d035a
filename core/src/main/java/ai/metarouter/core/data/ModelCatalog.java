package ai.metarouter.core.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pool of routable models ({@code models.json}). Order is meaningful only for display; models
 * are looked up by id. Immutable.
 */
public final class ModelCatalog {
    /** The only {@code models.json} schema version this code reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String source;
    private final List<ModelInfo> models;
    private final Map<String, ModelInfo> byId;

    public ModelCatalog(String source, List<ModelInfo> models) {
        this.source = source == null ? "unknown" : source;
        this.models = List.copyOf(models);
        Map<String, ModelInfo> index = new LinkedHashMap<>();
        for (ModelInfo m : this.models) {
            if (index.put(m.id(), m) != null) throw new IllegalArgumentException("duplicate model id in catalog: " + m.id());
        }
        if (index.isEmpty()) throw new IllegalArgumentException("catalog has no models");
        this.byId = index;
    }

    public String source() {
        return source;
    }

    public List<ModelInfo> models() {
        return models;
    }

    public List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    public int size() {
        return models.size();
    }

    public Optional<ModelInfo> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public ModelInfo get(String id) {
        ModelInfo m = byId.get(id);
        if (m == null) throw new IllegalArgumentException("unknown model: " + id);
        return m;
    }

    public boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** The documented cost normalisation of this pool (see {@link CostScale#fromCatalog}). */
    public CostScale costScale() {
        return CostScale.fromCatalog(this);
    }

    // ---- models.json ----

    private record Json(
            @JsonProperty("schema_version") int schemaVersion,
            @JsonProperty("source") String source,
            @JsonProperty("models") List<ModelInfo> models) {
        @JsonCreator
        Json {}
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(new Json(SCHEMA_VERSION, source, models));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise catalog", e);
        }
    }

    /** Parses {@code models.json}; {@code origin} names the file in error messages. */
    public static ModelCatalog fromJson(String json, String origin) {
        Json parsed;
        try {
            parsed = JSON.readValue(json, Json.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": not a valid models.json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": cannot read models.json: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
        if (parsed.schemaVersion() != SCHEMA_VERSION) {
            throw new IllegalArgumentException(origin + ": unsupported models.json schema_version "
                    + parsed.schemaVersion() + " (this build reads " + SCHEMA_VERSION + ")");
        }
        if (parsed.models() == null) throw new IllegalArgumentException(origin + ": models.json has no 'models'");
        try {
            return new ModelCatalog(parsed.source(), parsed.models());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelCatalog c && c.source.equals(source) && c.models.equals(models);
    }

    @Override
    public int hashCode() {
        return models.hashCode();
    }

    @Override
    public String toString() {
        return "ModelCatalog[" + source + ", " + ids() + "]";
    }
}
