package dev.trainforge.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each object block of a HOCON text starts, by its full path. HOCON merges an object written
 * twice ({@code a { x = 1 }} and later {@code a { y = 2 }}, or {@code a.x = 1} inside a second
 * {@code a { }}) into one without a word, and Typesafe Config's parsed origins keep only the merged
 * line range, so the second block of a feature source cannot be found from the parsed config. This
 * is a light scan of the text instead: comments, quoted and triple-quoted strings, substitutions,
 * path expressions ({@code dataset.features.a { }}) and arrays are understood; {@code include}
 * lines and values are skipped. It never fails: text it cannot follow yields fewer blocks, and the
 * parser proper reports syntax errors.
 */
final class HoconBlocks {
  /** On the stack of open containers: an array (objects push their path). */
  private static final String ARRAY = "\u0000array";

  private final String text;
  private int pos;
  private int line = 1;

  private HoconBlocks(String text) {
    this.text = text;
  }

  /** Each path that an object block is written to, with the line of every such block. */
  static Map<String, List<Integer>> of(String text) {
    HoconBlocks scan = new HoconBlocks(text);
    Map<String, List<Integer>> blocks = new LinkedHashMap<>();
    try {
      scan.root(blocks);
    } catch (RuntimeException e) {
      // Malformed text: keep what was found; the parser reports the syntax error itself.
    }
    return blocks;
  }

  /** Paths that have two or more blocks, each with the lines of its blocks. */
  static Map<String, List<Integer>> duplicates(String text) {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    of(text)
        .forEach(
            (path, lines) -> {
              if (lines.size() > 1) {
                out.put(path, lines);
              }
            });
    return out;
  }

  private void root(Map<String, List<Integer>> blocks) {
    skipSpace(true);
    if (peek() == '{') {
      pos++;
    }
    // A stack of open containers: an object's path, or ARRAY.
    Deque<String> open = new ArrayDeque<>();
    open.push("");
    while (pos < text.length()) {
      skipSpace(true);
      if (pos >= text.length()) {
        return;
      }
      char c = peek();
      if (c == ',') {
        pos++;
        continue;
      }
      if (c == '}' || c == ']') {
        pos++;
        if (open.size() > 1) {
          open.pop();
        }
        continue;
      }
      String prefix = open.peek();
      if (prefix.equals(ARRAY)) {
        // Inside an array: elements are objects, arrays or plain values.
        if (c == '{' || c == '[') {
          pos++;
          open.push(ARRAY);
        } else {
          skipValue();
        }
        continue;
      }
      int keyLine = line;
      List<String> key = key();
      if (key.isEmpty()) {
        pos++; // not a key: step over it
        continue;
      }
      if (key.size() == 1 && key.get(0).equals("include") && !atSeparator()) {
        skipValue();
        continue;
      }
      skipSpace(false);
      if (text.startsWith("+=", pos)) {
        pos += 2;
      } else if (peek() == '=' || peek() == ':') {
        pos++;
      }
      skipSpace(false);
      String path = prefix;
      for (String k : key) {
        path = path.isEmpty() ? k : path + "." + k;
      }
      if (peek() == '{') {
        pos++;
        blocks.computeIfAbsent(path, p -> new ArrayList<>()).add(keyLine);
        open.push(path);
      } else if (peek() == '[') {
        pos++;
        open.push(ARRAY);
      } else {
        skipValue();
      }
    }
  }

  private boolean atSeparator() {
    int save = pos;
    int saveLine = line;
    skipSpace(false);
    boolean sep = peek() == '=' || peek() == ':' || peek() == '{';
    pos = save;
    line = saveLine;
    return sep;
  }

  /** A path expression: unquoted parts split at dots, quoted parts whole. */
  private List<String> key() {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean any = false;
    while (pos < text.length()) {
      char c = peek();
      if (c == '"') {
        current.append(quoted());
        any = true;
      } else if (c == '.') {
        parts.add(current.toString());
        current.setLength(0);
        pos++;
      } else if (c == ' ' || c == '\t') {
        // Whitespace inside a key is allowed before more key text, not before a separator.
        int save = pos;
        skipSpace(false);
        if (!isKeyChar(peek()) || (parts.isEmpty() && current.toString().equals("include"))) {
          break;
        }
        current.append(text, save, pos);
      } else if (isKeyChar(c) && !text.startsWith("//", pos)) {
        current.append(c);
        pos++;
        any = true;
      } else {
        break;
      }
    }
    if (!any) {
      return List.of();
    }
    parts.add(current.toString());
    return parts;
  }

  private static boolean isKeyChar(char c) {
    return !Character.isWhitespace(c) && "$\"{}[]:=,+#`^?!@*&\\".indexOf(c) < 0;
  }

  /** Skips a plain value up to the end of its line, a comma or a closing bracket. */
  private void skipValue() {
    int depth = 0;
    while (pos < text.length()) {
      char c = peek();
      if (c == '"') {
        quoted();
      } else if (c == '$' && text.startsWith("${", pos)) {
        int end = text.indexOf('}', pos);
        pos = end < 0 ? text.length() : end + 1;
      } else if (c == '#' || text.startsWith("//", pos)) {
        skipComment();
      } else if (c == '{' || c == '[') {
        depth++;
        pos++;
      } else if ((c == '}' || c == ']') && depth > 0) {
        depth--;
        pos++;
      } else if (depth == 0 && (c == '\n' || c == ',' || c == '}' || c == ']')) {
        return;
      } else {
        if (c == '\n') {
          line++;
        }
        pos++;
      }
    }
  }

  /** A quoted or triple-quoted string, its content. */
  private String quoted() {
    if (text.startsWith("\"\"\"", pos)) {
      int end = text.indexOf("\"\"\"", pos + 3);
      end = end < 0 ? text.length() : end + 3;
      while (end < text.length() && text.charAt(end) == '"') {
        end++;
      }
      String s = text.substring(pos + 3, Math.max(pos + 3, end - 3));
      count(pos, end);
      pos = end;
      return s;
    }
    StringBuilder sb = new StringBuilder();
    pos++;
    while (pos < text.length() && text.charAt(pos) != '"' && text.charAt(pos) != '\n') {
      char c = text.charAt(pos);
      if (c == '\\' && pos + 1 < text.length()) {
        sb.append(text.charAt(pos + 1));
        pos += 2;
      } else {
        sb.append(c);
        pos++;
      }
    }
    if (pos < text.length() && text.charAt(pos) == '"') {
      pos++;
    }
    return sb.toString();
  }

  private void count(int from, int to) {
    for (int i = from; i < to && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
  }

  private void skipSpace(boolean newlines) {
    while (pos < text.length()) {
      char c = peek();
      if (c == '\n') {
        if (!newlines) {
          return;
        }
        line++;
        pos++;
      } else if (Character.isWhitespace(c) || c == '\uFEFF') {
        pos++;
      } else if (c == '#' || text.startsWith("//", pos)) {
        skipComment();
      } else {
        return;
      }
    }
  }

  private void skipComment() {
    while (pos < text.length() && text.charAt(pos) != '\n') {
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }
}
