package ai.metarouter.core.learn;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately minimal, test-only reader of the shared RouterBench slice (the product's reader
 * is the {@code import-routerbench} job; core must not parse CSV in main code). It keeps what the
 * predictor evaluation needs: per file, the first row of each {@code sample_id}, the prompt, each
 * model's score and {@code |total_cost}; empty scores are skipped. Ids present in a test file are
 * dropped from every train file, so no query is both trained and tested on.
 */
final class RouterBenchSlice {
    private RouterBenchSlice() {}

    record Loaded(OutcomeTable table, ModelCatalog catalog, int duplicateRows, int emptyCells, int droppedOverlap) {}

    static Loaded load(Path dir) throws IOException {
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
        List<String> models = null;
        Map<String, Row> test = new LinkedHashMap<>();
        Map<String, Row> train = new LinkedHashMap<>();
        int dups = 0;
        int empty = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            String split = name.endsWith("_test.csv") ? "test" : name.endsWith("_train.csv") ? "train" : null;
            if (split == null) continue;
            List<List<String>> rows = parse(Files.readString(f, StandardCharsets.UTF_8));
            List<String> header = rows.get(0);
            List<String> fileModels = new ArrayList<>();
            for (int c = 4; c < header.size() && !header.get(c).contains("|"); c++) fileModels.add(header.get(c));
            if (models == null) models = fileModels;
            else if (!models.equals(fileModels)) throw new IOException(f + ": a different model list");
            Map<String, Integer> costCol = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                if (header.get(c).endsWith("|total_cost")) costCol.put(header.get(c).substring(0, header.get(c).length() - 11), c);
            }
            Map<String, Row> target = split.equals("test") ? test : train;
            for (int r = 1; r < rows.size(); r++) {
                List<String> row = rows.get(r);
                if (row.size() < header.size()) continue;
                String id = row.get(1);
                if (target.containsKey(id)) {
                    dups++;
                    continue;
                }
                double[] q = new double[models.size()];
                double[] c = new double[models.size()];
                for (int m = 0; m < models.size(); m++) {
                    String sq = row.get(4 + m).trim();
                    String sc = row.get(costCol.get(models.get(m))).trim();
                    if (sq.isEmpty() || sc.isEmpty()) {
                        q[m] = Double.NaN;
                        empty++;
                    } else {
                        q[m] = Double.parseDouble(sq);
                        c[m] = Double.parseDouble(sc);
                    }
                }
                target.put(id, new Row(new QueryRecord(id, row.get(3), row.get(2), split), q, c));
            }
        }
        Set<String> testIds = new HashSet<>(test.keySet());
        int overlap = 0;
        for (String id : testIds) if (train.remove(id) != null) overlap++;
        OutcomeTable.Builder b = OutcomeTable.builder(models);
        for (Map<String, Row> part : List.of(train, test)) {
            for (Row row : part.values()) {
                b.addQuery(row.query());
                for (int m = 0; m < models.size(); m++) {
                    if (!Double.isNaN(row.quality()[m])) b.set(row.query().id(), models.get(m), row.quality()[m], row.cost()[m]);
                }
            }
        }
        OutcomeTable table = b.build();
        OutcomeTable trainTable = table.split("train");
        List<ModelInfo> infos = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            infos.add(new ModelInfo(models.get(m), null, null, trainTable.meanCost(m), trainTable.numQueries()));
        }
        return new Loaded(table, new ModelCatalog("routerbench", infos), dups, empty, overlap);
    }

    private record Row(QueryRecord query, double[] quality, double[] cost) {}

    /** RFC 4180: quoted fields may hold commas, doubled quotes and newlines. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(ch);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
