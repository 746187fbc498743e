// CommandQuality: a command's quality terms held out of line must still behave like a plain field.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <utility>

#include "matcher/command.hpp"

using rex::matcher::Command;
using rex::matcher::CommandQuality;
using rex::matcher::QualityTerms;
using rex::refdata::AttributeRange;

namespace {

QualityTerms copper_at_least(std::int64_t min) { return QualityTerms::of({{3, min, rex::refdata::kNoUpperLimit}}); }

}  // namespace

TEST_CASE("a command without quality terms reads as zero terms", "[matcher][command]") {
  const Command c;
  CHECK(c.quality->count == 0);
  CHECK(c.quality.get() == QualityTerms{});
}

TEST_CASE("a copied command owns its own copy of the terms", "[matcher][command]") {
  Command a;
  a.quality = copper_at_least(9950);
  Command b = a;
  CHECK(b == a);
  CHECK(&b.quality.get() != &a.quality.get());
  b.quality.edit().terms[0].min = 9990;
  CHECK(a.quality->terms[0].min == 9950);
  CHECK_FALSE(b == a);
  a = b;
  CHECK(a.quality->terms[0].min == 9990);
  CHECK(a == b);
}

TEST_CASE("a moved command takes the terms and leaves none behind", "[matcher][command]") {
  Command a;
  a.quality = copper_at_least(9950);
  const QualityTerms* held = &a.quality.get();
  Command b = std::move(a);
  CHECK(&b.quality.get() == held);
  CHECK(b.quality->terms[0].min == 9950);
}

TEST_CASE("terms compare by value, not by where they are held", "[matcher][command]") {
  CommandQuality none;
  CommandQuality emptied;
  emptied.edit();  // allocated, still zero terms
  CHECK(none == emptied);
  CommandQuality x(copper_at_least(9950));
  CommandQuality y;
  y = copper_at_least(9950);
  CHECK(x == y);
  y = QualityTerms{};  // assigning no terms releases them
  CHECK(y == none);
  CHECK_FALSE(x == y);
  x = x;  // self-assignment keeps them
  CHECK(x->terms[0].min == 9950);
}

TEST_CASE("terms from a list keep its order and refuse more than the array holds", "[matcher][command]") {
  const QualityTerms two = QualityTerms::of({{5, 1, 2}, {3, 4, 4}});
  CHECK(two.count == 2);
  CHECK(two.terms[0] == AttributeRange{5, 1, 2});
  CHECK(two.terms[1] == AttributeRange{3, 4, 4});
  CHECK(two.terms[2] == AttributeRange{});
  CHECK_THROWS_AS(QualityTerms::of({{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}, {5, 0, 0}, {6, 0, 0}, {7, 0, 0},
                                    {8, 0, 0}}),
                  std::invalid_argument);
}
