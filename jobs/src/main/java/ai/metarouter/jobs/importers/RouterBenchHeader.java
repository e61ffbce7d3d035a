package ai.metarouter.jobs.importers;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where things are in one RouterBench CSV, taken from its header. The model list is whatever the
 * header names: a column {@code <model>|total_cost} makes {@code <model>} a model, and the bare
 * column {@code <model>} is its score. {@code <model>|model_response}, {@code oracle_model_to_route_to}
 * and the unnamed pandas index column are not needed and ignored.
 *
 * @param file file name, for messages
 * @param width number of columns in the header
 * @param sampleId index of {@code sample_id}
 * @param prompt index of {@code prompt}
 * @param task index of {@code eval_name}
 * @param models model ids in score-column order
 * @param scoreColumns index of each model's score column
 * @param costColumns index of each model's {@code |total_cost} column
 */
public record RouterBenchHeader(String file, int width, int sampleId, int prompt, int task, List<String> models,
                                List<Integer> scoreColumns, List<Integer> costColumns) implements Serializable {
    static final String SAMPLE_ID = "sample_id";
    static final String PROMPT = "prompt";
    static final String TASK = "eval_name";
    static final String COST_SUFFIX = "|total_cost";
    static final String RESPONSE_SUFFIX = "|model_response";
    static final List<String> IGNORED = List.of("", "Unnamed: 0", "oracle_model_to_route_to");

    public RouterBenchHeader {
        models = List.copyOf(models);
        scoreColumns = List.copyOf(scoreColumns);
        costColumns = List.copyOf(costColumns);
    }

    /**
     * This header with its models reordered to {@code canonical} (the first file's order), so that
     * every file's rows list scores in the same order.
     *
     * @throws ImportException when this file's models are not the same set as the first file's
     */
    RouterBenchHeader inModelOrder(List<String> canonical, String fileUri, String firstFile) {
        if (!new java.util.HashSet<>(models).equals(new java.util.HashSet<>(canonical))) {
            List<String> missing = new ArrayList<>(canonical);
            missing.removeAll(models);
            List<String> extra = new ArrayList<>(models);
            extra.removeAll(canonical);
            throw new ImportException(fileUri + ": models differ from " + firstFile + " (missing columns " + missing
                    + ", extra columns " + extra + ")");
        }
        List<Integer> scores = new ArrayList<>();
        List<Integer> costs = new ArrayList<>();
        for (String model : canonical) {
            int i = models.indexOf(model);
            scores.add(scoreColumns.get(i));
            costs.add(costColumns.get(i));
        }
        return new RouterBenchHeader(file, width, sampleId, prompt, task, canonical, scores, costs);
    }

    /**
     * Reads a header record.
     *
     * @throws ImportException naming the file and the column when a required column is missing,
     *     a name repeats, or a score column and its cost column do not come in pairs
     */
    static RouterBenchHeader parse(String file, String[] header) {
        if (header == null || header.length == 0) throw new ImportException(file + ": empty file (no header row)");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            String name = header[i] == null ? "" : header[i];
            if (i == 0) name = name.replace("\uFEFF", ""); // a UTF-8 byte order mark is not part of the name
            if (index.put(name, i) != null && !name.isEmpty()) {
                throw new ImportException(file + ": column '" + name + "' appears twice in the header");
            }
        }
        for (String required : List.of(SAMPLE_ID, PROMPT, TASK)) {
            if (!index.containsKey(required)) {
                throw new ImportException(file + ": missing column '" + required + "' (is this a RouterBench CSV?)");
            }
        }
        List<String> models = new ArrayList<>();
        List<Integer> scores = new ArrayList<>();
        List<Integer> costs = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            String name = header[i] == null ? "" : header[i];
            if (i == 0) name = name.replace("\uFEFF", "");
            if (IGNORED.contains(name) || name.equals(SAMPLE_ID) || name.equals(PROMPT) || name.equals(TASK)
                    || name.endsWith(RESPONSE_SUFFIX) || name.endsWith(COST_SUFFIX)) {
                continue;
            }
            Integer cost = index.get(name + COST_SUFFIX);
            if (cost == null) {
                throw new ImportException(file + ": column '" + name + "' has no '" + name + COST_SUFFIX
                        + "' column (unknown column, or a model without costs)");
            }
            models.add(name);
            scores.add(i);
            costs.add(cost);
        }
        for (String name : index.keySet()) {
            if (name.endsWith(COST_SUFFIX)) {
                String model = name.substring(0, name.length() - COST_SUFFIX.length());
                if (!models.contains(model)) {
                    throw new ImportException(file + ": column '" + name + "' has no score column '" + model + "'");
                }
            }
        }
        if (models.isEmpty()) throw new ImportException(file + ": no model columns ('<model>' with '<model>|total_cost')");
        return new RouterBenchHeader(file, header.length, index.get(SAMPLE_ID), index.get(PROMPT), index.get(TASK),
                models, scores, costs);
    }
}
