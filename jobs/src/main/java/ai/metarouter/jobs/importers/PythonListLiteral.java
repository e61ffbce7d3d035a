package ai.metarouter.jobs.importers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses a Python list-of-strings literal as {@code repr(list)} prints it, which is how RouterBench
 * stores prompts: {@code ['first', "it's"]}. Python quotes each element with {@code '} unless the
 * text contains {@code '} and no {@code "}, and escapes backslashes, the quote in use and control
 * characters; both quote styles and all of Python's string escapes are understood here.
 */
final class PythonListLiteral {
    private final String text;
    private int pos;

    private PythonListLiteral(String text) {
        this.text = text;
    }

    /** The strings of the list, or empty when {@code text} is not exactly one list of string literals. */
    static Optional<List<String>> parse(String text) {
        try {
            return Optional.of(new PythonListLiteral(text).list());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private List<String> list() {
        List<String> items = new ArrayList<>();
        skipSpace();
        expect('[');
        skipSpace();
        if (peek() == ']') {
            pos++;
        } else {
            while (true) {
                items.add(stringLiteral());
                skipSpace();
                char c = next();
                if (c == ']') break;
                if (c != ',') throw new IllegalArgumentException("expected , or ] at " + (pos - 1));
                skipSpace();
                if (peek() == ']') { // Python allows a trailing comma
                    pos++;
                    break;
                }
            }
        }
        skipSpace();
        if (pos != text.length()) throw new IllegalArgumentException("text after the list at " + pos);
        return items;
    }

    private String stringLiteral() {
        char quote = next();
        if (quote != '\'' && quote != '"') throw new IllegalArgumentException("expected a quote at " + (pos - 1));
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == quote) return out.toString();
            if (c == '\n') throw new IllegalArgumentException("unescaped newline in a string literal");
            if (c != '\\') {
                out.append(c);
                continue;
            }
            escape(out);
        }
    }

    private void escape(StringBuilder out) {
        char e = next();
        switch (e) {
            case '\n' -> { } // line continuation
            case '\\', '\'', '"' -> out.append(e);
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'v' -> out.append('\u000B');
            case 'x' -> out.appendCodePoint(hex(2));
            case 'u' -> out.appendCodePoint(hex(4));
            case 'U' -> out.appendCodePoint(hex(8));
            case '0', '1', '2', '3', '4', '5', '6', '7' -> out.appendCodePoint(octal(e));
            default -> out.append('\\').append(e); // Python keeps unknown escapes as written
        }
    }

    private int hex(int digits) {
        if (pos + digits > text.length()) throw new IllegalArgumentException("truncated \\x/\\u escape");
        int cp = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(text.charAt(pos++), 16);
            if (d < 0) throw new IllegalArgumentException("bad hex digit in escape");
            cp = cp * 16 + d;
        }
        if (!Character.isValidCodePoint(cp)) throw new IllegalArgumentException("invalid code point");
        return cp;
    }

    private int octal(char first) {
        int value = first - '0';
        for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
            value = value * 8 + (text.charAt(pos++) - '0');
        }
        return value;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private char peek() {
        if (pos >= text.length()) throw new IllegalArgumentException("unexpected end");
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) throw new IllegalArgumentException("expected " + c + " at " + (pos - 1));
    }
}
