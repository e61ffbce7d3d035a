package ai.metarouter.jobs.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Inputs are written as Python's repr() prints them; expectations are what Python's literal_eval gives. */
class PythonListLiteralTest {
    private static List<String> parse(String text) {
        return PythonListLiteral.parse(text).orElseThrow(() -> new AssertionError("did not parse: " + text));
    }

    @Test
    void singleQuotedWithEscapes() {
        assertEquals(List.of("it's \"both\"\nnext line\\ end"), parse("['it\\'s \"both\"\\nnext line\\\\ end']"));
    }

    @Test
    void doubleQuotedWhenTheTextHasAnApostrophe() {
        assertEquals(List.of("it's"), parse("[\"it's\"]"));
    }

    @Test
    void severalElementsAndMixedQuotes() {
        assertEquals(List.of("a", "b's", ""), parse("[ 'a' , \"b's\", '' ]"));
        assertEquals(List.of("a"), parse("['a',]"));
        assertEquals(List.of(), parse("[]"));
    }

    @Test
    void numericEscapes() {
        assertEquals(List.of("\u00e9\u00e9\t\u0000\u263a\ud83d\ude00"), parse("['\\xe9\\u00e9\\t\\0\\u263a\\U0001f600']"));
        assertEquals(List.of("\\d kept"), parse("['\\d kept']"));
    }

    @Test
    void rejectsWhatIsNotOneListOfStrings() {
        for (String bad : List.of("['unterminated", "'not a list'", "['a'] trailing", "['a' 'b']", "[1, 2]",
                "['a'", "['\\x4']", "['bad \\x+1 hex']")) {
            assertEquals(Optional.empty(), PythonListLiteral.parse(bad), bad);
        }
    }

    @Test
    void keepsRealNewlinesOutOfLiterals() {
        assertTrue(PythonListLiteral.parse("['a\nb']").isEmpty(), "a raw newline cannot occur inside a repr'd string");
    }
}
