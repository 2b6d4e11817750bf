package dev.trainforge.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  @Test
  void equalTreesRenderAlikeWhateverTheirKeyOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("b", 1);
    a.put("a", List.of(true, "x"));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("a", List.of(true, "x"));
    b.put("b", 1);
    assertThat(CanonicalJson.write(a))
        .isEqualTo(CanonicalJson.write(b))
        .isEqualTo("{\"a\":[true,\"x\"],\"b\":1}");
  }

  @Test
  void optionalsNullsAndControlCharactersRenderAsJson() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("empty", Optional.empty());
    tree.put("present", Optional.of(2.5));
    tree.put("null", null);
    tree.put("text", "a\"b\\c\nd\te\u0001");
    assertThat(CanonicalJson.write(tree))
        .isEqualTo(
            "{\"empty\":null,\"null\":null,\"present\":2.5,\"text\":\"a\\\"b\\\\c\\nd\\te\\u0001\"}");
  }

  @Test
  void sha256IsTheHexDigestOfTheUtf8Bytes() {
    assertThat(Sha256.hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
