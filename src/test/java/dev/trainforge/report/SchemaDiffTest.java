package dev.trainforge.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.report.Profile.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one schema comparison of the gate and of diff. */
class SchemaDiffTest {
  @Test
  void addedRetypedThenRemoved() {
    List<Field> from =
        List.of(
            new Field("id", "string", false),
            new Field("old", "int", true),
            new Field("v", "int", true));
    List<Field> to =
        List.of(
            new Field("id", "string", true),
            new Field("v", "bigint", true),
            new Field("split", "string", true));
    List<SchemaDiff.Change> changes = SchemaDiff.of(from, to);
    assertThat(changes)
        .containsExactly(
            new SchemaDiff.Change("~", "v", "int", "bigint"),
            new SchemaDiff.Change("+", "split", null, "string"),
            new SchemaDiff.Change("-", "old", "int", null));
    assertThat(SchemaDiff.render(changes))
        .isEqualTo("~ v int -> bigint, + split string, - old int");
    // Nullability alone is no change.
    assertThat(SchemaDiff.render(SchemaDiff.of(from, from))).isEqualTo("no change");
  }
}
