package ai.metarouter.core.featurize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Python reader's copy of the JVM's character tables ({@link JavaCharacterTables}) is what
 * this JVM's {@link HashedNgramFeaturizer} uses, and the compact encoding loses nothing.
 */
class JavaCharacterTablesTest {
    private static Path repoRoot() {
        return Path.of(System.getProperty("metarouter.repo.root", "..")).toAbsolutePath().normalize();
    }

    @Test
    void theCommittedTablesAreThisJvms() throws IOException {
        Path file = repoRoot().resolve(JavaCharacterTables.PYTHON_TABLE);
        assertTrue(Files.isRegularFile(file), file + " exists");
        JsonNode committed = new ObjectMapper().readTree(file.toFile());
        JsonNode now = JavaCharacterTables.tables();
        String why = "this JVM's Character.isLetterOrDigit/toLowerCase differ from " + JavaCharacterTables.PYTHON_TABLE
                + " (generated on Java " + committed.path("java_specification_version").asText() + ", running "
                + System.getProperty("java.specification.version") + "): the featuriser now tokenises some text differently, "
                + "so trained artifacts see other features; if that is accepted, run scripts/regenerate-goldens";
        assertEquals(committed.get("letter_or_digit"), now.get("letter_or_digit"), why);
        assertEquals(committed.get("lowercase"), now.get("lowercase"), why);
    }

    @Test
    void theEncodedTablesReproduceCharacterForEveryCodePoint() {
        JsonNode t = JavaCharacterTables.tables();
        boolean[] word = new boolean[Character.MAX_CODE_POINT + 1];
        for (JsonNode r : t.get("letter_or_digit")) {
            for (int cp = r.get(0).asInt(); cp <= r.get(1).asInt(); cp++) word[cp] = true;
        }
        int[] lower = new int[Character.MAX_CODE_POINT + 1];
        for (int cp = 0; cp < lower.length; cp++) lower[cp] = cp;
        for (JsonNode run : t.get("lowercase")) {
            int step = run.get(2).asInt();
            assertTrue(step >= 1, "run step >= 1: " + run);
            for (int cp = run.get(0).asInt(); cp <= run.get(1).asInt(); cp += step) lower[cp] = cp + run.get(3).asInt();
        }
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            assertEquals(Character.isLetterOrDigit(cp), word[cp], "isLetterOrDigit of U+" + Integer.toHexString(cp));
            if (word[cp]) assertEquals(Character.toLowerCase(cp), lower[cp], "toLowerCase of U+" + Integer.toHexString(cp));
        }
    }
}
