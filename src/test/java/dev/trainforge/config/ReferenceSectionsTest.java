package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ReferenceKeys.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every key of reference.conf belongs to exactly one section, so that the sections' full-mapping
 * tests together cover every key: a key added to reference.conf fails the test of its section until
 * that test sets it.
 */
class ReferenceSectionsTest {
  @Test
  void theSectionsPartitionTheKeysOfReferenceConf() {
    List<String> covered = new ArrayList<>();
    for (Section section : Section.values()) {
      covered.addAll(section.absoluteKeys());
    }
    assertThat(new TreeSet<>(covered)).isEqualTo(ReferenceKeys.all());
    assertThat(covered).doesNotHaveDuplicates();
  }

  @Test
  void aBlockOfFreeFormNamesIsOneKey() {
    Set<String> settings = Section.SETTINGS.keys();
    assertThat(settings).contains("spark.conf", "catalog.properties");
    assertThat(settings).noneMatch(k -> k.startsWith("catalog.properties."));
    assertThat(Section.SOURCES.keys()).contains("keys", "rename", "aggregations");
    assertThat(Section.VALIDATION.keys())
        .contains("expected-schema", "columns", "checks.leakage.severity", "checks.psi.warn");
  }
}
