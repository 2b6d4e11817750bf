package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The config hashes of the sample datasets, recorded: a version's hash names its row definition, so
 * a refactoring of the loader, the canonical JSON or the digest must not change one (a changed hash
 * makes every published version look built from another definition).
 */
class ConfigHashGoldenTest {
  private static String hash(String file, String... overrides) {
    return ConfigLoader.load(Path.of("conf/datasets", file), List.of(overrides)).configHash();
  }

  @Test
  void theSampleDatasetsKeepTheirRecordedHashes() {
    assertThat(hash("card_fraud.conf"))
        .isEqualTo("6a8c286c09e2fb662f62cc0638af4465cc8e6f0d35890d8ea573c60a91957ba6");
    assertThat(
            hash(
                "card_fraud_daily.conf",
                "dataset.labels.window.start=2026-01-05T00:00:00Z",
                "dataset.labels.window.end=2026-01-06T00:00:00Z"))
        .isEqualTo("322c6808827f8aad73a4ead79c184369fb11a0be9c5f2194dbd2e2fffaeca8ef");
    assertThat(hash("card_fraud_windows.conf"))
        .isEqualTo("324385c9f84c5a1a9ee4854cae00c49e2b674a680e9e8978b4163f9694efd13e");
  }

  @Test
  void everyOptionalBlockKeepsItsRecordedHash() {
    assertThat(
            hash("card_fraud.conf", RecordedConfigTest.EVERY_OPTIONAL_BLOCK.toArray(String[]::new)))
        .isEqualTo("d0a872197a9c25da83e6faa5475a36fd272350457923e1fade2b5d59f05b507d");
  }

  @Test
  void theCanonicalDefinitionOfTheSampleIsRecordedByteForByte() {
    BuildConfig config = ConfigLoader.load(Path.of("conf/datasets/card_fraud.conf"), List.of());
    assertThat(CanonicalJson.definition(config.dataset()))
        .isEqualTo(
            "{\"features\":{\"merchant_risk\":{\"allow-partition-gaps\":false,\"available-delay-seconds\":\"0\",\"available-time-column\":null,\"columns\":[\"risk_score\",\"chargeback_rate_90d\"],\"event-time-column\":\"event_time\",\"exact-matches\":\"allowed\",\"format\":\"delta\",\"keys\":{\"merchant_id\":\"merchant_id\"},\"location\":\"sample-data/merchant_risk\",\"max-age-seconds\":\"1209600\",\"partition-column\":\"event_date\",\"rename\":{},\"serving-lag-seconds\":\"3600\",\"tie-break-column\":\"seq\",\"time-format\":null,\"time-zone\":\"UTC\"},\"user_auth\":{\"allow-partition-gaps\":false,\"available-delay-seconds\":\"300\",\"available-time-column\":null,\"columns\":[\"failed_logins_1h\",\"new_device\"],\"event-time-column\":\"event_time\",\"exact-matches\":\"excluded\",\"format\":\"parquet\",\"keys\":{\"user_id\":\"user_id\"},\"location\":\"sample-data/user_auth_events\",\"max-age-seconds\":\"86400\",\"partition-column\":\"event_date\",\"rename\":{\"failed_logins_1h\":\"recent_failed_logins\"},\"serving-lag-seconds\":\"0\",\"tie-break-column\":null,\"time-format\":null,\"time-zone\":\"UTC\"},\"user_profile\":{\"allow-partition-gaps\":false,\"available-delay-seconds\":\"0\",\"available-time-column\":\"computed_at\",\"columns\":[\"txn_count_7d\",\"avg_amount_30d\",\"account_age_days\"],\"event-time-column\":\"event_time\",\"exact-matches\":\"allowed\",\"format\":\"parquet\",\"keys\":{\"user_id\":\"user_id\"},\"location\":\"sample-data/user_features\",\"max-age-seconds\":\"259200\",\"partition-column\":\"event_date\",\"rename\":{},\"serving-lag-seconds\":\"0\",\"tie-break-column\":null,\"time-format\":null,\"time-zone\":\"UTC\"}},\"labels\":{\"format\":\"parquet\",\"id-column\":\"transaction_id\",\"key-columns\":[\"user_id\",\"merchant_id\"],\"label-columns\":[\"is_fraud\",\"amount\"],\"location\":\"sample-data/transactions\",\"null-rows\":\"keep\",\"time-column\":\"txn_time\",\"time-format\":null,\"time-zone\":\"UTC\",\"window-end\":null,\"window-start\":null}}");
  }
}
