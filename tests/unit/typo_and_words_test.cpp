#include <doctest/doctest.h>

#include "domain/combo_words.hpp"
#include "domain/confusable_skeleton.hpp"
#include "domain/typo_technique.hpp"

using namespace impostor::domain;

TEST_CASE("typo techniques are named, and scaled to the reference's length") {
  CHECK(typo_technique("zooom", "zoom") == TypoTechnique::repetition);
  CHECK(typo_technique("zomo", "zoom") == TypoTechnique::transposition);
  CHECK(typo_technique("xoom", "zoom") == TypoTechnique::keyboard_adjacent);
  CHECK(typo_technique("zo-om", "zoom") == TypoTechnique::hyphen_insertion);
  // Short words: ordinary single edits are other words, not typos.
  CHECK(!typo_technique("room", "zoom"));
  CHECK(!typo_technique("boom", "zoom"));
  CHECK(!typo_technique("zoo", "zoom"));
  CHECK(!typo_technique("team", "teams"));
  CHECK(!typo_technique("zoom", "zoom"));
  // Longer names accept any single edit, and two from nine letters up.
  CHECK(typo_technique("anydsk", "anydesk") == TypoTechnique::omission);
  CHECK(typo_technique("anydeskk", "anydesk") == TypoTechnique::repetition);
  CHECK(typo_technique("anydisk", "anydesk") == TypoTechnique::vowel_swap);
  CHECK(typo_technique("anyxesk", "anydesk") == TypoTechnique::keyboard_adjacent);
  CHECK(typo_technique("teamveiwer", "teamviewer") == TypoTechnique::transposition);
  CHECK(typo_technique("teamvieweer", "teamviewer") == TypoTechnique::repetition);
  CHECK(typo_technique("tamviewre", "teamviewer") == TypoTechnique::double_edit);
  CHECK(!typo_technique("anydeskxyz", "anydesk"));
}

TEST_CASE("bounded distance gives up past the limit") {
  CHECK(bounded_osa_distance("kitten", "sitting", 5) == 3);
  CHECK(bounded_osa_distance("kitten", "sitting", 1) == 2);
  CHECK(bounded_osa_distance("ab", "ba", 3) == 1);
  CHECK(bounded_osa_distance("", "abc", 5) == 3);
  CHECK(bounded_osa_distance(std::string(200, 'a'), std::string(200, 'a'), 2) == 3);  // too long to judge
}

TEST_CASE("combo words split the way kits glue them") {
  for (const char* s : {"", "download", "us05web", "downloadnow", "wwww", "meetings2day", "webs", "meeeting",
                        "iinviitee", "ua02web", "w03"})
    CHECK_MESSAGE(splits_into_combo_words(s), s);
  for (const char* s : {"car", "info", "in", "my", "lens", "taiwan", "perfectv"})
    CHECK_MESSAGE(!splits_into_combo_words(s), s);
  CHECK(is_near_combo_word("busines"));
  CHECK(is_near_combo_word("cn"));
  CHECK(!is_near_combo_word("lens"));
}

TEST_CASE("confusable skeletons fold look-alikes to one reading") {
  const ConfusableSkeleton sk;
  CHECK(sk.of("zoom") == "zoom");
  CHECK(sk.of("z\xD0\xBE\xD0\xBEm") == "zoom");  // Cyrillic o
  CHECK(sk.of("zoorn") == "zoom");
  CHECK(sk.of("z00m") == "zoom");
  CHECK(sk.of("s1ack") == "slack");
  CHECK(sk.of("vvebex") == "webex");
  CHECK(sk.of("sl4ck") == "slack");
  CHECK(sk.of("\xD0\xB0"
              "n"
              "\xD1\x83"
              "d"
              "\xD0\xB5"
              "sk") == "anydesk");  // Cyrillic a, u, e
  CHECK(sk.is_mixed_script("z\xD0\xBE\xD0\xBEm"));
  CHECK(!sk.is_mixed_script("zoom"));
  CHECK(!sk.is_mixed_script("\xE6\x97\xA5\xE6\x9C\xAC\xE3\x81\xAE"));  // Han + Hiragana is fine
}
